-- core.to_search_tsquery(text): a search-box query (web-search syntax: words, "a phrase",
-- -excluded, or) as a tsquery matching core.to_search_vector. Never raises on junk: unbalanced
-- quotes, lone operators and tsquery syntax typed as text give an empty query.
CREATE OR REPLACE FUNCTION core.to_search_tsquery(p_query text)
RETURNS tsquery
LANGUAGE plpgsql
IMMUTABLE
STRICT
PARALLEL SAFE
SECURITY DEFINER  -- callers (recall_memories runs as the app) hold no USAGE on schema core
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    RETURN websearch_to_tsquery('core.portuguese_unaccent'::regconfig, core.search_normalize(p_query, true));
END;
$$;

COMMENT ON FUNCTION core.to_search_tsquery(text) IS
    'A web-search-syntax query (words, "phrase", -excluded, or) as a tsquery over core.to_search_vector: same normalisation, same configuration. Junk gives an empty query, never an error.';

GRANT EXECUTE ON FUNCTION core.to_search_tsquery(text) TO assistant_app, assistant_readonly, assistant_service;
