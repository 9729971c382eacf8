-- api.complete_process(execution_id, success, response, error, ...): end a running execution.
-- The duration is computed by the database (ops.process_executions.duration_ms) and the
-- execution is added to the tool-usage analytics by the status trigger, in this transaction.
CREATE OR REPLACE FUNCTION api.complete_process(p_execution_id text, p_success boolean, p_response jsonb DEFAULT NULL,
                                                p_error text DEFAULT NULL, p_status_code integer DEFAULT NULL,
                                                p_error_code text DEFAULT NULL)
RETURNS bigint
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, ops, pg_temp
AS $$
DECLARE
    v_status ops.process_status;
    v_duration bigint;
BEGIN
    IF p_success IS NULL THEN
        RAISE EXCEPTION 'completing execution % needs p_success', coalesce(p_execution_id, 'NULL')
            USING ERRCODE = '22023', HINT = 'Pass true when the call succeeded, false when it failed.';
    END IF;
    -- FOR UPDATE: of two concurrent completions one waits, then sees the execution finished
    SELECT status INTO v_status FROM ops.process_executions WHERE execution_id = p_execution_id FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'process execution % does not exist', coalesce(p_execution_id, 'NULL')
            USING ERRCODE = 'P0002', HINT = 'Pass the execution_id returned by api.start_process().';
    END IF;
    IF v_status <> 'running' THEN
        RAISE EXCEPTION 'process execution % is already finished (%)', p_execution_id, v_status
            USING ERRCODE = '55000', HINT = 'An execution ends once; start a new execution for a retry.';
    END IF;
    UPDATE ops.process_executions
       SET status = CASE WHEN p_success THEN 'completed' ELSE 'failed' END::ops.process_status,
           completed_at = greatest(clock_timestamp(), started_at),
           response_payload = p_response,
           error_message = p_error,
           status_code = p_status_code,
           error_code = p_error_code
     WHERE execution_id = p_execution_id
    RETURNING duration_ms INTO v_duration;
    RETURN v_duration;
END;
$$;

COMMENT ON FUNCTION api.complete_process(text, boolean, jsonb, text, integer, text) IS
    'Ends a running execution as completed (p_success) or failed, with the response or error, and returns its duration in ms. P0002 for an unknown execution_id, 55000 for one already finished.';

GRANT EXECUTE ON FUNCTION api.complete_process(text, boolean, jsonb, text, integer, text) TO assistant_app, assistant_service;
