-- api.search_messages(query, conversation, from, until, limit, offset, typo_fallback): full-text
-- search over the messages of the user named by app.user_id, ranked, in Portuguese: singular and
-- plural, accents typed or not, case and common verb forms meet (core.to_search_tsquery over
-- core.to_search_vector). Query syntax is web search's: words, "a phrase", -excluded, or.
-- Every word also matches as a prefix ("reun" finds "reunião"), through the same GIN index;
-- whole words rank above prefixes (rank = greatest(whole-word rank, half the prefix rank)).
-- When nothing matches and p_typo_fallback, the query is corrected word by word against the
-- user's own vocabulary (core.search_suggest, pg_trgm over core.search_words, never a scan of
-- messages) and run again: those hits rank at a quarter and carry the corrected query in
-- suggestion ("você quis dizer …"); suggestion is NULL for every other hit.
-- Ranked by ts_rank_cd (cover density, normalised to [0, 1)); then newest first. Pagination by
-- offset: a ranked result has no stable keyset.
--
-- SECURITY DEFINER, with the row-level security predicate written out (user_id =
-- core.current_user_id(), exactly the policy's): under row-level security the planner may only
-- use leakproof operators as index conditions, and tsvector @@ tsquery is not leakproof, so as
-- the caller the search could never use the GIN index and would read every message of the user.
-- As the owner the policy does not apply and the GIN index serves the match. The function reads
-- nothing but the rows of core.current_user_id().
-- 0080: the enum types it names live in api (apps may name them).
CREATE OR REPLACE FUNCTION api.search_messages(
    p_query text,
    p_conversation_id uuid DEFAULT NULL,
    p_from timestamptz DEFAULT NULL,
    p_until timestamptz DEFAULT NULL,
    p_limit integer DEFAULT 20,
    p_offset integer DEFAULT 0,
    p_typo_fallback boolean DEFAULT true)
RETURNS TABLE (
    id uuid,
    conversation_id uuid,
    created_at timestamptz,
    role api.message_role,
    content text,
    rank real,
    headline text,
    suggestion text)
LANGUAGE plpgsql
STABLE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    v_exact tsquery;
    v_prefix tsquery;
    v_prefix_weight double precision := 0.5;
    v_suggestion text;
    v_user uuid := core.current_user_id();
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

    v_exact := core.to_search_tsquery(p_query);
    v_prefix := core.to_prefix_tsquery(v_exact);

    -- Typo fallback only when the words, whole or as prefixes, match nothing in the range. The
    -- choice depends on the query, not the page, so every page of one search comes from one set.
    IF p_typo_fallback IS NOT FALSE AND NOT EXISTS (
           SELECT FROM core.messages AS m
            WHERE m.user_id = v_user
              AND m.search_vector @@ v_prefix
              AND (p_conversation_id IS NULL OR m.conversation_id = p_conversation_id)
              AND m.created_at >= coalesce(p_from, '-infinity')
              AND m.created_at < coalesce(p_until, 'infinity')) THEN
        v_suggestion := core.search_suggest(p_query);
        IF v_suggestion IS NOT NULL THEN
            v_exact := core.to_search_tsquery(v_suggestion);
            v_prefix := v_exact;  -- the corrected words are whole words of the user's
            v_prefix_weight := 0.25;
        END IF;
    END IF;

    RETURN QUERY
    WITH hits AS (
        SELECT m.id, m.conversation_id, m.created_at, m.role, m.content,
               CASE WHEN v_suggestion IS NULL
                    THEN greatest(ts_rank_cd(m.search_vector, v_exact, 32),
                                  ts_rank_cd(m.search_vector, v_prefix, 32) * v_prefix_weight)
                    ELSE ts_rank_cd(m.search_vector, v_exact, 32) * v_prefix_weight
               END AS rank
          FROM core.messages AS m
         WHERE m.user_id = v_user
           AND m.search_vector @@ v_prefix
           AND (p_conversation_id IS NULL OR m.conversation_id = p_conversation_id)
           AND m.created_at >= coalesce(p_from, '-infinity')
           AND m.created_at < coalesce(p_until, 'infinity')
         ORDER BY rank DESC, m.created_at DESC, m.id DESC
         LIMIT p_limit OFFSET p_offset
    )
    -- headlines for the page only: ts_headline re-parses the text, the costly part
    SELECT h.id, h.conversation_id, h.created_at, h.role, h.content, h.rank::real,
           ts_headline('core.portuguese_unaccent', h.content, v_prefix,
                       'StartSel=<b>, StopSel=</b>, MaxFragments=2, MaxWords=20, MinWords=5'),
           v_suggestion
      FROM hits AS h
     ORDER BY h.rank DESC, h.created_at DESC, h.id DESC;
END;
$$;

COMMENT ON FUNCTION api.search_messages(text, uuid, timestamptz, timestamptz, integer, integer, boolean) IS
    'Ranked full-text search (Portuguese: plurals, accents either way, case, verb forms; web-search syntax; whole words above prefixes; a typo fallback over the user''s own vocabulary, flagged in suggestion) over the messages of the user named by app.user_id, optionally within one conversation and [p_from, p_until); rank in [0, 1), a highlighted headline; offset pagination. Served by messages_user_id_search_vector_idx (SECURITY DEFINER with the policy''s predicate written out, because @@ is not leakproof). 22023 for a blank query or bad paging.';

GRANT EXECUTE ON FUNCTION api.search_messages(text, uuid, timestamptz, timestamptz, integer, integer, boolean)
    TO assistant_app, assistant_service, assistant_personal_reader;
