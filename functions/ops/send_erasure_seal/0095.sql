-- ops.send_erasure_seal(seal): SET LOCAL app.erasure_worker_seal, for api.erase_user on Citus.
-- A function of its own because of when Citus sends a SET LOCAL to the workers of the transaction
-- (citus.propagate_set_commands = 'local'): only inside a transaction block or a nested executor.
-- api.erase_user called on its own (autocommit) runs its statements at the first executor level,
-- where Citus keeps a SET LOCAL to the coordinator, and the workers' audit guard then saw no seal.
-- Called through PERFORM, this body runs one executor level deeper, where Citus sends it.
CREATE OR REPLACE FUNCTION ops.send_erasure_seal(p_seal text)
RETURNS void
LANGUAGE plpgsql
VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    EXECUTE format('SET LOCAL app.erasure_worker_seal = %L', coalesce(p_seal, ''));
END;
$$;

COMMENT ON FUNCTION ops.send_erasure_seal(text) IS
    'Citus: SET LOCAL app.erasure_worker_seal to the seal given (empty for none) one executor level below the caller, where Citus sends a SET LOCAL to the workers of the transaction even when the caller is a single statement in autocommit. Called by api.erase_user.';

REVOKE EXECUTE ON FUNCTION ops.send_erasure_seal(text) FROM PUBLIC;
