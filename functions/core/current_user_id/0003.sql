-- core.current_user_id(): the user an application session acts for, from `SET LOCAL app.user_id`.
-- Every row-level security policy of a user-owned table compares its user_id column with this,
-- wrapped as (SELECT core.current_user_id()) so the planner evaluates it once per query (an
-- initplan), not once per row. It is also the default of every user_id column.
CREATE OR REPLACE FUNCTION core.current_user_id()
RETURNS uuid
LANGUAGE plpgsql
STABLE
PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_setting text := nullif(btrim(current_setting('app.user_id', true)), '');
BEGIN
    -- unset (or reset at the end of a SET LOCAL transaction) means "nobody": policies then match
    -- no row, and inserts fail their NOT NULL/policy check, rather than guessing a user
    IF v_setting IS NULL THEN
        RETURN NULL;
    END IF;
    -- a malformed id is a bug in the application: say so, instead of silently showing no rows.
    -- Checked with a pattern rather than an EXCEPTION block, which would cost a subtransaction.
    IF v_setting !~* '^\{?[0-9a-f]{8}-?([0-9a-f]{4}-?){3}[0-9a-f]{12}\}?$' THEN
        RAISE EXCEPTION 'app.user_id is not a valid uuid: %', v_setting
            USING ERRCODE = '22P02',
                  HINT = 'Set it to the id of a core.users row: SET LOCAL app.user_id = ''<uuid>''.';
    END IF;
    RETURN v_setting::uuid;
END;
$$;

COMMENT ON FUNCTION core.current_user_id() IS
    'The user the session acts for: current_setting(''app.user_id'') as uuid, NULL when unset; raises 22P02 when it is not a uuid. Read by every row-level security policy and the default of every user_id column.';

-- policies and column defaults run it with the querying role's privileges
GRANT EXECUTE ON FUNCTION core.current_user_id() TO assistant_app, assistant_readonly, assistant_service;
