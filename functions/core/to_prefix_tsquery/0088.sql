-- core.to_prefix_tsquery(tsquery): the same query with every lexeme matching as a prefix
-- ('reun' & 'voo' -> 'reun':* & 'voo':*), so a partial or still-being-typed word finds its
-- completions through the same GIN index. Operators (&, |, !, <->) and parentheses are kept.
-- Works on the text form: a lexeme is a single-quoted string with '' for a quote.
-- 0088: an excluded word (!'papel') stays whole: -papel excludes papel and its forms (the
-- stemmer's), not every word that begins with it (papelaria).
CREATE OR REPLACE FUNCTION core.to_prefix_tsquery(p_query tsquery)
RETURNS tsquery
LANGUAGE sql
IMMUTABLE
STRICT
PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
    -- every lexeme made a prefix (scanning from the start, so quotes stay paired), then the ones
    -- right after a ! operator (at the start, after a space or a parenthesis) made whole again
    SELECT regexp_replace(regexp_replace(p_query::text, '(''(?:[^'']|'''')*'')(:\*)?', '\1:*', 'g'),
                          '(^|[ (])!(''(?:[^'']|'''')*''):\*', '\1!\2', 'g')::tsquery
$$;

COMMENT ON FUNCTION core.to_prefix_tsquery(tsquery) IS
    'The query with each lexeme made a prefix match (lexeme:*), operators kept: partial words find their completions. A lexeme negated on its own (!''word'', an excluded word) stays a whole-word match since 0088, so -papel does not exclude papelaria. Used by api.search_messages and api.recall_memories.';

GRANT EXECUTE ON FUNCTION core.to_prefix_tsquery(tsquery) TO assistant_app, assistant_readonly, assistant_service;
