-- ops.worker_seal_erasure(): on Citus, the seal that tells a worker the current distributed
-- transaction is an erasure opened by api.erase_user on the coordinator. The audit guard
-- (ops.tg_audit_log__forbid_change) looks for the erasure's open ops.erasure_log row by the
-- transaction id; on a worker holding an ops.audit_log shard that table is not there, and the
-- worker's transaction id is its own. This binds the erasure, under the seal key
-- (core.identity_keys, a reference table on Citus), to what the coordinator and the workers
-- serving its transaction both see: the coordinator backend's global pid and the distributed
-- transaction number (as core.worker_seal_app_user does for the acting user). NULL without
-- Citus, or while the transaction has no distributed number yet. The Citus functions are called
-- by name at run time (EXECUTE), so the function is created on plain PostgreSQL too.
CREATE OR REPLACE FUNCTION ops.worker_seal_erasure()
RETURNS text
LANGUAGE plpgsql
STABLE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_gpid bigint;
    v_number bigint;
BEGIN
    IF to_regprocedure('pg_catalog.citus_backend_gpid()') IS NULL THEN
        RETURN NULL;
    END IF;
    EXECUTE 'SELECT pg_catalog.citus_backend_gpid(), t.transaction_number FROM pg_catalog.get_current_transaction_id() AS t'
        INTO v_gpid, v_number;
    IF coalesce(v_number, 0) = 0 THEN
        RETURN NULL;
    END IF;
    RETURN (SELECT encode(util.hmac_sha256_keyed(k.inner_pad, k.outer_pad,
                              convert_to('citus-erasure|' || v_gpid || '|' || v_number, 'UTF8')), 'hex')
              FROM core.identity_keys AS k
             WHERE k.purpose = 'seal');
END;
$$;

COMMENT ON FUNCTION ops.worker_seal_erasure() IS
    'Citus: HMAC of (the coordinator backend''s global pid, the distributed transaction number) under this database''s seal key: the value api.erase_user sends to the workers in app.erasure_worker_seal once it has opened its ops.erasure_log row, and ops.tg_audit_log__forbid_change checks on the workers. NULL without Citus.';

REVOKE EXECUTE ON FUNCTION ops.worker_seal_erasure() FROM PUBLIC;
