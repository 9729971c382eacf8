-- core.search_normalize(text): Portuguese text (or a search-box query) rewritten so that the
-- forms the snowball stemmer leaves apart meet before it sees them. Lower case, then, on whole
-- words (\m ... \M, so codes such as PN-3321-A are untouched apart from case):
--   compounds typed as two words: check list, bem vindo, pre voo -> check-list, bem-vindo,
--                          pre-voo (then joined like any hyphenated word, below)
--   words told apart only by an accent (0088): país/países -> paiz, avó -> avóh, nó -> nóh,
--                          avô -> avôw, pôr -> pôrw, so that unaccenting does not merge them with
--                          pais (parents), avo, the stop words no and por; typed without the
--                          accent they stay the other word
--   voo after não/nunca/eu -> voar (the verb, "não voo à noite"); the noun voo stays
--   papelaria/livraria -> papelarya/livrarya (the stemmer would give papel and livr)
--   accents typed without: -cao/-coes/-çao -> -ção, -oes -> -ão, -ao -> -ão (3+ letters before)
--   irregular plurals:     -ões/-ães/-ãos -> -ão, -ns -> -m, -éis/-eis -> -el, -óis -> -ol,
--                          -ais -> -al (not demais/jamais; cais/mais/pais are too short)
--   -ifica/-ificam/-ifique/-ifiquem/-ificação -> -ificar (0088: verifica, verifique and
--                          verificação meet verificar; the stemmer gives verif, verifiqu and,
--                          unaccented, verificaca)
--   short verb stems:      -quei -> -car, -guei -> -gar, -cei -> -çar; vo+ei/ou/amos/ando...
--                          -> voar (two-letter stems only, not qu-: quando), -ei/-ou -> -ar,
--                          sair/saiu/saída... -> sair
-- Only regexp_replace, and no lookahead constraints (they cost PostgreSQL's regex engine about
-- three times as much; exceptions are put back by a later rule instead): IMMUTABLE, no dictionary.
-- At most 22 patterns: a backend caches 32 compiled regular expressions (MAX_CACHED_RES), and one
-- search runs this function's patterns (twice with the typo fallback) beside those of
-- core.to_prefix_tsquery, core.search_suggest, api.search_messages and core.resolve_app_user;
-- past 32 every call compiles them all again (measured: 27 patterns doubled a fallback search's
-- time). Hence rules sharing a shape share a pattern (-oes/-ao/-ões, -éis/-eis/-óis). Query syntax
-- ("phrase", -word, or) passes through untouched, so one function serves documents and queries.
-- 0088: the compounds, accent pairs, voo, -aria and -ifica rules (issue 13, golden set).
CREATE OR REPLACE FUNCTION core.search_normalize(p_text text, p_query boolean DEFAULT false)
RETURNS text
LANGUAGE sql
IMMUTABLE
STRICT
PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(
    regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(
    regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(
    regexp_replace(regexp_replace(
        lower(p_text),
        '\m(check|bem|pr[eé]) (list|vindo|voo)\M', '\1-\2', 'g'),  -- compounds typed as two words
        '\mpa(?:ís|íses|ises)\M', 'paiz', 'g'),  -- país, not pais (parents)
        '\m(avó|nó)\M', '\1h', 'g'),         -- avoh, noh: not avô, not the stop word no
        '\m(avô|pôr)\M', '\1w', 'g'),        -- avow, porw: not avó, not the stop word por
        '\m(não|nao|nunca|eu) voo\M', '\1 voar', 'g'),  -- the verb: "não voo à noite"
        '\m(papel|livr)arias?\M', '\1arya', 'g'),  -- the shop is not its goods
        '([[:alpha:]]{2})(?:c|ç)(?:oes|ões|ao|ãos)\M', '\1ção', 'g'),
        -- -oes (2+ letters before), -ao (3+ letters before), -ões/-ães/-ãos -> -ão in one pass
        '(?:([[:alpha:]]{2})oes|([[:alpha:]]{3})ao|ões|ães|ãos)\M', '\1\2ão', 'g'),
        '([[:alpha:]]{2})ifi(?:ca|cam|que|quem|cação)\M', '\1ificar', 'g'),
        '([[:alpha:]]{2})ns\M', '\1m', 'g'),
        '([[:alpha:]]{2})([ée]|ó)is\M', '\1\2l', 'g'),  -- hotéis -> hotél, níveis -> nível, faróis -> faról
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
    'Lower-cases Portuguese text and rewrites the word endings the snowball stemmer leaves apart (ão/ões/ães, -m/-ns, -el/-éis, -al/-ais, accents typed without, short verb forms, -ifica/-ifique/-ificação) so that singular and plural, accented and unaccented, and common verb forms meet. Since 0088 also: compounds typed as two words (check list, bem vindo, pre voo) meet their hyphenated and joined forms; words told apart only by an accent (país, avó, avô, nó, pôr) get spellings of their own so that unaccenting does not merge them with pais, avo, no, por; voo after não/nunca/eu is the verb voar; papelaria/livraria do not stem to papel/livr. Codes and hyphenated words (PN-3321-A, PR-GTX, check-list) are joined, and for a document (p_query false) also kept in parts. Used on both sides: core.to_search_vector and core.to_search_tsquery (p_query true).';

GRANT EXECUTE ON FUNCTION core.search_normalize(text, boolean) TO assistant_app, assistant_readonly, assistant_service;
