-- api.set_config_secret(key, value, description, updated_by): create or change a secret entry.
-- The only way a secret value is written. SECURITY DEFINER: no role holds a privilege on
-- ops.config_secrets. The value goes to ops.config_secrets, whose audit masks it.
-- Callers should pass the value as a bind parameter: a literal in the statement text could
-- reach the server log (log_min_duration_statement, errors) and pg_stat_activity.
CREATE OR REPLACE FUNCTION api.set_config_secret(p_key text, p_value jsonb, p_description text DEFAULT NULL,
                                                 p_updated_by text DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, ops, pg_temp
AS $$
DECLARE
    v_row ops.config%ROWTYPE;
    v_by text := coalesce(p_updated_by,
                          CASE current_setting('role') WHEN 'none' THEN session_user::text ELSE current_setting('role') END);
BEGIN
    IF p_key IS NULL OR p_value IS NULL OR jsonb_typeof(p_value) = 'null' THEN
        RAISE EXCEPTION 'secret configuration key and value must not be null (key %)', coalesce(p_key, 'NULL')
            USING ERRCODE = '22023', HINT = 'Pass the key and the secret value.';
    END IF;
    SELECT * INTO v_row FROM ops.config WHERE key = p_key FOR UPDATE;
    IF NOT FOUND THEN
        INSERT INTO ops.config (key, value, config_type, description, is_secret, updated_by)
        VALUES (p_key, NULL, 'credentials', coalesce(p_description, ''), true, v_by);
    ELSIF NOT v_row.is_secret THEN
        -- turning a clear entry into a secret would leave its clear history in the audit log
        RAISE EXCEPTION 'configuration key % is not secret', p_key
            USING ERRCODE = '55000', HINT = 'Use a new key for the secret, or api.set_config() for a clear value.';
    ELSE
        UPDATE ops.config
           SET description = coalesce(p_description, description), updated_by = v_by, updated_at = now()
         WHERE key = p_key;
    END IF;
    INSERT INTO ops.config_secrets (key, value) VALUES (p_key, p_value)
        ON CONFLICT (key) DO UPDATE SET value = excluded.value;
END;
$$;

COMMENT ON FUNCTION api.set_config_secret(text, jsonb, text, text) IS
    'Creates (as credentials) or changes a secret configuration entry; the value is stored in ops.config_secrets, readable by no application or dashboard role, and audited as "***". Refuses a key that holds a clear value (55000).';

GRANT EXECUTE ON FUNCTION api.set_config_secret(text, jsonb, text, text) TO assistant_service;
