-- Create integration process control: executions of named tools with their outcome and
-- duration, per-call API metrics, alerts, and tool-usage analytics kept current by a trigger.
-- depends: 0013_create_system_logs
-- functions: tg_process_executions__record_tool_usage
-- functions-after: start_process complete_process mark_timed_out_processes record_api_call raise_alert resolve_alert
--
-- Runs in one transaction as assistant_owner.
-- Partner: 0014_create_process_control.rollback.sql undoes each statement here, in reverse order.

CREATE TYPE ops.process_status AS ENUM ('running', 'completed', 'failed', 'timeout', 'cancelled');
COMMENT ON TYPE ops.process_status IS
    'State of a process execution: running until api.complete_process() (completed or failed), ops.mark_timed_out_processes() (timeout) or an operator (cancelled) ends it.';

CREATE TYPE ops.alert_severity AS ENUM ('info', 'warning', 'critical');
COMMENT ON TYPE ops.alert_severity IS 'Severity of an alert, in increasing order.';

CREATE TYPE ops.tool_category AS ENUM ('sistema', 'organizacional', 'financeiro', 'comercial', 'produtos', 'relatorios');
COMMENT ON TYPE ops.tool_category IS 'Business area of an ERP tool (the platforms'' categories, in Portuguese).';

CREATE TYPE ops.tool_complexity AS ENUM ('basica', 'intermediaria', 'avancada', 'especializada');
COMMENT ON TYPE ops.tool_complexity IS 'Complexity class of an ERP tool, in increasing order.';

CREATE TABLE ops.tools (
    name text NOT NULL,
    category ops.tool_category NOT NULL,
    complexity ops.tool_complexity NOT NULL,
    description text NOT NULL DEFAULT '',
    is_active boolean NOT NULL DEFAULT true,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT tools_pkey PRIMARY KEY (name),
    CONSTRAINT tools_name_check CHECK (name ~ '^[a-z][a-z0-9_.-]{0,62}$')
);

COMMENT ON TABLE ops.tools IS
    'The named tools through which the ERP gateway calls remote APIs; a process execution''s process_type is a tool name. Gives tool-usage analytics their category and complexity.';
COMMENT ON COLUMN ops.tools.name IS 'Tool name, as passed to api.start_process() (lower case: consultar_estoque).';
COMMENT ON COLUMN ops.tools.category IS 'Business area of the tool.';
COMMENT ON COLUMN ops.tools.complexity IS 'Complexity class of the tool.';
COMMENT ON COLUMN ops.tools.description IS 'What the tool does.';
COMMENT ON COLUMN ops.tools.is_active IS 'Whether the gateway offers the tool.';

CREATE TRIGGER tools_set_updated_at
    BEFORE UPDATE ON ops.tools
    FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION util.tg__set_updated_at();

CREATE TABLE ops.process_executions (
    id uuid NOT NULL DEFAULT util.uuid_generate_v7(),
    execution_id text NOT NULL,
    process_type text NOT NULL,
    status ops.process_status NOT NULL DEFAULT 'running',
    started_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    completed_at timestamptz,
    duration_ms bigint GENERATED ALWAYS AS ((extract(epoch FROM completed_at - started_at) * 1000)::bigint) STORED,
    input_params jsonb NOT NULL DEFAULT '{}',
    endpoint text,
    request_payload jsonb,
    response_payload jsonb,
    -- squawk-ignore prefer-bigint-over-smallint
    status_code smallint,  -- an HTTP status, 100-599 by its CHECK
    error_message text,
    error_code text,
    client_ip inet,
    user_agent text,
    session_id text,
    CONSTRAINT process_executions_pkey PRIMARY KEY (id),
    CONSTRAINT process_executions_execution_id_key UNIQUE (execution_id),
    CONSTRAINT process_executions_process_type_check CHECK (process_type ~ '^[a-z][a-z0-9_.-]{0,62}$'),
    CONSTRAINT process_executions_completed_at_check CHECK (
        CASE WHEN status = 'running' THEN completed_at IS NULL ELSE completed_at >= started_at END),
    CONSTRAINT process_executions_status_code_check CHECK (status_code BETWEEN 100 AND 599)
);

COMMENT ON TABLE ops.process_executions IS
    'One row per integration call (a process of a named tool), from api.start_process() to api.complete_process() or a timeout; its execution_id is the id the platforms log and pass around.';
COMMENT ON COLUMN ops.process_executions.execution_id IS 'Readable unique id: <process_type>_<UTC yyyymmddThhmmss>_<6 random hex>.';
COMMENT ON COLUMN ops.process_executions.process_type IS 'What ran: a tool name (ops.tools) or another process kind.';
COMMENT ON COLUMN ops.process_executions.status IS 'running, completed, failed, timeout or cancelled.';
COMMENT ON COLUMN ops.process_executions.started_at IS 'When the execution started (clock time of api.start_process()).';
COMMENT ON COLUMN ops.process_executions.completed_at IS 'When it ended, whatever the outcome; NULL while running.';
COMMENT ON COLUMN ops.process_executions.duration_ms IS 'completed_at - started_at in milliseconds, computed by the database on completion.';
COMMENT ON COLUMN ops.process_executions.input_params IS 'Parameters the process was started with.';
COMMENT ON COLUMN ops.process_executions.endpoint IS 'Remote API endpoint the process called.';
COMMENT ON COLUMN ops.process_executions.request_payload IS 'Payload sent to the remote API.';
COMMENT ON COLUMN ops.process_executions.response_payload IS 'Response received (api.complete_process p_response).';
COMMENT ON COLUMN ops.process_executions.status_code IS 'HTTP status code of the remote API''s answer.';
COMMENT ON COLUMN ops.process_executions.error_message IS 'Why the execution failed or timed out.';
COMMENT ON COLUMN ops.process_executions.error_code IS 'Machine-readable error code (the remote API''s, or TIMEOUT).';
COMMENT ON COLUMN ops.process_executions.client_ip IS 'Address of the client that started the process.';
COMMENT ON COLUMN ops.process_executions.user_agent IS 'User agent of the client that started the process.';
COMMENT ON COLUMN ops.process_executions.session_id IS 'Session of the client that started the process.';

-- the time-window views (last hour, last 24 hours) and the timeout sweep read these
CREATE INDEX process_executions_started_at_idx ON ops.process_executions (started_at);
CREATE INDEX process_executions_running_started_at_idx ON ops.process_executions (started_at)
    WHERE status = 'running';

CREATE TABLE ops.api_metrics (
    id bigint GENERATED ALWAYS AS IDENTITY,
    recorded_at timestamptz NOT NULL DEFAULT now(),
    execution_id text,
    endpoint text NOT NULL,
    method text NOT NULL,
    -- integers, not bigint: one call's time (24 days), status (100-599), body sizes (2 GB) and
    -- rate-limit count stay far below their type's limit, on a table of many rows a day
    -- squawk-ignore prefer-bigint-over-int
    response_time_ms integer NOT NULL,
    -- squawk-ignore prefer-bigint-over-smallint
    status_code smallint,
    success boolean NOT NULL,
    -- squawk-ignore prefer-bigint-over-int
    request_size_bytes integer,
    -- squawk-ignore prefer-bigint-over-int
    response_size_bytes integer,
    -- squawk-ignore prefer-bigint-over-int
    rate_limit_remaining integer,
    rate_limit_reset_at timestamptz,
    CONSTRAINT api_metrics_pkey PRIMARY KEY (id, recorded_at),
    CONSTRAINT api_metrics_execution_id_fkey FOREIGN KEY (execution_id)
        REFERENCES ops.process_executions (execution_id) ON DELETE SET NULL,
    CONSTRAINT api_metrics_method_check CHECK (method IN ('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS')),
    CONSTRAINT api_metrics_response_time_ms_check CHECK (response_time_ms >= 0),
    CONSTRAINT api_metrics_status_code_check CHECK (status_code BETWEEN 100 AND 599),
    CONSTRAINT api_metrics_request_size_bytes_check CHECK (request_size_bytes >= 0),
    CONSTRAINT api_metrics_response_size_bytes_check CHECK (response_size_bytes >= 0),
    CONSTRAINT api_metrics_rate_limit_remaining_check CHECK (rate_limit_remaining >= 0)
) PARTITION BY RANGE (recorded_at);

COMMENT ON TABLE ops.api_metrics IS
    'One row per remote API call (api.record_api_call): response time, outcome, sizes and the rate limit the API reported. Partitioned by day on recorded_at, kept 90 days.';
COMMENT ON COLUMN ops.api_metrics.recorded_at IS 'When the call was recorded; the partition key.';
COMMENT ON COLUMN ops.api_metrics.execution_id IS 'The process execution the call belongs to, if any.';
COMMENT ON COLUMN ops.api_metrics.endpoint IS 'Endpoint called (path or URL without query string).';
COMMENT ON COLUMN ops.api_metrics.method IS 'HTTP method.';
COMMENT ON COLUMN ops.api_metrics.response_time_ms IS 'Response time in milliseconds.';
COMMENT ON COLUMN ops.api_metrics.status_code IS 'HTTP status code; NULL when no answer came (timeout, connection error).';
COMMENT ON COLUMN ops.api_metrics.success IS 'Whether the call succeeded (by default: a status code below 400).';
COMMENT ON COLUMN ops.api_metrics.request_size_bytes IS 'Size of the request body in bytes.';
COMMENT ON COLUMN ops.api_metrics.response_size_bytes IS 'Size of the response body in bytes.';
COMMENT ON COLUMN ops.api_metrics.rate_limit_remaining IS 'Requests the API still allowed in its window (X-RateLimit-Remaining).';
COMMENT ON COLUMN ops.api_metrics.rate_limit_reset_at IS 'When the API''s rate-limit window resets (X-RateLimit-Reset).';

CREATE INDEX api_metrics_recorded_at_idx ON ops.api_metrics (recorded_at);
CREATE INDEX api_metrics_execution_id_idx ON ops.api_metrics (execution_id) WHERE execution_id IS NOT NULL;

SELECT * FROM maint.register_partitioned_table('ops.api_metrics', 'day', 3, interval '90 days', 'drop');

CREATE TABLE ops.alerts (
    id uuid NOT NULL DEFAULT util.uuid_generate_v7(),
    alert_type text NOT NULL,
    severity ops.alert_severity NOT NULL,
    title text NOT NULL,
    message text NOT NULL DEFAULT '',
    context jsonb NOT NULL DEFAULT '{}',
    execution_id text,
    endpoint text,
    created_at timestamptz NOT NULL DEFAULT now(),
    resolved boolean NOT NULL DEFAULT false,
    resolved_at timestamptz,
    resolved_by text,
    CONSTRAINT alerts_pkey PRIMARY KEY (id),
    CONSTRAINT alerts_execution_id_fkey FOREIGN KEY (execution_id)
        REFERENCES ops.process_executions (execution_id) ON DELETE SET NULL,
    CONSTRAINT alerts_alert_type_check CHECK (alert_type ~ '^[a-z][a-z0-9_]{0,62}$'),
    CONSTRAINT alerts_resolved_check CHECK (
        CASE WHEN resolved THEN resolved_at IS NOT NULL AND resolved_by IS NOT NULL
             ELSE resolved_at IS NULL AND resolved_by IS NULL END)
);

COMMENT ON TABLE ops.alerts IS
    'Alerts raised by the platforms (api.raise_alert) or by the database (timeouts), until an operator resolves them (api.resolve_alert).';
COMMENT ON COLUMN ops.alerts.alert_type IS 'Kind of alert: api_timeout, rate_limit, error_rate_high, system_resource, or another snake_case kind.';
COMMENT ON COLUMN ops.alerts.severity IS 'info, warning or critical.';
COMMENT ON COLUMN ops.alerts.title IS 'One-line summary for the alert list.';
COMMENT ON COLUMN ops.alerts.message IS 'Details for the operator.';
COMMENT ON COLUMN ops.alerts.context IS 'Structured details (thresholds, measured values), as a JSON object.';
COMMENT ON COLUMN ops.alerts.execution_id IS 'The process execution that caused the alert, if any.';
COMMENT ON COLUMN ops.alerts.endpoint IS 'The API endpoint concerned, if any.';
COMMENT ON COLUMN ops.alerts.resolved IS 'Whether an operator resolved the alert.';
COMMENT ON COLUMN ops.alerts.resolved_at IS 'When it was resolved.';
COMMENT ON COLUMN ops.alerts.resolved_by IS 'Who resolved it.';

-- what operators look at is the few unresolved alerts; the index stays as small as they are
CREATE INDEX alerts_severity_created_at_idx ON ops.alerts (severity, created_at) WHERE NOT resolved;
CREATE INDEX alerts_execution_id_idx ON ops.alerts (execution_id) WHERE execution_id IS NOT NULL;

CREATE TABLE ops.tool_usage_hourly (
    tool_name text NOT NULL,
    usage_date date NOT NULL,
    -- squawk-ignore prefer-bigint-over-smallint
    usage_hour smallint NOT NULL,  -- 0-23 by its CHECK
    -- counts of one tool in one hour: 2^31 would be 600 000 calls a second
    -- squawk-ignore prefer-bigint-over-int
    usage_count integer NOT NULL DEFAULT 0,
    -- squawk-ignore prefer-bigint-over-int
    success_count integer NOT NULL DEFAULT 0,
    -- squawk-ignore prefer-bigint-over-int
    error_count integer NOT NULL DEFAULT 0,
    total_response_time_ms bigint NOT NULL DEFAULT 0,
    avg_response_time_ms numeric GENERATED ALWAYS AS (
        CASE WHEN usage_count > 0 THEN round(total_response_time_ms::numeric / usage_count, 2) END) STORED,
    success_rate numeric GENERATED ALWAYS AS (
        CASE WHEN usage_count > 0 THEN round(100.0 * success_count / usage_count, 2) END) STORED,
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT tool_usage_hourly_pkey PRIMARY KEY (tool_name, usage_date, usage_hour),
    CONSTRAINT tool_usage_hourly_usage_hour_check CHECK (usage_hour BETWEEN 0 AND 23),
    CONSTRAINT tool_usage_hourly_usage_count_check CHECK (
        success_count >= 0 AND error_count >= 0 AND success_count + error_count <= usage_count),
    CONSTRAINT tool_usage_hourly_total_response_time_ms_check CHECK (total_response_time_ms >= 0)
);

COMMENT ON TABLE ops.tool_usage_hourly IS
    'Tool-usage analytics per tool, UTC date and hour (of the execution''s start), upserted by a trigger as each execution ends: never a batch to remember.';
COMMENT ON COLUMN ops.tool_usage_hourly.tool_name IS 'The process_type of the executions counted (a tool name).';
COMMENT ON COLUMN ops.tool_usage_hourly.usage_date IS 'UTC date the executions started.';
COMMENT ON COLUMN ops.tool_usage_hourly.usage_hour IS 'UTC hour (0-23) the executions started.';
COMMENT ON COLUMN ops.tool_usage_hourly.usage_count IS 'Executions ended in this bucket (completed, failed, timeout, cancelled).';
COMMENT ON COLUMN ops.tool_usage_hourly.success_count IS 'Executions completed.';
COMMENT ON COLUMN ops.tool_usage_hourly.error_count IS 'Executions failed or timed out (cancelled ones count in neither).';
COMMENT ON COLUMN ops.tool_usage_hourly.total_response_time_ms IS 'Sum of the executions'' duration_ms.';
COMMENT ON COLUMN ops.tool_usage_hourly.avg_response_time_ms IS 'total_response_time_ms / usage_count.';
COMMENT ON COLUMN ops.tool_usage_hourly.success_rate IS 'Percentage of executions completed (0-100).';

CREATE INDEX tool_usage_hourly_usage_date_idx ON ops.tool_usage_hourly (usage_date);

-- no WHEN (OLD.* IS DISTINCT FROM NEW.*): a BEFORE trigger's condition may not read generated
-- columns, and every update of this table is an increment anyway
CREATE TRIGGER tool_usage_hourly_set_updated_at
    BEFORE UPDATE ON ops.tool_usage_hourly
    FOR EACH ROW EXECUTE FUNCTION util.tg__set_updated_at();

CREATE TRIGGER process_executions_record_tool_usage
    AFTER UPDATE OF status ON ops.process_executions
    FOR EACH ROW WHEN (OLD.status = 'running' AND NEW.status <> 'running')
    EXECUTE FUNCTION ops.tg_process_executions__record_tool_usage();

-- tools and alerts are configuration and operator decisions: audited. Executions, API metrics
-- and analytics are themselves the record of activity (high volume, append-mostly): not audited.
SELECT ops.enable_audit('ops.tools');
SELECT ops.enable_audit('ops.alerts');

-- Writers go through the api functions (SECURITY DEFINER); dashboards read.
REVOKE ALL ON ops.tools, ops.process_executions, ops.api_metrics, ops.alerts, ops.tool_usage_hourly FROM PUBLIC;
GRANT SELECT ON ops.tools, ops.process_executions, ops.api_metrics, ops.alerts, ops.tool_usage_hourly
    TO assistant_readonly, assistant_service;
