-- core.try_timestamptz(text): the text as a timestamptz, or NULL when it is not one (an importer
-- reports the row as refused instead of failing the batch). PostgreSQL 15 has no
-- pg_input_is_valid; STABLE, as the cast reads TimeZone; the exception block costs a subtransaction only when called.
CREATE OR REPLACE FUNCTION core.try_timestamptz(p_text text)
RETURNS timestamptz
LANGUAGE plpgsql
STABLE
STRICT
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    RETURN p_text::timestamptz;
EXCEPTION WHEN data_exception THEN
    RETURN NULL;
END;
$$;
COMMENT ON FUNCTION core.try_timestamptz(text) IS
    'The text cast to timestamptz, or NULL when it is not a valid timestamp (for the importers'' refusals).';
REVOKE EXECUTE ON FUNCTION core.try_timestamptz(text) FROM PUBLIC;
