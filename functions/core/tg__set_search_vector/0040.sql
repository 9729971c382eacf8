-- core.tg__set_search_vector(): BEFORE INSERT OR UPDATE OF content on core.messages and
-- core.memories. search_vector is a plain column since 0040 (no longer GENERATED), so that a new
-- configuration can be rolled out by maint.reindex_search() in batches instead of a table rewrite.
-- Whatever a writer puts in search_vector is replaced. SECURITY DEFINER: writers (the app, through
-- api views) hold no USAGE on schema core, where core.to_search_vector lives.
CREATE OR REPLACE FUNCTION core.tg__set_search_vector()
RETURNS trigger
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    NEW.search_vector := core.to_search_vector(NEW.content);
    RETURN NEW;
END;
$$;

COMMENT ON FUNCTION core.tg__set_search_vector() IS
    'BEFORE INSERT OR UPDATE OF content trigger of core.messages and core.memories: search_vector := core.to_search_vector(content).';
