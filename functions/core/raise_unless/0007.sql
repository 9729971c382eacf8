-- core.raise_unless(condition, sqlstate, message, hint): the argument check of the api's SQL
-- functions. Those are SQL-standard bodies (BEGIN ATOMIC), parsed when created, so the app role
-- runs them with its own privileges and row-level security without being allowed to name
-- schema core; SQL has no RAISE, so they call this first: SELECT core.raise_unless(...);
-- A NULL condition counts as false: an argument that cannot be checked is refused.
CREATE OR REPLACE FUNCTION core.raise_unless(p_condition boolean, p_sqlstate text, p_message text, p_hint text)
RETURNS boolean
LANGUAGE plpgsql
IMMUTABLE
PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF p_condition IS NOT TRUE THEN
        RAISE EXCEPTION USING ERRCODE = coalesce(p_sqlstate, '22023'), MESSAGE = p_message, HINT = p_hint;
    END IF;
    RETURN true;
END;
$$;

COMMENT ON FUNCTION core.raise_unless(boolean, text, text, text) IS
    'Raises p_message with SQLSTATE p_sqlstate (default 22023) and p_hint unless p_condition is true (NULL counts as false); returns true. The argument checks of the api''s SQL functions.';

GRANT EXECUTE ON FUNCTION core.raise_unless(boolean, text, text, text) TO assistant_app, assistant_readonly, assistant_service;
