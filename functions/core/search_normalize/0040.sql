-- core.search_normalize(text): Portuguese text (or a search-box query) rewritten so that the
-- forms the snowball stemmer leaves apart meet before it sees them. Lower case, then, on whole
-- words (\m ... \M, so codes such as PN-3321-A are untouched apart from case):
--   accents typed without: -cao/-coes/-çao -> -ção, -oes -> -ão, -ao -> -ão (3+ letters before)
--   irregular plurals:     -ões/-ães/-ãos -> -ão, -ns -> -m, -éis/-eis -> -el, -óis -> -ol,
--                          -ais -> -al (not demais/jamais; cais/mais/pais are too short)
--   short verb stems:      -quei -> -car, -guei -> -gar, -cei -> -çar; vo+ei/ou/amos/ando...
--                          -> voar (two-letter stems only, not qu-: quando), -ei/-ou -> -ar,
--                          sair/saiu/saída... -> sair
-- Only regexp_replace, and no lookahead constraints (they cost PostgreSQL's regex engine about
-- three times as much; exceptions are put back by a later rule instead): IMMUTABLE, no dictionary. Query syntax
-- ("phrase", -word, or) passes through untouched, so one function serves documents and queries.
CREATE OR REPLACE FUNCTION core.search_normalize(p_text text, p_query boolean DEFAULT false)
RETURNS text
LANGUAGE sql
IMMUTABLE
STRICT
PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT regexp_replace(regexp_replace(regexp_replace(regexp_replace(
    regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(
    regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(
        lower(p_text),
        '([[:alpha:]]{2})(?:c|ç)(?:oes|ões|ao|ãos)\M', '\1ção', 'g'),
        '([[:alpha:]]{2})oes\M', '\1ão', 'g'),
        '([[:alpha:]]{3})ao\M', '\1ão', 'g'),
        '(?:ões|ães|ãos)\M', 'ão', 'g'),
        '([[:alpha:]]{2})ns\M', '\1m', 'g'),
        '([[:alpha:]]{2})[ée]is\M', '\1el', 'g'),
        '([[:alpha:]]{2})óis\M', '\1ol', 'g'),
        '([[:alpha:]]{3,})ais\M', '\1al', 'g'),
        '\m(de|ja)mal\M', '\1mais', 'g'),  -- demais, jamais: not plurals
        '([[:alpha:]]{3})quei\M', '\1car', 'g'),
        '([[:alpha:]]{3})guei\M', '\1gar', 'g'),
        '([[:alpha:]]{3})cei\M', '\1çar', 'g'),
        '\m([[:alpha:]]{2})(?:ando|amos|aremos|aram|ava|ei|ou)\M', '\1ar', 'g'),
        '\mquar\M', 'quando', 'g'),  -- the stop word quando is not a verb form
        '([[:alpha:]]{3})(?:ei|ou)\M', '\1ar', 'g'),
        '\msa(?:iu|ir|i|í|ída|ida|ídas|idas|iram|indo|imos)\M', 'sair', 'g'),
        '\m([[:alpha:]])oos\M', '\1oo', 'g'),
        -- codes and hyphenated words: the parser reads PN-3321-A as pn, -3321 and the stop word a
        -- (so PN-3321-A and PN-3321-B would meet). A document gets the parts joined (pn3321a) and
        -- each part; a query only the joined form, so a code finds itself whole, a part (0117,
        -- GTX) finds the codes holding it, and check-list/checklist meet.
        '\m([[:alnum:]]+)-([[:alnum:]]+)(?:-([[:alnum:]]+))?\M',
        CASE WHEN p_query THEN '\1\2\3' ELSE '\1\2\3 \1 \2 \3' END, 'g')
$$;

COMMENT ON FUNCTION core.search_normalize(text, boolean) IS
    'Lower-cases Portuguese text and rewrites the word endings the snowball stemmer leaves apart (ão/ões/ães, -m/-ns, -el/-éis, -al/-ais, accents typed without, short verb forms) so that singular and plural, accented and unaccented, and common verb forms meet. Codes and hyphenated words (PN-3321-A, PR-GTX, check-list) are joined, and for a document (p_query false) also kept in parts. Used on both sides: core.to_search_vector and core.to_search_tsquery (p_query true).';

GRANT EXECUTE ON FUNCTION core.search_normalize(text, boolean) TO assistant_app, assistant_readonly, assistant_service;
