-- Undo 0011_create_audit_log: one statement per statement of the migration, in reverse order.

REVOKE SELECT ON api.audit_trail FROM assistant_readonly;
DROP VIEW api.audit_trail;
SELECT maint.unregister_partitioned_table('ops.audit_log');
REVOKE SELECT ON ops.audit_log FROM assistant_readonly;
DROP TRIGGER audit_log_forbid_change ON ops.audit_log;
DROP INDEX ops.audit_log_changed_at_idx;
DROP INDEX ops.audit_log_app_user_id_changed_at_idx;
DROP INDEX ops.audit_log_table_name_row_key_idx;
DROP TABLE ops.audit_log;
DROP TYPE ops.audit_operation;
REVOKE USAGE ON SCHEMA ops FROM assistant_app, assistant_readonly, assistant_service;

-- the functions loaded from functions/ before this migration's statements
DROP FUNCTION ops.enable_audit(regclass, text[], text[]);
DROP FUNCTION ops.tg_audit_log__forbid_change();
DROP FUNCTION ops.tg__audit();
