-- api.recall_memories(query, limit, tiers) (0040: core.to_search_tsquery, the Portuguese forms of
-- 0040, and the typo fallback over the user's own vocabulary): the memories of the user named by app.user_id that
-- matter now, best first, and records that they were recalled.
--
--   score = 0.5 * relevance + 0.3 * importance + 0.2 * recency
--   relevance = greatest(ts_rank_cd(search_vector, query as prefixes, normalised to [0, 1)),
--                        word_similarity(unaccent(query), unaccent(content)))  -- 0 without a query
--   recency   = exp(-(now() - coalesce(last_accessed_at, created_at)) / 30 days)
--
-- Full text finds whole and partial words through memories_search_vector_idx; the trigram
-- word similarity (pg_trgm) forgives typos and short fragments. Candidates are the user's live
-- memories (expired ones never come back, even before the cleanup deletes them) that match
-- either way; without a query, every live memory is a candidate and the score is importance
-- and recency alone. The returned memories get last_accessed_at = now() and access_count + 1
-- (values returned are the updated ones).
-- 0080: the enum types it names live in api (apps may name them).
-- 0090 (Citus): PL/pgSQL, SECURITY DEFINER, the user named once into v_user and every statement
-- filtered by it. Citus cannot plan a SQL function's statements with parameters (`could not create
-- distributed plan`), and a shard cannot see who api.act_as named, so row-level security alone
-- found nothing there; with the user as a value the statements are routed to the user's shard.
-- The rows are the same as under row-level security: the named user's own, none when no user
-- is named.
CREATE OR REPLACE FUNCTION api.recall_memories(
    p_query text DEFAULT NULL,
    p_limit integer DEFAULT 10,
    p_tiers api.memory_tier[] DEFAULT NULL)
RETURNS TABLE (
    id uuid,
    tier api.memory_tier,
    content text,
    importance real,
    relevance double precision,
    recency double precision,
    score double precision,
    expires_at timestamptz,
    last_accessed_at timestamptz,
    access_count bigint,
    source_conversation_id uuid,
    metadata jsonb,
    created_at timestamptz)
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    v_user uuid := core.current_user_id();
    v_words tsquery;
    v_suggested tsquery;
    v_plain text;
BEGIN
    PERFORM core.raise_unless(p_query IS NULL OR (p_query ~ '[^[:space:]]' AND length(p_query) <= 1000), '22023',
                'api.recall_memories: p_query must be NULL (no query) or 1 to 1000 characters, not blank',
                'Pass what the user just said, or NULL to recall by importance and recency alone.');
    PERFORM core.raise_unless(p_limit BETWEEN 1 AND 100, '22023',
                format('api.recall_memories: p_limit must be between 1 and 100, not %s', coalesce(p_limit::text, 'NULL')),
                'Recall at most 100 memories at a time.');
    PERFORM core.raise_unless(array_position(p_tiers, NULL) IS NULL, '22023',
                'api.recall_memories: p_tiers must not contain NULL',
                'Pass NULL for every tier, or an array such as ARRAY[''long_term'', ''critical'']::api.memory_tier[].');
    IF v_user IS NULL THEN
        RETURN;  -- no user named: nothing, as row-level security gives
    END IF;
    -- the query's forms, computed once: the words as prefixes, or'ed with the user's own spelling
    -- of each word the vocabulary does not know (typo fallback, core.search_suggest)
    v_words := core.to_prefix_tsquery(core.to_search_tsquery(p_query));
    v_suggested := core.to_search_tsquery(core.search_suggest(p_query));
    IF v_suggested IS NOT NULL THEN
        v_words := v_words || v_suggested;
    END IF;
    v_plain := ext.unaccent(p_query);
    RETURN QUERY
    WITH candidates AS (
        SELECT m.user_id, m.id, m.tier, m.content, m.importance, m.expires_at, m.access_count,
               m.source_conversation_id, m.metadata, m.created_at,
               CASE WHEN p_query IS NULL THEN 0
                    ELSE greatest(ts_rank_cd(m.search_vector, v_words, 32),
                                  ext.word_similarity(v_plain, ext.unaccent(m.content)))
               END::double precision AS relevance,
               exp(-extract(epoch FROM now() - coalesce(m.last_accessed_at, m.created_at)) / 2592000.0) AS recency
          FROM core.memories AS m
         WHERE m.user_id = v_user
           AND (m.expires_at IS NULL OR m.expires_at > now())
           AND (p_tiers IS NULL OR m.tier = ANY (p_tiers))
           AND (p_query IS NULL
                OR m.search_vector @@ v_words
                OR ext.word_similarity(v_plain, ext.unaccent(m.content)) >= 0.4)
    ), ranked AS (
        SELECT c.*, 0.5 * c.relevance + 0.3 * c.importance + 0.2 * c.recency AS score
          FROM candidates AS c
         ORDER BY score DESC, c.id
         LIMIT p_limit
    ), touched AS (
        UPDATE core.memories AS m
           SET last_accessed_at = now(),
               access_count = m.access_count + 1
          FROM ranked AS r
         WHERE m.user_id = v_user
           AND m.user_id = r.user_id
           AND m.id = r.id
        RETURNING m.id
    )
    SELECT r.id, r.tier, r.content, r.importance, r.relevance, r.recency::double precision, r.score::double precision,
           r.expires_at, now(), (r.access_count + 1)::bigint, r.source_conversation_id, r.metadata, r.created_at
      FROM ranked AS r
     ORDER BY r.score DESC, r.id;
END;
$$;

COMMENT ON FUNCTION api.recall_memories(text, integer, api.memory_tier[]) IS
    'Recall for the user named by app.user_id: live (unexpired) memories matching p_query by full text (Portuguese forms, prefixes, typo-corrected words from the user''s own vocabulary) or trigram similarity (all live ones without a query), optionally of some tiers, ordered by score = 0.5 relevance + 0.3 importance + 0.2 recency (exp(-age/30 days) since last access); updates last_accessed_at and access_count of those returned. 22023 for a blank query or bad limit.';

REVOKE EXECUTE ON FUNCTION api.recall_memories(text, integer, api.memory_tier[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION api.recall_memories(text, integer, api.memory_tier[]) TO assistant_app, assistant_service;
