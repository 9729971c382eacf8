-- api.record_api_call(...): one remote API call's metrics (response time, outcome, sizes, the
-- rate limit the API reported), optionally linked to its process execution.
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
    IF p_endpoint IS NULL OR p_method IS NULL OR p_response_time_ms IS NULL THEN
        RAISE EXCEPTION 'an API call needs an endpoint, a method and a response time'
            USING ERRCODE = '22023', HINT = 'Pass p_endpoint, p_method and p_response_time_ms.';
    END IF;
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
    'Records one remote API call in ops.api_metrics and returns its id. p_success defaults to status code < 400 (false when there is no status code). Check violations (23514) for a negative time or size or an unknown method; 23503 for an unknown execution_id.';

GRANT EXECUTE ON FUNCTION api.record_api_call(text, text, integer, integer, boolean, text, integer, integer, integer, timestamptz)
    TO assistant_app, assistant_service;
