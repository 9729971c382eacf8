-- api.resolve_alert(id, resolved_by): an operator resolves one alert.
CREATE OR REPLACE FUNCTION api.resolve_alert(p_alert_id uuid, p_resolved_by text DEFAULT NULL)
RETURNS timestamptz
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, ops, pg_temp
AS $$
DECLARE
    v_resolved boolean;
    v_at timestamptz := now();
BEGIN
    SELECT resolved INTO v_resolved FROM ops.alerts WHERE id = p_alert_id FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'alert % does not exist', coalesce(p_alert_id::text, 'NULL')
            USING ERRCODE = 'P0002', HINT = 'Pick an id from api.unresolved_alerts.';
    END IF;
    IF v_resolved THEN
        RAISE EXCEPTION 'alert % is already resolved', p_alert_id
            USING ERRCODE = '55000', HINT = 'Nothing to do; raise a new alert if the problem came back.';
    END IF;
    UPDATE ops.alerts
       SET resolved = true, resolved_at = v_at,
           resolved_by = coalesce(p_resolved_by,
                                  CASE current_setting('role') WHEN 'none' THEN session_user::text ELSE current_setting('role') END)
     WHERE id = p_alert_id;
    RETURN v_at;
END;
$$;

COMMENT ON FUNCTION api.resolve_alert(uuid, text) IS
    'Resolves an alert (resolved_by: p_resolved_by, else the calling role) and returns the time. P0002 for an unknown alert, 55000 for one already resolved.';

GRANT EXECUTE ON FUNCTION api.resolve_alert(uuid, text) TO assistant_service;
