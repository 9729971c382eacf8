-- Undo 0015_create_ai_metrics_and_operator_views: one statement per statement of the migration, in reverse order.

REVOKE SELECT ON api.active_processes, api.process_success_rate_24h, api.endpoint_response_times_1h,
                 api.unresolved_alerts, api.unresolved_alerts_by_severity, api.tool_usage_7d, api.ai_metrics_by_period
    FROM assistant_readonly, assistant_service;
DROP VIEW api.ai_metrics_by_period;
DROP VIEW api.tool_usage_7d;
DROP VIEW api.unresolved_alerts_by_severity;
DROP VIEW api.unresolved_alerts;
DROP VIEW api.endpoint_response_times_1h;
DROP VIEW api.process_success_rate_24h;
DROP VIEW api.active_processes;
REVOKE SELECT ON ops.ai_metrics FROM assistant_readonly, assistant_service;
DROP INDEX ops.ai_metrics_measured_at_idx;
DROP TABLE ops.ai_metrics;

-- the functions loaded from functions/ after this migration's statements
DROP FUNCTION api.ai_metrics_for_period(text);
DROP FUNCTION api.record_ai_metrics(numeric, numeric, integer, numeric, numeric, timestamptz);

-- the function loaded from functions/ before this migration's statements
DROP FUNCTION ops.period_start(text);
