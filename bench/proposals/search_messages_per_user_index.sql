-- Proposal (core, and a migration in 0030-0039 for the index): search through one GIN index on
-- (user_id, search_vector), exact words first, prefixes only when the exact words find too little.
-- Measured with: bench/bench.py --apply bench/proposals/search_messages_per_user_index.sql
--
-- Why: messages_search_vector_idx indexes every user's lexemes together, and api.search_messages
-- makes every word a prefix (core.to_prefix_tsquery). A prefix is a partial match, for which GIN
-- collects the matching rows of every user before the user's rows are picked out (BitmapAnd with
-- the primary key): the cost of one user's search follows the number of matches among all users,
-- that is the size of the history (EXPLAIN: 18,000 index rows per monthly partition read for a
-- user's 200). With user_id inside the GIN key (btree_gin) and exact lexemes, GIN's fast scan
-- skips along the user's posting list: the cost follows the user's own matches.
-- The replaced index keeps one GIN per partition, so the insert cost stays that of one GIN.
CREATE EXTENSION IF NOT EXISTS btree_gin SCHEMA ext;
SET maintenance_work_mem = '512MB';
CREATE INDEX messages_user_id_search_vector_idx ON core.messages USING gin (user_id, search_vector);
DROP INDEX core.messages_search_vector_idx;
RESET maintenance_work_mem;

CREATE OR REPLACE FUNCTION api.search_messages(
    p_query text,
    p_conversation_id uuid DEFAULT NULL,
    p_from timestamptz DEFAULT NULL,
    p_until timestamptz DEFAULT NULL,
    p_limit integer DEFAULT 20,
    p_offset integer DEFAULT 0)
RETURNS TABLE (
    id uuid,
    conversation_id uuid,
    created_at timestamptz,
    role core.message_role,
    content text,
    rank real,
    headline text)
LANGUAGE plpgsql
STABLE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_exact tsquery;
    v_prefix tsquery;
    v_user uuid := core.current_user_id();
    v_found bigint;
BEGIN
    IF p_query IS NULL OR p_query !~ '[^[:space:]]' OR length(p_query) > 1000 THEN
        RAISE EXCEPTION 'api.search_messages: p_query must be 1 to 1000 characters, not empty or blank'
            USING ERRCODE = '22023',
                  HINT = 'Pass words to look for, e.g. ''reunião de briefing'' or ''"plano de voo" -atraso''.';
    END IF;
    IF p_limit IS NULL OR p_limit NOT BETWEEN 1 AND 100 THEN
        RAISE EXCEPTION 'api.search_messages: p_limit must be between 1 and 100, not %', coalesce(p_limit::text, 'NULL')
            USING ERRCODE = '22023', HINT = 'Ask for pages of at most 100 results.';
    END IF;
    IF p_offset IS NULL OR p_offset NOT BETWEEN 0 AND 10000 THEN
        RAISE EXCEPTION 'api.search_messages: p_offset must be between 0 and 10000, not %', coalesce(p_offset::text, 'NULL')
            USING ERRCODE = '22023', HINT = 'Narrow the search (words, conversation, time range) instead of paging that deep.';
    END IF;
    IF p_from >= p_until THEN
        RAISE EXCEPTION 'api.search_messages: empty time range [%, %)', p_from, p_until
            USING ERRCODE = '22023', HINT = 'p_from is inclusive and p_until exclusive; p_from must come first.';
    END IF;

    v_exact := websearch_to_tsquery('core.portuguese_unaccent', p_query);
    v_prefix := core.to_prefix_tsquery(v_exact);

    -- whole words first: exact lexemes, the user's own posting list in the index
    RETURN QUERY
    WITH hits AS (
        SELECT m.id, m.conversation_id, m.created_at, m.role, m.content,
               ts_rank_cd(m.search_vector, v_exact, 32) AS rank
          FROM core.messages AS m
         WHERE m.user_id = v_user
           AND m.search_vector @@ v_exact
           AND (p_conversation_id IS NULL OR m.conversation_id = p_conversation_id)
           AND m.created_at >= coalesce(p_from, '-infinity')
           AND m.created_at < coalesce(p_until, 'infinity')
         ORDER BY rank DESC, m.created_at DESC, m.id DESC
         LIMIT p_limit OFFSET p_offset
    )
    SELECT h.id, h.conversation_id, h.created_at, h.role, h.content, h.rank::real,
           ts_headline('core.portuguese_unaccent', h.content, v_exact,
                       'StartSel=<b>, StopSel=</b>, MaxFragments=2, MaxWords=20, MinWords=5')
      FROM hits AS h
     ORDER BY h.rank DESC, h.created_at DESC, h.id DESC;
    GET DIAGNOSTICS v_found = ROW_COUNT;
    -- (compared as text: tsquery equality ignores the prefix flag)
    IF v_found > 0 OR v_prefix::text = v_exact::text THEN
        RETURN;
    END IF;

    -- nothing for the whole words: a partial word being typed ("reun"), as prefixes
    RETURN QUERY
    WITH hits AS (
        SELECT m.id, m.conversation_id, m.created_at, m.role, m.content,
               ts_rank_cd(m.search_vector, v_prefix, 32) / 2 AS rank
          FROM core.messages AS m
         WHERE m.user_id = v_user
           AND m.search_vector @@ v_prefix
           AND (p_conversation_id IS NULL OR m.conversation_id = p_conversation_id)
           AND m.created_at >= coalesce(p_from, '-infinity')
           AND m.created_at < coalesce(p_until, 'infinity')
         ORDER BY rank DESC, m.created_at DESC, m.id DESC
         LIMIT p_limit OFFSET p_offset
    )
    SELECT h.id, h.conversation_id, h.created_at, h.role, h.content, h.rank::real,
           ts_headline('core.portuguese_unaccent', h.content, v_prefix,
                       'StartSel=<b>, StopSel=</b>, MaxFragments=2, MaxWords=20, MinWords=5')
      FROM hits AS h
     ORDER BY h.rank DESC, h.created_at DESC, h.id DESC;
END;
$$;
