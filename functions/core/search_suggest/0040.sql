-- core.search_suggest(query): the query with each word the user's vocabulary does not hold
-- replaced by the user's most similar word (pg_trgm similarity over core.search_words, served by
-- its trigram index, similarity at least 0.25, minus 0.05 a letter of length difference), or NULL when nothing was replaced. Only the user's own
-- vocabulary is read, so a suggestion is always a word this user wrote. Words of query syntax
-- The user is core.current_user_id() (the one api.act_as named), never an argument.
-- (or, a leading -, quotes) are kept as typed; words under 3 letters are never corrected.
CREATE OR REPLACE FUNCTION core.search_suggest(p_query text)
RETURNS text
LANGUAGE plpgsql
STABLE
STRICT
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET pg_trgm.similarity_threshold = 0.25
AS $$
DECLARE
    v_user_id uuid := core.current_user_id();
    v_word text;
    v_key text;
    v_best text;
    v_out text[] := '{}';
    v_changed boolean := false;
BEGIN
    FOREACH v_word IN ARRAY regexp_split_to_array(btrim(p_query), '\s+') LOOP
        v_key := ext.unaccent(lower(regexp_replace(v_word, '[^[:alpha:]]', '', 'g')));
        v_best := NULL;
        IF length(v_key) >= 3 AND lower(v_word) <> 'or' AND v_word !~ '^-'
           AND NOT EXISTS (SELECT FROM core.search_words AS w
                            WHERE w.user_id = v_user_id AND w.word_key = v_key) THEN
            SELECT w.word INTO v_best
              FROM core.search_words AS w
             WHERE w.user_id = v_user_id
               AND w.word_key OPERATOR(ext.%) v_key
             -- a slip keeps the length: among close words, one of the typed length wins
             -- (decolajem -> decolagem rather than decola)
             ORDER BY ext.similarity(w.word_key, v_key) - 0.05 * abs(length(w.word_key) - length(v_key)) DESC, w.word_key
             LIMIT 1;
        END IF;
        IF v_best IS NOT NULL THEN
            v_out := v_out || v_best;
            v_changed := true;
        ELSE
            v_out := v_out || v_word;
        END IF;
    END LOOP;
    RETURN CASE WHEN v_changed THEN array_to_string(v_out, ' ') END;
END;
$$;

COMMENT ON FUNCTION core.search_suggest(text) IS
    'Typo fallback: p_query with each word unknown to the user''s own vocabulary (core.search_words) replaced by the user''s most similar word (pg_trgm, similarity >= 0.25, a length difference penalised), or NULL when no word was replaced. Reads only the words of the user named by app.user_id (core.current_user_id()), so a suggestion is a word that user wrote.';

GRANT EXECUTE ON FUNCTION core.search_suggest(text) TO assistant_app, assistant_readonly, assistant_service;
