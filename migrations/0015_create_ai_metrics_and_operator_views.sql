-- Create the AI quality metrics with their period function, and the operators' and dashboards'
-- views over processes, API calls, alerts, tool usage and metrics.
-- depends: 0014_create_process_control
-- functions: period_start
-- functions-after: record_ai_metrics ai_metrics_for_period
--
-- Runs in one transaction as assistant_owner.
-- Partner: 0015_create_ai_metrics_and_operator_views.rollback.sql undoes each statement here, in reverse order.
--
-- Every view reads a bounded time window through an index (or, for ops.api_metrics, partition
-- pruning at executor start: now() is stable), so its cost follows the window, not the history.

CREATE TABLE ops.ai_metrics (
    id bigint GENERATED ALWAYS AS IDENTITY,
    measured_at timestamptz NOT NULL DEFAULT now(),
    ia_efficiency numeric(5, 2) NOT NULL,
    model_accuracy numeric(5, 2) NOT NULL,
    -- squawk-ignore prefer-bigint-over-int
    processing_time_ms integer NOT NULL,  -- 0-600000 by its CHECK
    memory_usage_mb numeric(10, 2) NOT NULL,
    error_rate numeric(5, 2) NOT NULL,
    CONSTRAINT ai_metrics_pkey PRIMARY KEY (id),
    CONSTRAINT ai_metrics_ia_efficiency_check CHECK (ia_efficiency BETWEEN 0 AND 100),
    CONSTRAINT ai_metrics_model_accuracy_check CHECK (model_accuracy BETWEEN 0 AND 100),
    CONSTRAINT ai_metrics_processing_time_ms_check CHECK (processing_time_ms BETWEEN 0 AND 600000),
    CONSTRAINT ai_metrics_memory_usage_mb_check CHECK (memory_usage_mb BETWEEN 0 AND 1048576),
    CONSTRAINT ai_metrics_error_rate_check CHECK (error_rate BETWEEN 0 AND 100)
);

COMMENT ON TABLE ops.ai_metrics IS
    'AI quality metrics sampled over time (the platforms record one row an hour), read by dashboards through api.ai_metrics_for_period() and api.ai_metrics_by_period.';
COMMENT ON COLUMN ops.ai_metrics.measured_at IS 'When the sample was taken.';
COMMENT ON COLUMN ops.ai_metrics.ia_efficiency IS 'Assistant efficiency score, percent (0-100).';
COMMENT ON COLUMN ops.ai_metrics.model_accuracy IS 'Model accuracy, percent (0-100).';
COMMENT ON COLUMN ops.ai_metrics.processing_time_ms IS 'Average processing time of a request in the sample, ms (0-600000).';
COMMENT ON COLUMN ops.ai_metrics.memory_usage_mb IS 'Memory used by the model process, MB (0-1048576).';
COMMENT ON COLUMN ops.ai_metrics.error_rate IS 'Share of failed requests, percent (0-100).';

CREATE INDEX ai_metrics_measured_at_idx ON ops.ai_metrics (measured_at);

REVOKE ALL ON ops.ai_metrics FROM PUBLIC;
GRANT SELECT ON ops.ai_metrics TO assistant_readonly, assistant_service;

CREATE VIEW api.active_processes WITH (security_invoker = true) AS
SELECT e.execution_id, e.process_type, e.status, e.started_at, e.completed_at,
       coalesce(e.duration_ms, (extract(epoch FROM clock_timestamp() - e.started_at) * 1000)::bigint) AS elapsed_ms,
       e.endpoint, e.status_code, e.error_message, e.session_id
  FROM ops.process_executions AS e
 WHERE e.started_at >= now() - interval '1 hour'
    OR e.status = 'running';

COMMENT ON VIEW api.active_processes IS
    'Process executions of the last hour, and any still running: what the integrations are doing now.';
COMMENT ON COLUMN api.active_processes.execution_id IS 'Readable execution id.';
COMMENT ON COLUMN api.active_processes.process_type IS 'Tool or process kind.';
COMMENT ON COLUMN api.active_processes.status IS 'running, completed, failed, timeout or cancelled.';
COMMENT ON COLUMN api.active_processes.started_at IS 'Start of the execution.';
COMMENT ON COLUMN api.active_processes.completed_at IS 'End of the execution; NULL while running.';
COMMENT ON COLUMN api.active_processes.elapsed_ms IS 'Duration in ms, or time running so far.';
COMMENT ON COLUMN api.active_processes.endpoint IS 'Remote API endpoint called.';
COMMENT ON COLUMN api.active_processes.status_code IS 'HTTP status code of the answer.';
COMMENT ON COLUMN api.active_processes.error_message IS 'Why it failed or timed out.';
COMMENT ON COLUMN api.active_processes.session_id IS 'Client session that started it.';

CREATE VIEW api.process_success_rate_24h WITH (security_invoker = true) AS
SELECT e.process_type,
       count(*) AS executions,
       count(*) FILTER (WHERE e.status = 'completed') AS completed,
       count(*) FILTER (WHERE e.status = 'failed') AS failed,
       count(*) FILTER (WHERE e.status = 'timeout') AS timed_out,
       count(*) FILTER (WHERE e.status = 'running') AS running,
       round(100.0 * count(*) FILTER (WHERE e.status = 'completed')
             / nullif(count(*) FILTER (WHERE e.status <> 'running'), 0), 2) AS success_rate,
       round(avg(e.duration_ms), 2) AS avg_duration_ms,
       max(e.duration_ms) AS max_duration_ms
  FROM ops.process_executions AS e
 WHERE e.started_at >= now() - interval '24 hours'
 GROUP BY e.process_type;

COMMENT ON VIEW api.process_success_rate_24h IS
    'Per process type, executions started in the last 24 hours: counts by outcome and success rate.';
COMMENT ON COLUMN api.process_success_rate_24h.process_type IS 'Tool or process kind.';
COMMENT ON COLUMN api.process_success_rate_24h.executions IS 'Executions started in the window.';
COMMENT ON COLUMN api.process_success_rate_24h.completed IS 'Of which completed.';
COMMENT ON COLUMN api.process_success_rate_24h.failed IS 'Of which failed.';
COMMENT ON COLUMN api.process_success_rate_24h.timed_out IS 'Of which timed out.';
COMMENT ON COLUMN api.process_success_rate_24h.running IS 'Of which still running.';
COMMENT ON COLUMN api.process_success_rate_24h.success_rate IS 'Percent of the finished executions that completed (running ones left out).';
COMMENT ON COLUMN api.process_success_rate_24h.avg_duration_ms IS 'Average duration of the finished executions, ms.';
COMMENT ON COLUMN api.process_success_rate_24h.max_duration_ms IS 'Longest finished execution, ms.';

CREATE VIEW api.endpoint_response_times_1h WITH (security_invoker = true) AS
SELECT m.endpoint,
       count(*) AS requests,
       count(*) FILTER (WHERE NOT m.success) AS errors,
       round(avg(m.response_time_ms), 2) AS avg_response_time_ms,
       round(percentile_cont(0.95) WITHIN GROUP (ORDER BY m.response_time_ms)::numeric, 2) AS p95_response_time_ms,
       max(m.response_time_ms) AS max_response_time_ms,
       min(m.rate_limit_remaining) AS min_rate_limit_remaining,
       max(m.rate_limit_reset_at) AS last_rate_limit_reset_at
  FROM ops.api_metrics AS m
 WHERE m.recorded_at >= now() - interval '1 hour'
 GROUP BY m.endpoint;

COMMENT ON VIEW api.endpoint_response_times_1h IS
    'Per endpoint, API calls of the last hour: requests, errors, average and 95th-percentile response time, and the tightest rate limit seen.';
COMMENT ON COLUMN api.endpoint_response_times_1h.endpoint IS 'Endpoint called.';
COMMENT ON COLUMN api.endpoint_response_times_1h.requests IS 'Calls in the last hour.';
COMMENT ON COLUMN api.endpoint_response_times_1h.errors IS 'Calls that did not succeed.';
COMMENT ON COLUMN api.endpoint_response_times_1h.avg_response_time_ms IS 'Average response time, ms.';
COMMENT ON COLUMN api.endpoint_response_times_1h.p95_response_time_ms IS '95th percentile of the response time (continuous), ms.';
COMMENT ON COLUMN api.endpoint_response_times_1h.max_response_time_ms IS 'Slowest call, ms.';
COMMENT ON COLUMN api.endpoint_response_times_1h.min_rate_limit_remaining IS 'Lowest rate-limit remaining the API reported.';
COMMENT ON COLUMN api.endpoint_response_times_1h.last_rate_limit_reset_at IS 'Latest rate-limit reset time the API reported.';

CREATE VIEW api.unresolved_alerts WITH (security_invoker = true) AS
SELECT a.id, a.alert_type, a.severity, a.title, a.message, a.context, a.execution_id, a.endpoint, a.created_at
  FROM ops.alerts AS a
 WHERE NOT a.resolved;

COMMENT ON VIEW api.unresolved_alerts IS 'Alerts not yet resolved (served by the partial index on unresolved alerts).';
COMMENT ON COLUMN api.unresolved_alerts.alert_type IS 'Kind of alert.';
COMMENT ON COLUMN api.unresolved_alerts.severity IS 'info, warning or critical.';
COMMENT ON COLUMN api.unresolved_alerts.title IS 'One-line summary.';
COMMENT ON COLUMN api.unresolved_alerts.message IS 'Details.';
COMMENT ON COLUMN api.unresolved_alerts.context IS 'Structured details.';
COMMENT ON COLUMN api.unresolved_alerts.execution_id IS 'Execution that caused it.';
COMMENT ON COLUMN api.unresolved_alerts.endpoint IS 'Endpoint concerned.';

CREATE VIEW api.unresolved_alerts_by_severity WITH (security_invoker = true) AS
SELECT a.severity, count(*) AS alerts, min(a.created_at) AS oldest_at, max(a.created_at) AS newest_at
  FROM ops.alerts AS a
 WHERE NOT a.resolved
 GROUP BY a.severity;

COMMENT ON VIEW api.unresolved_alerts_by_severity IS 'Unresolved alerts counted by severity (served by the partial index).';
COMMENT ON COLUMN api.unresolved_alerts_by_severity.severity IS 'info, warning or critical.';
COMMENT ON COLUMN api.unresolved_alerts_by_severity.alerts IS 'Unresolved alerts of this severity.';
COMMENT ON COLUMN api.unresolved_alerts_by_severity.oldest_at IS 'When the oldest of them was raised.';
COMMENT ON COLUMN api.unresolved_alerts_by_severity.newest_at IS 'When the newest of them was raised.';

CREATE VIEW api.tool_usage_7d WITH (security_invoker = true) AS
SELECT u.tool_name, t.category, t.complexity, u.usage_date, u.usage_hour, u.usage_count, u.success_count,
       u.error_count, u.total_response_time_ms, u.avg_response_time_ms, u.success_rate
  FROM ops.tool_usage_hourly AS u
  LEFT JOIN ops.tools AS t ON t.name = u.tool_name
 WHERE u.usage_date >= (now() AT TIME ZONE 'UTC')::date - 7;

COMMENT ON VIEW api.tool_usage_7d IS
    'Tool-usage analytics by tool, UTC date and hour over the last 7 days, with the tool''s category and complexity (NULL for a process type that is not a registered tool).';
COMMENT ON COLUMN api.tool_usage_7d.tool_name IS 'Tool (process type).';
COMMENT ON COLUMN api.tool_usage_7d.category IS 'Business area of the tool.';
COMMENT ON COLUMN api.tool_usage_7d.complexity IS 'Complexity class of the tool.';
COMMENT ON COLUMN api.tool_usage_7d.usage_date IS 'UTC date.';
COMMENT ON COLUMN api.tool_usage_7d.usage_hour IS 'UTC hour (0-23).';
COMMENT ON COLUMN api.tool_usage_7d.usage_count IS 'Executions ended.';
COMMENT ON COLUMN api.tool_usage_7d.success_count IS 'Executions completed.';
COMMENT ON COLUMN api.tool_usage_7d.error_count IS 'Executions failed or timed out.';
COMMENT ON COLUMN api.tool_usage_7d.total_response_time_ms IS 'Sum of durations, ms.';
COMMENT ON COLUMN api.tool_usage_7d.avg_response_time_ms IS 'Average duration, ms.';
COMMENT ON COLUMN api.tool_usage_7d.success_rate IS 'Percent completed.';

CREATE VIEW api.ai_metrics_by_period WITH (security_invoker = true) AS
SELECT p.period, s.samples, s.avg_ia_efficiency, s.avg_model_accuracy, s.avg_processing_time_ms,
       s.max_processing_time_ms, s.avg_memory_usage_mb, s.max_memory_usage_mb, s.avg_error_rate
  FROM (VALUES (1, '24h'), (2, '7d'), (3, '30d')) AS p(ord, period)
 CROSS JOIN LATERAL (
        SELECT count(*) AS samples,
               round(avg(m.ia_efficiency), 2) AS avg_ia_efficiency,
               round(avg(m.model_accuracy), 2) AS avg_model_accuracy,
               round(avg(m.processing_time_ms), 2) AS avg_processing_time_ms,
               max(m.processing_time_ms) AS max_processing_time_ms,
               round(avg(m.memory_usage_mb), 2) AS avg_memory_usage_mb,
               max(m.memory_usage_mb) AS max_memory_usage_mb,
               round(avg(m.error_rate), 2) AS avg_error_rate
          FROM ops.ai_metrics AS m
         WHERE m.measured_at >= ops.period_start(p.period)) AS s
 ORDER BY p.ord;

COMMENT ON VIEW api.ai_metrics_by_period IS
    'AI metrics aggregated over the last 24 hours, 7 days and 30 days, one row each (''all'' is left to api.ai_metrics_for_period(), whose cost grows with the history).';
COMMENT ON COLUMN api.ai_metrics_by_period.period IS '24h, 7d or 30d.';
COMMENT ON COLUMN api.ai_metrics_by_period.samples IS 'Metric rows in the period.';
COMMENT ON COLUMN api.ai_metrics_by_period.avg_ia_efficiency IS 'Average efficiency, percent.';
COMMENT ON COLUMN api.ai_metrics_by_period.avg_model_accuracy IS 'Average accuracy, percent.';
COMMENT ON COLUMN api.ai_metrics_by_period.avg_processing_time_ms IS 'Average processing time, ms.';
COMMENT ON COLUMN api.ai_metrics_by_period.max_processing_time_ms IS 'Highest processing time, ms.';
COMMENT ON COLUMN api.ai_metrics_by_period.avg_memory_usage_mb IS 'Average memory use, MB.';
COMMENT ON COLUMN api.ai_metrics_by_period.max_memory_usage_mb IS 'Highest memory use, MB.';
COMMENT ON COLUMN api.ai_metrics_by_period.avg_error_rate IS 'Average error rate, percent.';

GRANT SELECT ON api.active_processes, api.process_success_rate_24h, api.endpoint_response_times_1h,
                api.unresolved_alerts, api.unresolved_alerts_by_severity, api.tool_usage_7d, api.ai_metrics_by_period
    TO assistant_readonly, assistant_service;
