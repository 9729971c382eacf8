-- core.search_suggest(query): the query with each word the user's vocabulary does not hold
-- replaced by the user's most similar word (pg_trgm similarity over core.search_words, served by
-- its trigram index, similarity at least 0.25, minus 0.05 a letter of length difference), or NULL when nothing was replaced. Only the user's own
-- vocabulary is read, so a suggestion is always a word this user wrote. Words of query syntax
-- The user is core.current_user_id() (the one api.act_as named), never an argument.
-- (or, a leading -, quotes) are kept as typed; words under 3 letters are never corrected.
-- 0088: two neighbouring letters swapped (meatr for metar) leave too few trigrams in common for
-- the similarity search; a word of the user's equal to the typed one with one adjacent pair
-- swapped is looked up first, by primary key (one probe per letter).
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
            -- two neighbouring letters swapped (meatr -> metar): exact probes of the primary key
            -- (a join, not word_key = ANY (...) ORDER BY word_key, which walks the user's whole
            -- primary-key range); the first swap from the left wins
            SELECT w.word INTO v_best
              FROM generate_series(1, length(v_key) - 1) AS i
              JOIN core.search_words AS w
                ON w.user_id = v_user_id
               AND w.word_key = overlay(v_key PLACING substr(v_key, i + 1, 1) || substr(v_key, i, 1) FROM i FOR 2)
             ORDER BY i
             LIMIT 1;
            IF v_best IS NULL THEN
                SELECT w.word INTO v_best
                  FROM core.search_words AS w
                 WHERE w.user_id = v_user_id
                   AND w.word_key OPERATOR(ext.%) v_key
                 -- a slip keeps the length: among close words, one of the typed length wins
                 -- (decolajem -> decolagem rather than decola)
                 ORDER BY ext.similarity(w.word_key, v_key) - 0.05 * abs(length(w.word_key) - length(v_key)) DESC, w.word_key
                 LIMIT 1;
            END IF;
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
    'Typo fallback: p_query with each word unknown to the user''s own vocabulary (core.search_words) replaced by the user''s word that differs by one swap of neighbouring letters (since 0088), else by the user''s most similar word (pg_trgm, similarity >= 0.25, a length difference penalised), or NULL when no word was replaced. Reads only the words of the user named by app.user_id (core.current_user_id()), so a suggestion is a word that user wrote.';

GRANT EXECUTE ON FUNCTION core.search_suggest(text) TO assistant_app, assistant_readonly, assistant_service;
