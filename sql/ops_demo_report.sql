-- The operations statistics `make demo` prints, read from the api views as the read-only role
-- (so it also proves that role can read them). Run with psql: psql "$DATABASE_URL" -f sql/ops_demo_report.sql
\set ON_ERROR_STOP on
\pset footer off
SET ROLE assistant_readonly;

\echo '== Most active users (7 days)'
SELECT name, conversations, messages FROM api.most_active_users_7d;
\echo '== Most common intents (30 days)'
SELECT intent, messages, avg_confidence FROM api.common_intents_30d;
\echo '== Latency per source (24 hours)'
SELECT source, messages, avg_latency_ms, max_latency_ms FROM api.latency_by_source_24h;
\echo '== Conversations and active users per day (days with activity, 30 days)'
SELECT c.day, c.conversations, d.active_users, d.messages
  FROM api.conversations_per_day AS c JOIN api.daily_active_users AS d USING (day)
 WHERE c.conversations > 0 OR d.active_users > 0;
\echo '== Process success rate per type (24 hours)'
SELECT process_type, executions, completed, failed, timed_out, running, success_rate, avg_duration_ms
  FROM api.process_success_rate_24h ORDER BY process_type;
\echo '== Active processes (last hour, and running)'
SELECT execution_id, status, elapsed_ms, endpoint FROM api.active_processes ORDER BY started_at;
\echo '== API response times per endpoint (last hour)'
SELECT endpoint, requests, errors, avg_response_time_ms, p95_response_time_ms, min_rate_limit_remaining
  FROM api.endpoint_response_times_1h ORDER BY endpoint;
\echo '== Unresolved alerts by severity'
SELECT severity, alerts, oldest_at FROM api.unresolved_alerts_by_severity ORDER BY severity DESC;
\echo '== Tool usage (7 days)'
SELECT tool_name, category, complexity, sum(usage_count) AS usage, sum(success_count) AS successes,
       sum(error_count) AS errors,
       round(sum(total_response_time_ms)::numeric / nullif(sum(usage_count), 0), 2) AS avg_response_time_ms
  FROM api.tool_usage_7d GROUP BY 1, 2, 3 ORDER BY 1;
\echo '== AI metrics by period'
SELECT period, samples, avg_ia_efficiency, avg_model_accuracy, avg_processing_time_ms, avg_memory_usage_mb, avg_error_rate
  FROM api.ai_metrics_by_period;
\echo '== Configuration (secrets masked)'
SELECT key, value, config_type FROM api.config ORDER BY key;
RESET ROLE;
