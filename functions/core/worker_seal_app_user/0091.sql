-- core.worker_seal_app_user(user_id): on Citus, the seal a worker can check for the user an
-- application transaction acts for. core.seal_app_user binds the user to the coordinator's
-- backend and transaction start, which a worker cannot see; this one binds it, under the same
-- key (core.identity_keys, a reference table on Citus), to what the coordinator and the workers
-- serving its transaction both see: the coordinator backend's global pid (citus_backend_gpid())
-- and the distributed transaction's number (get_current_transaction_id()). A seal made in another
-- transaction, by another backend or by hand does not match. NULL without Citus, or while the
-- transaction has no distributed number yet. The Citus functions are called by name at run time
-- (EXECUTE), so the function is created on plain PostgreSQL too.
CREATE OR REPLACE FUNCTION core.worker_seal_app_user(p_user_id uuid)
RETURNS text
LANGUAGE plpgsql
STABLE
STRICT
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
                              convert_to('citus|' || p_user_id::text || '|' || v_gpid || '|' || v_number, 'UTF8')), 'hex')
              FROM core.identity_keys AS k
             WHERE k.purpose = 'seal');
END;
$$;

COMMENT ON FUNCTION core.worker_seal_app_user(uuid) IS
    'Citus: HMAC of (user id, the coordinator backend''s global pid, the distributed transaction number) under this database''s seal key: the value api.act_as sends to the workers in app.user_worker_seal and core.resolve_app_user checks there. NULL without Citus.';

REVOKE EXECUTE ON FUNCTION core.worker_seal_app_user(uuid) FROM PUBLIC;
