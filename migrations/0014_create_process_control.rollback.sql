-- Undo 0014_create_process_control: one statement per statement of the migration, in reverse order.

REVOKE SELECT ON ops.tools, ops.process_executions, ops.api_metrics, ops.alerts, ops.tool_usage_hourly
    FROM assistant_readonly, assistant_service;
DROP TRIGGER alerts_audit ON ops.alerts;
DROP TRIGGER tools_audit ON ops.tools;
DROP TRIGGER process_executions_record_tool_usage ON ops.process_executions;
DROP TRIGGER tool_usage_hourly_set_updated_at ON ops.tool_usage_hourly;
DROP INDEX ops.tool_usage_hourly_usage_date_idx;
DROP TABLE ops.tool_usage_hourly;
DROP INDEX ops.alerts_execution_id_idx;
DROP INDEX ops.alerts_severity_created_at_idx;
DROP TABLE ops.alerts;
SELECT maint.unregister_partitioned_table('ops.api_metrics');
DROP INDEX ops.api_metrics_execution_id_idx;
DROP INDEX ops.api_metrics_recorded_at_idx;
DROP TABLE ops.api_metrics;
DROP INDEX ops.process_executions_running_started_at_idx;
DROP INDEX ops.process_executions_started_at_idx;
DROP TABLE ops.process_executions;
DROP TRIGGER tools_set_updated_at ON ops.tools;
DROP TABLE ops.tools;

-- the functions loaded from functions/ after this migration's statements
DROP FUNCTION api.resolve_alert(uuid, text);
DROP FUNCTION api.raise_alert(text, ops.alert_severity, text, text, jsonb, text, text);
DROP FUNCTION api.record_api_call(text, text, integer, integer, boolean, text, integer, integer, integer, timestamptz);
DROP FUNCTION ops.mark_timed_out_processes(interval);
DROP FUNCTION api.complete_process(text, boolean, jsonb, text, integer, text);
DROP FUNCTION api.start_process(text, jsonb, text, jsonb, inet, text, text);

DROP TYPE ops.tool_complexity;
DROP TYPE ops.tool_category;
DROP TYPE ops.alert_severity;
DROP TYPE ops.process_status;

-- the function loaded from functions/ before this migration's statements
DROP FUNCTION ops.tg_process_executions__record_tool_usage();
