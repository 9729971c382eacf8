-- core.tg__collect_search_words(): AFTER INSERT ... FOR EACH STATEMENT, with the inserted rows as
-- the transition table new_rows (user_id, content): adds the words of the statement's rows to
-- their user's vocabulary (core.search_words), the dictionary of the typo fallback. One
-- INSERT ... ON CONFLICT DO NOTHING per statement, whatever its row count; words of 3 to 40
-- letters (the parser's word tokens), lower case, keyed unaccented. SECURITY DEFINER: writers
-- hold no privilege on core.search_words.
CREATE OR REPLACE FUNCTION core.tg__collect_search_words()
RETURNS trigger
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    INSERT INTO core.search_words (user_id, word_key, word)
    SELECT DISTINCT ON (n.user_id, ext.unaccent(lower(t.token)))
           n.user_id, ext.unaccent(lower(t.token)), lower(t.token)
      FROM new_rows AS n
     CROSS JOIN LATERAL ts_parse('default', n.content) AS t
     WHERE t.tokid IN (1, 2)  -- asciiword, word (letters only: no numbers, codes, URLs)
       AND length(t.token) BETWEEN 3 AND 40
     ORDER BY n.user_id, ext.unaccent(lower(t.token)), lower(t.token) DESC  -- accented spelling first
    ON CONFLICT DO NOTHING;
    RETURN NULL;
END;
$$;

COMMENT ON FUNCTION core.tg__collect_search_words() IS
    'AFTER INSERT statement trigger (transition table new_rows) of core.messages and core.memories: adds the words of the new rows to their user''s core.search_words, ON CONFLICT DO NOTHING.';
