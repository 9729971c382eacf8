-- Create the system log: the platforms' structured log lines, partitioned by day, kept 30 days
-- by dropping whole partitions (never DELETE row by row).
-- depends: 0012_create_config
-- functions-after: write_log cleanup_system_logs
--
-- Runs in one transaction as assistant_owner.
-- Partner: 0013_create_system_logs.rollback.sql undoes each statement here, in reverse order.

CREATE TYPE ops.log_level AS ENUM ('DEBUG', 'INFO', 'WARN', 'ERROR');
COMMENT ON TYPE ops.log_level IS 'Severity of a system log line, in increasing order (the platforms'' levels).';

CREATE TABLE ops.system_logs (
    id bigint GENERATED ALWAYS AS IDENTITY,
    logged_at timestamptz NOT NULL DEFAULT now(),
    level ops.log_level NOT NULL,
    source text NOT NULL,
    message text NOT NULL,
    log_type text,
    trace_id text,
    module text,
    function_name text,
    -- squawk-ignore prefer-bigint-over-int
    line integer,  -- a source line number
    -- squawk-ignore prefer-bigint-over-int
    process_id integer,  -- OS pids fit 32 bits (Linux pid_max is 2^22)
    thread_id bigint,
    metadata jsonb NOT NULL DEFAULT '{}',
    CONSTRAINT system_logs_pkey PRIMARY KEY (id, logged_at),
    CONSTRAINT system_logs_line_check CHECK (line > 0),
    CONSTRAINT system_logs_metadata_check CHECK (jsonb_typeof(metadata) = 'object')
) PARTITION BY RANGE (logged_at);

COMMENT ON TABLE ops.system_logs IS
    'System log lines of the platforms (their structured log format), written through api.write_log(). Partitioned by day on logged_at; ops.cleanup_system_logs() drops the partitions past the retention (30 days).';
COMMENT ON COLUMN ops.system_logs.logged_at IS 'When the line was logged; the partition key.';
COMMENT ON COLUMN ops.system_logs.level IS 'DEBUG, INFO, WARN or ERROR.';
COMMENT ON COLUMN ops.system_logs.source IS 'Component that logged the line (erp_gateway, brain, tts).';
COMMENT ON COLUMN ops.system_logs.message IS 'The log message.';
COMMENT ON COLUMN ops.system_logs.log_type IS 'The platforms'' log_type field (request, response, integration, audit...).';
COMMENT ON COLUMN ops.system_logs.trace_id IS 'Trace id joining the lines of one request across components.';
COMMENT ON COLUMN ops.system_logs.module IS 'Module (source file or package) that logged the line.';
COMMENT ON COLUMN ops.system_logs.function_name IS 'Function that logged the line (the log format''s "function" field).';
COMMENT ON COLUMN ops.system_logs.line IS 'Source line that logged the line.';
COMMENT ON COLUMN ops.system_logs.process_id IS 'OS process id of the logging process.';
COMMENT ON COLUMN ops.system_logs.thread_id IS 'Thread id within the logging process.';
COMMENT ON COLUMN ops.system_logs.metadata IS 'Any other structured fields of the line, as a JSON object.';

-- the newest lines first, by level (an operator looking for the last errors), and one trace
CREATE INDEX system_logs_level_logged_at_idx ON ops.system_logs (level, logged_at);
CREATE INDEX system_logs_trace_id_idx ON ops.system_logs (trace_id) WHERE trace_id IS NOT NULL;

REVOKE ALL ON ops.system_logs FROM PUBLIC;
GRANT SELECT ON ops.system_logs TO assistant_readonly;

SELECT * FROM maint.register_partitioned_table('ops.system_logs', 'day', 3, interval '30 days', 'drop');

