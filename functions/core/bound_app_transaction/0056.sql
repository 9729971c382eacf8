-- core.bound_app_transaction(): bound the time an application's transaction may take, wait and
-- sit idle, so one stuck or hostile app session cannot hold locks for long (a row lock held by an
-- open transaction delays the next writer of that row and the maintenance step that moves it).
-- Called by api.act_as and api.act_as_token, which every app transaction calls first, so the
-- bounds cover exactly the app's transactions. Role settings (ALTER ROLE assistant_app SET ...)
-- would not do: PostgreSQL applies a role's settings to sessions of that login only, never to
-- the members of a group role, and the app's logins are made by the DBA.
-- The trusted roles (assistant_service, the owner, superusers) are left as they are: imports and
-- exports may run long. SET LOCAL semantics: the bounds end with the transaction; an app may set a
-- lower value after naming its user.
CREATE OR REPLACE FUNCTION core.bound_app_transaction()
RETURNS void
LANGUAGE plpgsql
VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    -- the role the session acts as (SET ROLE, else the login); current_user is the definer of the
    -- api function calling this one. A searched CASE: Citus mis-plans the simple form.
    v_caller name := CASE WHEN current_setting('role') = 'none' THEN session_user ELSE current_setting('role') END;
BEGIN
    IF pg_has_role(v_caller, 'assistant_app', 'USAGE')
       AND NOT pg_has_role(v_caller, 'assistant_service', 'USAGE')
       AND NOT pg_has_role(v_caller, 'assistant_owner', 'USAGE') THEN
        PERFORM set_config('statement_timeout', '30s', true);
        PERFORM set_config('lock_timeout', '5s', true);
        PERFORM set_config('idle_in_transaction_session_timeout', '60s', true);
    END IF;
END;
$$;

COMMENT ON FUNCTION core.bound_app_transaction() IS
    'For a caller in assistant_app (and not in assistant_service or assistant_owner): statement_timeout 30 s, lock_timeout 5 s and idle_in_transaction_session_timeout 60 s for the rest of the transaction. Called by api.act_as and api.act_as_token.';

REVOKE EXECUTE ON FUNCTION core.bound_app_transaction() FROM PUBLIC;
