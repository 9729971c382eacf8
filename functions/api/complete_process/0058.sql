-- api.complete_process(execution_id, success, response, error, ...): end a running execution.
-- The duration is computed by the database (ops.process_executions.duration_ms) and the
-- execution is added to the tool-usage analytics by the status trigger, in this transaction.
-- 0054: sizes bounded, each error naming its argument.
-- 0058: bounds an app caller's transaction (core.bound_app_transaction) like api.act_as; names the
-- function and the NULL argument in its errors; p_execution_id at most 100 characters.
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
    PERFORM core.bound_app_transaction();  -- 0058: an app's transaction is bounded here too
    IF length(p_execution_id) > 100 THEN
        RAISE EXCEPTION 'api.complete_process: p_execution_id has % characters; an execution id has at most 100', length(p_execution_id)
            USING ERRCODE = '22001', HINT = 'Pass the execution_id api.start_process returned.';
    END IF;
    IF p_success IS NULL THEN
        RAISE EXCEPTION 'api.complete_process: completing execution % needs p_success', coalesce(left(p_execution_id, 100), 'NULL')
            USING ERRCODE = '22023', HINT = 'Pass true when the call succeeded, false when it failed.';
    END IF;
    PERFORM util.refuse_oversized_argument('api.complete_process', 'p_response', octet_length(p_response::text), 1048576);
    PERFORM util.refuse_oversized_argument('api.complete_process', 'p_error', length(p_error), 10000, 'characters');
    PERFORM util.refuse_oversized_argument('api.complete_process', 'p_error_code', length(p_error_code), 200, 'characters');
    IF p_status_code NOT BETWEEN 100 AND 599 THEN
        RAISE EXCEPTION 'api.complete_process: p_status_code % is not an HTTP status', p_status_code
            USING ERRCODE = '22023', HINT = 'Pass the HTTP status (100-599), or NULL when there was none.';
    END IF;
    -- FOR UPDATE: of two concurrent completions one waits, then sees the execution finished
    SELECT status INTO v_status FROM ops.process_executions WHERE execution_id = p_execution_id FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'api.complete_process: process execution % does not exist', coalesce(p_execution_id, 'NULL')
            USING ERRCODE = 'P0002', HINT = 'Pass the execution_id returned by api.start_process().';
    END IF;
    IF v_status <> 'running' THEN
        RAISE EXCEPTION 'api.complete_process: process execution % is already finished (%)', p_execution_id, v_status
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
    'Ends a running execution as completed (p_success) or failed, with the response or error, and returns its duration in ms. P0002 for an unknown execution_id, 55000 for one already finished; 22001 beyond the limits (p_response 1 MiB, p_error 10,000 characters, p_error_code 200), 22023 for a status outside 100-599.';

REVOKE EXECUTE ON FUNCTION api.complete_process(text, boolean, jsonb, text, integer, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION api.complete_process(text, boolean, jsonb, text, integer, text) TO assistant_app, assistant_service;
