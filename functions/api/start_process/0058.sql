-- api.start_process(type, params, ...): record the start of an integration call and return its
-- readable execution id. SECURITY DEFINER: callers hold no privilege on ops.process_executions.
-- 0054: sizes bounded and JSON arguments checked, each error naming its argument.
-- 0058: bounds an app caller's transaction (core.bound_app_transaction) like api.act_as; names the
-- function and the NULL argument in its errors.
CREATE OR REPLACE FUNCTION api.start_process(p_process_type text, p_params jsonb DEFAULT '{}',
                                             p_endpoint text DEFAULT NULL, p_request_payload jsonb DEFAULT NULL,
                                             p_client_ip inet DEFAULT NULL, p_user_agent text DEFAULT NULL,
                                             p_session_id text DEFAULT NULL)
RETURNS text
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, ops, pg_temp
AS $$
DECLARE
    v_started timestamptz := clock_timestamp();
    v_execution_id text;
BEGIN
    PERFORM core.bound_app_transaction();  -- 0058: an app's transaction is bounded here too
    IF p_process_type IS NULL OR p_process_type !~ '^[a-z][a-z0-9_.-]{0,62}$' THEN
        RAISE EXCEPTION 'api.start_process: p_process_type % is not a process type', coalesce(quote_literal(left(p_process_type, 70)), 'NULL')
            USING ERRCODE = '22023', HINT = 'A process type is a tool name: lower case letters, digits, _ . -, starting with a letter.';
    END IF;
    IF p_params IS NOT NULL AND jsonb_typeof(p_params) <> 'object' THEN
        RAISE EXCEPTION 'api.start_process: p_params must be a JSON object, not %', jsonb_typeof(p_params)
            USING ERRCODE = '22023', HINT = 'Pass the call''s parameters as {"name": value, ...}, or leave them out.';
    END IF;
    PERFORM util.refuse_oversized_argument('api.start_process', 'p_params', octet_length(p_params::text), 65536);
    PERFORM util.refuse_oversized_argument('api.start_process', 'p_request_payload', octet_length(p_request_payload::text), 1048576);
    PERFORM util.refuse_oversized_argument('api.start_process', 'p_endpoint', length(p_endpoint), 2000, 'characters');
    PERFORM util.refuse_oversized_argument('api.start_process', 'p_user_agent', length(p_user_agent), 1000, 'characters');
    PERFORM util.refuse_oversized_argument('api.start_process', 'p_session_id', length(p_session_id), 200, 'characters');
    -- readable and unique: the type, the UTC second, and 24 random bits (a collision needs two
    -- starts of one type in one second drawing the same suffix; the unique key then says so)
    v_execution_id := format('%s_%s_%s', p_process_type,
                             to_char(v_started AT TIME ZONE 'UTC', 'YYYYMMDD"T"HH24MISS'),
                             left(md5(gen_random_uuid()::text), 6));
    INSERT INTO ops.process_executions (execution_id, process_type, started_at, input_params, endpoint,
                                        request_payload, client_ip, user_agent, session_id)
    VALUES (v_execution_id, p_process_type, v_started, coalesce(p_params, '{}'), p_endpoint,
            p_request_payload, p_client_ip, p_user_agent, p_session_id);
    RETURN v_execution_id;
END;
$$;

COMMENT ON FUNCTION api.start_process(text, jsonb, text, jsonb, inet, text, text) IS
    'Starts a process execution (status running) and returns its execution_id, <type>_<UTC yyyymmddThhmmss>_<6 hex>. 22023 for an invalid process type or p_params that is not a JSON object; 22001 beyond the limits: p_params 64 KiB, p_request_payload 1 MiB, p_endpoint 2,000 characters, p_user_agent 1,000, p_session_id 200.';

REVOKE EXECUTE ON FUNCTION api.start_process(text, jsonb, text, jsonb, inet, text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION api.start_process(text, jsonb, text, jsonb, inet, text, text) TO assistant_app, assistant_service;
