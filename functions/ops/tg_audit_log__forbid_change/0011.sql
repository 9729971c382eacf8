-- ops.tg_audit_log__forbid_change(): the audit log is append-only.
-- Privileges already keep every role but the owner from UPDATE and DELETE; this trigger also
-- stops a role that was granted them by mistake, and a superuser who did not SET ROLE to the
-- owner. Dropping whole partitions (retention) is DDL and is not affected.
CREATE OR REPLACE FUNCTION ops.tg_audit_log__forbid_change()
RETURNS trigger
LANGUAGE plpgsql
VOLATILE
SET search_path = pg_catalog, ops, pg_temp
AS $$
BEGIN
    IF current_user <> 'assistant_owner' THEN
        RAISE EXCEPTION 'ops.audit_log is append-only: % by role % refused', TG_OP, current_user
            USING ERRCODE = '42501', HINT = 'Audit rows are never changed; only assistant_owner may correct them.';
    END IF;
    RETURN CASE TG_OP WHEN 'DELETE' THEN OLD ELSE NEW END;
END;
$$;

COMMENT ON FUNCTION ops.tg_audit_log__forbid_change() IS
    'Trigger function (BEFORE UPDATE OR DELETE on ops.audit_log, FOR EACH ROW): refuses the change with 42501 unless the current role is assistant_owner.';
