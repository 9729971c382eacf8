-- core.propagate_app_user(user_id): on Citus, sends the user api.act_as / api.act_as_token named
-- (already set with its seal on this node) to the workers of this transaction, so that row-level
-- security on the shards sees it: SET LOCAL app.user_id and app.user_worker_seal, which Citus
-- sends to every worker connection of the transaction (citus.propagate_set_commands = 'local',
-- set by `runner.py distribute`; set_config() is not sent). Nothing without Citus.
-- The distributed transaction gets its number from its first remote statement (the caller's
-- read of core.users, a distributed table); if it has none yet, one is made by reading the
-- user's row again through Citus.
CREATE OR REPLACE FUNCTION core.propagate_app_user(p_user_id uuid)
RETURNS void
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_seal text;
BEGIN
    IF p_user_id IS NULL OR to_regprocedure('pg_catalog.citus_backend_gpid()') IS NULL THEN
        RETURN;
    END IF;
    v_seal := core.worker_seal_app_user(p_user_id);
    IF v_seal IS NULL THEN
        PERFORM FROM core.users AS u WHERE u.id = p_user_id FOR SHARE;  -- a remote statement: the transaction gets its number
        v_seal := core.worker_seal_app_user(p_user_id);
    END IF;
    EXECUTE format('SET LOCAL app.user_id = %L', p_user_id::text);
    EXECUTE format('SET LOCAL app.user_worker_seal = %L', coalesce(v_seal, ''));
END;
$$;

COMMENT ON FUNCTION core.propagate_app_user(uuid) IS
    'Citus: SET LOCAL app.user_id and app.user_worker_seal (core.worker_seal_app_user), which Citus sends to the workers of the transaction; called by api.act_as and api.act_as_token. Does nothing without Citus.';

REVOKE EXECUTE ON FUNCTION core.propagate_app_user(uuid) FROM PUBLIC;
