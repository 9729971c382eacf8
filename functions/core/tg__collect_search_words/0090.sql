-- core.tg__collect_search_words(): AFTER INSERT ... FOR EACH STATEMENT, with the inserted rows as
-- the transition table new_rows (user_id, content): adds the words of the statement's rows to
-- their user's vocabulary (core.search_words), the dictionary of the typo fallback. Words of 3 to
-- 40 letters (the parser's word tokens), lower case, keyed unaccented. SECURITY DEFINER: writers
-- hold no privilege on core.search_words.
-- 0090: one INSERT ... ON CONFLICT DO NOTHING per user of the statement (one for a single-user
-- statement, as before), the words passed as arrays: no statement reads the transition table and
-- core.search_words together. On Citus the trigger runs on a shard, where a transition table is
-- not visible to the distributed INSERT (`could not find named tuplestore`); with the user and
-- the words as values the INSERT is routed to that user's shard of core.search_words.
CREATE OR REPLACE FUNCTION core.tg__collect_search_words()
RETURNS trigger
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_user record;
BEGIN
    FOR v_user IN
        SELECT w.user_id, array_agg(w.word_key) AS word_keys, array_agg(w.word) AS words
          FROM (SELECT DISTINCT ON (n.user_id, ext.unaccent(lower(t.token)))
                       n.user_id, ext.unaccent(lower(t.token)) AS word_key, lower(t.token) AS word
                  FROM new_rows AS n
                 CROSS JOIN LATERAL ts_parse('default', n.content) AS t
                 WHERE t.tokid IN (1, 2)  -- asciiword, word (letters only: no numbers, codes, URLs)
                   AND length(t.token) BETWEEN 3 AND 40
                 ORDER BY n.user_id, ext.unaccent(lower(t.token)), lower(t.token) DESC) AS w  -- accented spelling first
         GROUP BY w.user_id
    LOOP
        INSERT INTO core.search_words (user_id, word_key, word)
        SELECT v_user.user_id, k.word_key, k.word
          FROM unnest(v_user.word_keys, v_user.words) AS k (word_key, word)
        ON CONFLICT DO NOTHING;
    END LOOP;
    RETURN NULL;
END;
$$;

COMMENT ON FUNCTION core.tg__collect_search_words() IS
    'AFTER INSERT statement trigger (transition table new_rows) of core.messages and core.memories: adds the words of the new rows to their user''s core.search_words, one INSERT ... ON CONFLICT DO NOTHING per user (routed to the user''s shard on Citus).';

REVOKE EXECUTE ON FUNCTION core.tg__collect_search_words() FROM PUBLIC;
