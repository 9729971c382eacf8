-- core.to_search_vector(text): the search_vector of a message or memory (0040 onwards).
CREATE OR REPLACE FUNCTION core.to_search_vector(p_content text)
RETURNS tsvector
LANGUAGE plpgsql
IMMUTABLE
STRICT
PARALLEL SAFE
SECURITY DEFINER  -- callers (recall_memories runs as the app) hold no USAGE on schema core
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    -- PL/pgSQL, not SQL: a SQL function with SET is never inlined, and its nested call of
    -- core.search_normalize would be planned again on every row (2.2x slower, measured)
    RETURN to_tsvector('core.portuguese_unaccent'::regconfig, core.search_normalize(p_content));
END;
$$;

COMMENT ON FUNCTION core.to_search_vector(text) IS
    'The search_vector of a text: to_tsvector(''core.portuguese_unaccent'', core.search_normalize(text)). Set by the messages/memories triggers, recomputed for old rows by maint.reindex_search().';

GRANT EXECUTE ON FUNCTION core.to_search_vector(text) TO assistant_app, assistant_readonly, assistant_service;
