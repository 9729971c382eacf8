-- Undo 0013_create_system_logs: one statement per statement of the migration, in reverse order.

SELECT maint.unregister_partitioned_table('ops.system_logs');
REVOKE SELECT ON ops.system_logs FROM assistant_readonly;
DROP INDEX ops.system_logs_trace_id_idx;
DROP INDEX ops.system_logs_level_logged_at_idx;
DROP TABLE ops.system_logs;

-- the functions loaded from functions/ after this migration's statements
DROP FUNCTION ops.cleanup_system_logs();
DROP FUNCTION api.write_log(ops.log_level, text, text, jsonb);

DROP TYPE ops.log_level;
