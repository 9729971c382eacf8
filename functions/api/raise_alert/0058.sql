-- api.raise_alert(type, severity, title, ...): raise an alert for the operators.
-- 0054: the severity is text in any case (an app cannot name ops.alert_severity), and every bad
-- input is a 22023 or 22001 naming the argument.
-- 0058: bounds an app caller's transaction (core.bound_app_transaction) like api.act_as; names the
-- function and the NULL argument in its errors; p_execution_id at most 100 characters.
CREATE OR REPLACE FUNCTION api.raise_alert(p_alert_type text, p_severity text, p_title text,
                                           p_message text DEFAULT '', p_context jsonb DEFAULT '{}',
                                           p_execution_id text DEFAULT NULL, p_endpoint text DEFAULT NULL)
RETURNS uuid
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, ops, pg_temp
AS $$
DECLARE
    v_severity text := lower(btrim(p_severity));
    v_id uuid;
BEGIN
    PERFORM core.bound_app_transaction();  -- 0058: an app's transaction is bounded here too
    IF length(p_execution_id) > 100 THEN
        RAISE EXCEPTION 'api.raise_alert: p_execution_id has % characters; an execution id has at most 100', length(p_execution_id)
            USING ERRCODE = '22001', HINT = 'Pass the execution_id api.start_process returned.';
    END IF;
    IF p_alert_type IS NULL OR p_severity IS NULL OR p_title IS NULL THEN
        RAISE EXCEPTION 'api.raise_alert: an alert needs p_alert_type, p_severity and p_title (got NULL for %)',
                concat_ws(', ', CASE WHEN p_alert_type IS NULL THEN 'p_alert_type' END,
                          CASE WHEN p_severity IS NULL THEN 'p_severity' END, CASE WHEN p_title IS NULL THEN 'p_title' END)
            USING ERRCODE = '22023', HINT = 'Pass p_alert_type (api_timeout, rate_limit, ...), p_severity (info, warning, critical) and p_title.';
    END IF;
    IF p_alert_type !~ '^[a-z][a-z0-9_]{0,62}$' THEN
        RAISE EXCEPTION 'api.raise_alert: p_alert_type % is not an alert type', quote_literal(left(p_alert_type, 70))
            USING ERRCODE = '22023', HINT = 'An alert type is snake_case: lower case letters, digits and _, starting with a letter, at most 63 characters (api_timeout, rate_limit).';
    END IF;
    IF v_severity NOT IN ('info', 'warning', 'critical') THEN
        RAISE EXCEPTION 'api.raise_alert: p_severity % is not a severity', quote_literal(left(p_severity, 40))
            USING ERRCODE = '22023', HINT = 'Pass info, warning or critical (any case).';
    END IF;
    PERFORM util.refuse_oversized_argument('api.raise_alert', 'p_title', length(p_title), 500, 'characters');
    PERFORM util.refuse_oversized_argument('api.raise_alert', 'p_message', length(p_message), 10000, 'characters');
    PERFORM util.refuse_oversized_argument('api.raise_alert', 'p_endpoint', length(p_endpoint), 2000, 'characters');
    IF p_context IS NOT NULL AND jsonb_typeof(p_context) <> 'object' THEN
        RAISE EXCEPTION 'api.raise_alert: p_context must be a JSON object, not %', jsonb_typeof(p_context)
            USING ERRCODE = '22023', HINT = 'Pass {"remaining": 0, ...}, or leave it out.';
    END IF;
    PERFORM util.refuse_oversized_argument('api.raise_alert', 'p_context', octet_length(p_context::text), 65536);
    INSERT INTO ops.alerts (alert_type, severity, title, message, context, execution_id, endpoint)
    VALUES (p_alert_type, v_severity::ops.alert_severity, p_title, coalesce(p_message, ''), coalesce(p_context, '{}'),
            p_execution_id, p_endpoint)
    RETURNING id INTO v_id;
    RETURN v_id;
END;
$$;

COMMENT ON FUNCTION api.raise_alert(text, text, text, text, jsonb, text, text) IS
    'Raises an unresolved alert and returns its id. alert_type is snake_case (api_timeout, rate_limit, error_rate_high, system_resource, ...); severity info, warning or critical (any case). Limits: title 500 characters, message 10,000, endpoint 2,000, context a JSON object of 64 KiB (22001 beyond); 22023 for a missing or malformed argument, 23503 for an unknown execution_id.';

REVOKE EXECUTE ON FUNCTION api.raise_alert(text, text, text, text, jsonb, text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION api.raise_alert(text, text, text, text, jsonb, text, text) TO assistant_app, assistant_service;
