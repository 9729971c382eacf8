-- api.record_api_call(...): one remote API call's metrics (response time, outcome, sizes, the
-- rate limit the API reported), optionally linked to its process execution.
-- 0054: values out of range are a 22023 naming the argument (a CHECK violation named only the
-- table's constraint), the method any case, sizes bounded.
-- 0058: bounds an app caller's transaction (core.bound_app_transaction) like api.act_as; names the
-- function and the NULL argument in its errors; p_execution_id at most 100 characters.
CREATE OR REPLACE FUNCTION api.record_api_call(p_endpoint text, p_method text, p_response_time_ms integer,
                                               p_status_code integer DEFAULT NULL, p_success boolean DEFAULT NULL,
                                               p_execution_id text DEFAULT NULL,
                                               p_request_size_bytes integer DEFAULT NULL,
                                               p_response_size_bytes integer DEFAULT NULL,
                                               p_rate_limit_remaining integer DEFAULT NULL,
                                               p_rate_limit_reset_at timestamptz DEFAULT NULL)
RETURNS bigint
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, ops, pg_temp
AS $$
DECLARE
    v_id bigint;
BEGIN
    PERFORM core.bound_app_transaction();  -- 0058: an app's transaction is bounded here too
    IF length(p_execution_id) > 100 THEN
        RAISE EXCEPTION 'api.record_api_call: p_execution_id has % characters; an execution id has at most 100', length(p_execution_id)
            USING ERRCODE = '22001', HINT = 'Pass the execution_id api.start_process returned.';
    END IF;
    IF p_endpoint IS NULL OR p_method IS NULL OR p_response_time_ms IS NULL THEN
        RAISE EXCEPTION 'api.record_api_call: an API call needs p_endpoint, p_method and p_response_time_ms (got NULL for %)',
                concat_ws(', ', CASE WHEN p_endpoint IS NULL THEN 'p_endpoint' END, CASE WHEN p_method IS NULL THEN 'p_method' END,
                          CASE WHEN p_response_time_ms IS NULL THEN 'p_response_time_ms' END)
            USING ERRCODE = '22023', HINT = 'Pass p_endpoint, p_method and p_response_time_ms.';
    END IF;
    IF upper(p_method) NOT IN ('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS') THEN
        RAISE EXCEPTION 'api.record_api_call: p_method % is not an HTTP method', quote_literal(left(p_method, 20))
            USING ERRCODE = '22023', HINT = 'Pass GET, POST, PUT, PATCH, DELETE, HEAD or OPTIONS (any case).';
    END IF;
    IF p_response_time_ms NOT BETWEEN 0 AND 86400000 THEN
        RAISE EXCEPTION 'api.record_api_call: p_response_time_ms % is out of range', p_response_time_ms
            USING ERRCODE = '22023', HINT = 'Pass the time the call took in milliseconds, 0 to 86,400,000 (a day).';
    END IF;
    IF p_status_code NOT BETWEEN 100 AND 599 THEN
        RAISE EXCEPTION 'api.record_api_call: p_status_code % is not an HTTP status', p_status_code
            USING ERRCODE = '22023', HINT = 'Pass the HTTP status (100-599), or NULL when the call got no answer.';
    END IF;
    IF p_request_size_bytes < 0 OR p_response_size_bytes < 0 OR p_rate_limit_remaining < 0 THEN
        RAISE EXCEPTION 'api.record_api_call: % must not be negative',
                concat_ws(', ', CASE WHEN p_request_size_bytes < 0 THEN 'p_request_size_bytes' END,
                          CASE WHEN p_response_size_bytes < 0 THEN 'p_response_size_bytes' END,
                          CASE WHEN p_rate_limit_remaining < 0 THEN 'p_rate_limit_remaining' END)
            USING ERRCODE = '22023', HINT = 'Sizes and the remaining rate limit are counts: 0 or more, or NULL when unknown.';
    END IF;
    IF p_rate_limit_reset_at NOT BETWEEN '1970-01-01 00:00+00' AND '2200-01-01 00:00+00' THEN
        RAISE EXCEPTION 'api.record_api_call: p_rate_limit_reset_at % is out of range', p_rate_limit_reset_at
            USING ERRCODE = '22023', HINT = 'Pass the time the API said its limit resets, as a timestamptz.';
    END IF;
    PERFORM util.refuse_oversized_argument('api.record_api_call', 'p_endpoint', length(p_endpoint), 2000, 'characters');
    INSERT INTO ops.api_metrics (execution_id, endpoint, method, response_time_ms, status_code, success,
                                 request_size_bytes, response_size_bytes, rate_limit_remaining, rate_limit_reset_at)
    VALUES (p_execution_id, p_endpoint, upper(p_method), p_response_time_ms, p_status_code,
            -- without an explicit outcome, an answer below 400 is a success and no answer is not
            coalesce(p_success, p_status_code < 400, false),
            p_request_size_bytes, p_response_size_bytes, p_rate_limit_remaining, p_rate_limit_reset_at)
    RETURNING id INTO v_id;
    RETURN v_id;
END;
$$;

COMMENT ON FUNCTION api.record_api_call(text, text, integer, integer, boolean, text, integer, integer, integer, timestamptz) IS
    'Records one remote API call in ops.api_metrics and returns its id. p_success defaults to status code < 400 (false when there is no status code). 22023 naming the argument for an unknown method, a response time outside 0-86,400,000 ms, a status outside 100-599 or a negative size; 22001 for an endpoint over 2,000 characters; 23503 for an unknown execution_id.';

REVOKE EXECUTE ON FUNCTION api.record_api_call(text, text, integer, integer, boolean, text, integer, integer, integer, timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION api.record_api_call(text, text, integer, integer, boolean, text, integer, integer, integer, timestamptz)
    TO assistant_app, assistant_service;
