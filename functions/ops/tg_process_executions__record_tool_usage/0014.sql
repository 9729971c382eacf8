-- ops.tg_process_executions__record_tool_usage(): keeps ops.tool_usage_hourly current as each
-- execution ends (AFTER UPDATE OF status, WHEN OLD.status = 'running' AND NEW.status <> 'running').
-- An upsert on the (tool, date, hour) row: concurrent endings of one tool in one hour queue on
-- that row for the rest of their transaction, which api.complete_process() keeps short.
CREATE OR REPLACE FUNCTION ops.tg_process_executions__record_tool_usage()
RETURNS trigger
LANGUAGE plpgsql
VOLATILE
SET search_path = pg_catalog, ops, pg_temp
AS $$
DECLARE
    v_success integer := CASE WHEN NEW.status = 'completed' THEN 1 ELSE 0 END;
    v_error integer := CASE WHEN NEW.status IN ('failed', 'timeout') THEN 1 ELSE 0 END;
BEGIN
    INSERT INTO ops.tool_usage_hourly AS u (tool_name, usage_date, usage_hour, usage_count, success_count,
                                           error_count, total_response_time_ms)
    VALUES (NEW.process_type, (NEW.started_at AT TIME ZONE 'UTC')::date,
            extract(hour FROM NEW.started_at AT TIME ZONE 'UTC')::smallint,
            1, v_success, v_error, coalesce(NEW.duration_ms, 0))
    ON CONFLICT (tool_name, usage_date, usage_hour) DO UPDATE
       SET usage_count = u.usage_count + 1,
           success_count = u.success_count + excluded.success_count,
           error_count = u.error_count + excluded.error_count,
           total_response_time_ms = u.total_response_time_ms + excluded.total_response_time_ms;
    RETURN NULL;
END;
$$;

COMMENT ON FUNCTION ops.tg_process_executions__record_tool_usage() IS
    'Trigger function (AFTER UPDATE OF status on ops.process_executions, when an execution leaves running): adds the execution to its tool''s ops.tool_usage_hourly row (UTC date and hour of its start), creating the row if needed.';
