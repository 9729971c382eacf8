-- api.raise_alert(type, severity, title, ...): raise an alert for the operators.
CREATE OR REPLACE FUNCTION api.raise_alert(p_alert_type text, p_severity ops.alert_severity, p_title text,
                                           p_message text DEFAULT '', p_context jsonb DEFAULT '{}',
                                           p_execution_id text DEFAULT NULL, p_endpoint text DEFAULT NULL)
RETURNS uuid
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, ops, pg_temp
AS $$
DECLARE
    v_id uuid;
BEGIN
    IF p_alert_type IS NULL OR p_severity IS NULL OR p_title IS NULL THEN
        RAISE EXCEPTION 'an alert needs a type, a severity and a title'
            USING ERRCODE = '22023', HINT = 'Pass p_alert_type (api_timeout, rate_limit, ...), p_severity (info, warning, critical) and p_title.';
    END IF;
    INSERT INTO ops.alerts (alert_type, severity, title, message, context, execution_id, endpoint)
    VALUES (p_alert_type, p_severity, p_title, coalesce(p_message, ''), coalesce(p_context, '{}'),
            p_execution_id, p_endpoint)
    RETURNING id INTO v_id;
    RETURN v_id;
END;
$$;

COMMENT ON FUNCTION api.raise_alert(text, ops.alert_severity, text, text, jsonb, text, text) IS
    'Raises an unresolved alert and returns its id. alert_type is snake_case (api_timeout, rate_limit, error_rate_high, system_resource, ...).';

GRANT EXECUTE ON FUNCTION api.raise_alert(text, ops.alert_severity, text, text, jsonb, text, text) TO assistant_app, assistant_service;
