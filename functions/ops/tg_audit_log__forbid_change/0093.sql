-- ops.tg_audit_log__forbid_change(): the audit log is append-only, with one exception: an erasure.
-- Privileges already keep every role but the owner from UPDATE and DELETE; this trigger also
-- stops a role that was granted them by mistake, and a superuser who did not SET ROLE to the
-- owner. Dropping whole partitions (retention) is DDL and is not affected.
--   UPDATE  only by the owner, and only inside an erasure: a transaction in which api.erase_user
--           opened an ops.erasure_log row (a table no other role may write, so no session can
--           pretend to be one), and only the pseudonymisable columns (row_key, db_role, login_role,
--           app_user_id, old_values, new_values, table names): id, changed_at, operation and
--           transaction_id, which date and identify the audit row, never change. An app or
--           service session has no UPDATE privilege on the table; calling api.erase_user gives it
--           that function's fixed rewrite, nothing it can steer.
--   DELETE  only by the owner: partition maintenance moves the rows of a default partition into a
--           new partition (DELETE and INSERT of the same rows, maint.create_partition).
-- 0093 (Citus): on a worker holding an ops.audit_log shard there is no ops.erasure_log and the
-- transaction id is the worker's own; there the erasure is recognised by app.erasure_worker_seal,
-- which api.erase_user sends to the workers of its transaction (ops.worker_seal_erasure). The
-- erasure_log test is only reached where the table is (a plain server, the coordinator).
CREATE OR REPLACE FUNCTION ops.tg_audit_log__forbid_change()
RETURNS trigger
LANGUAGE plpgsql
VOLATILE
SET search_path = pg_catalog, ops, pg_temp
AS $$
DECLARE
    v_erasure boolean;
BEGIN
    IF current_user = 'assistant_owner' THEN
        IF TG_OP = 'DELETE' THEN
            RETURN OLD;
        END IF;
        v_erasure := coalesce(current_setting('app.erasure_worker_seal', true), '') <> ''
                     AND current_setting('app.erasure_worker_seal', true) IS NOT DISTINCT FROM ops.worker_seal_erasure();
        IF NOT v_erasure AND to_regclass('ops.erasure_log') IS NOT NULL THEN
            -- a statement of its own: PL/pgSQL plans it only when reached, so a worker never does
            v_erasure := EXISTS (SELECT FROM ops.erasure_log AS e
                                  WHERE e.transaction_id = pg_current_xact_id()::text::bigint AND e.completed_at IS NULL);
        END IF;
        IF v_erasure THEN
            IF (NEW.id, NEW.changed_at, NEW.operation, NEW.transaction_id)
               IS DISTINCT FROM (OLD.id, OLD.changed_at, OLD.operation, OLD.transaction_id) THEN
                RAISE EXCEPTION 'ops.audit_log: an erasure may pseudonymise audit row %, not change its id, time, operation or transaction', OLD.id
                    USING ERRCODE = '42501', HINT = 'Only row_key, the role names, app_user_id and the values may be rewritten.';
            END IF;
            RETURN NEW;
        END IF;
        RAISE EXCEPTION 'ops.audit_log is append-only: UPDATE refused outside an erasure'
            USING ERRCODE = '42501', HINT = 'Audit rows are never changed; api.erase_user pseudonymises those about an erased person.';
    END IF;
    RAISE EXCEPTION 'ops.audit_log is append-only: % by role % refused', TG_OP, current_user
        USING ERRCODE = '42501', HINT = 'Audit rows are never changed; only api.erase_user pseudonymises them.';
END;
$$;

COMMENT ON FUNCTION ops.tg_audit_log__forbid_change() IS
    'Trigger function (BEFORE UPDATE OR DELETE on ops.audit_log, FOR EACH ROW): refuses the change with 42501 unless the current role is assistant_owner; even then an UPDATE passes only inside an erasure (an open ops.erasure_log row of the current transaction, written by api.erase_user; on a Citus worker, app.erasure_worker_seal matching ops.worker_seal_erasure()) and may not change id, changed_at, operation or transaction_id.';
