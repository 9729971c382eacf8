-- ops.mark_timed_out_processes(older_than): the timeout sweep, for a scheduler (cron, pg_cron,
-- maint.run_cleanup). Every execution running longer than the threshold becomes timeout, is
-- counted as an error in the tool-usage analytics (by the status trigger) and raises an
-- api_timeout alert.
CREATE OR REPLACE FUNCTION ops.mark_timed_out_processes(p_older_than interval DEFAULT NULL)
RETURNS TABLE (execution_id text, process_type text, started_at timestamptz, alert_id uuid)
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, ops, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    v_threshold interval := coalesce(p_older_than,
                                     make_interval(secs => api.config_numeric('processes.timeout_seconds', 300)));
    v_now timestamptz := clock_timestamp();
    v_row record;
    v_alert uuid;
BEGIN
    IF v_threshold <= interval '0' THEN
        RAISE EXCEPTION 'timeout threshold must be positive, not %', v_threshold
            USING ERRCODE = '22023', HINT = 'Pass an interval such as ''5 minutes'', or set processes.timeout_seconds.';
    END IF;
    FOR v_row IN
        -- SKIP LOCKED: an execution being completed right now is not a timeout
        SELECT e.id, e.execution_id, e.process_type, e.started_at, e.endpoint
          FROM ops.process_executions AS e
         WHERE e.status = 'running' AND e.started_at < v_now - v_threshold
         ORDER BY e.started_at
           FOR UPDATE SKIP LOCKED
    LOOP
        UPDATE ops.process_executions AS e
           SET status = 'timeout', completed_at = v_now, error_code = 'TIMEOUT',
               error_message = format('running longer than %s', v_threshold)
         WHERE e.id = v_row.id;
        INSERT INTO ops.alerts (alert_type, severity, title, message, context, execution_id, endpoint)
        VALUES ('api_timeout', 'warning', format('%s timed out', v_row.process_type),
                format('execution %s ran longer than %s', v_row.execution_id, v_threshold),
                jsonb_build_object('threshold_seconds', extract(epoch FROM v_threshold),
                                   'started_at', v_row.started_at),
                v_row.execution_id, v_row.endpoint)
        RETURNING id INTO v_alert;
        execution_id := v_row.execution_id;
        process_type := v_row.process_type;
        started_at := v_row.started_at;
        alert_id := v_alert;
        RETURN NEXT;
    END LOOP;
END;
$$;

COMMENT ON FUNCTION ops.mark_timed_out_processes(interval) IS
    'Marks as timeout every execution running longer than p_older_than (default: the processes.timeout_seconds setting, else 300 s), raises one api_timeout alert for each, and returns them. Locked (being completed) executions are skipped.';

GRANT EXECUTE ON FUNCTION ops.mark_timed_out_processes(interval) TO assistant_service;
