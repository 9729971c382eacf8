-- core.current_user_id(): the user an application transaction acts for, named by api.act_as (or
-- api.act_as_token); NULL when none is. Every row-level security policy of a user-owned table
-- compares its user_id column with this, wrapped as (SELECT core.current_user_id()) so the planner
-- evaluates it once per query (an initplan), not once per row.
-- Since 0027 a bare `SET app.user_id` is refused (28Y02): see core.resolve_app_user for why.
-- SECURITY DEFINER: it is called in the policies with the querying role's rights, and the
-- application roles may not name schema core (where core.resolve_app_user lives).
CREATE OR REPLACE FUNCTION core.current_user_id()
RETURNS uuid
LANGUAGE sql
STABLE
PARALLEL SAFE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT core.resolve_app_user(true)
$$;

COMMENT ON FUNCTION core.current_user_id() IS
    'The user the transaction acts for, as named by api.act_as / api.act_as_token; NULL when none. Raises 22P02 for a malformed app.user_id and 28Y02 for one not set by api.act_as in this transaction. Read by every row-level security policy.';

REVOKE EXECUTE ON FUNCTION core.current_user_id() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION core.current_user_id() TO assistant_app, assistant_readonly, assistant_service, assistant_personal_reader;
