-- core.to_prefix_tsquery(tsquery): the same query with every lexeme matching as a prefix
-- ('reun' & 'voo' -> 'reun':* & 'voo':*), so a partial or still-being-typed word finds its
-- completions through the same GIN index. Operators (&, |, !, <->) and parentheses are kept.
-- Works on the text form: a lexeme is a single-quoted string with '' for a quote.
CREATE OR REPLACE FUNCTION core.to_prefix_tsquery(p_query tsquery)
RETURNS tsquery
LANGUAGE sql
IMMUTABLE
STRICT
PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT regexp_replace(p_query::text, '(''(?:[^'']|'''')*'')(:\*)?', '\1:*', 'g')::tsquery
$$;

COMMENT ON FUNCTION core.to_prefix_tsquery(tsquery) IS
    'The query with each lexeme made a prefix match (lexeme:*), operators kept: partial words find their completions. Used by api.search_messages.';

GRANT EXECUTE ON FUNCTION core.to_prefix_tsquery(tsquery) TO assistant_app, assistant_readonly, assistant_service;
