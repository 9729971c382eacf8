-- api.config_numeric(key, default): a configuration value as numeric, so apps do not parse JSON.
CREATE OR REPLACE FUNCTION api.config_numeric(p_key text, p_default numeric DEFAULT NULL)
RETURNS numeric
LANGUAGE plpgsql
STABLE
SET search_path = pg_catalog, ops, pg_temp
AS $$
DECLARE
    v_value jsonb := ops.config_value(p_key);
BEGIN
    -- a missing or inactive entry falls back to the caller's safe default
    IF v_value IS NULL OR jsonb_typeof(v_value) = 'null' THEN
        RETURN p_default;
    END IF;
    IF jsonb_typeof(v_value) <> 'number' THEN
        RAISE EXCEPTION 'configuration key % holds a JSON %, not a number', p_key, jsonb_typeof(v_value)
            USING ERRCODE = '22023',
                  HINT = 'Read it with the accessor of its type (api.config_numeric, api.config_text, api.config_boolean) or api.config.';
    END IF;
    RETURN v_value #>> '{}';
END;
$$;

COMMENT ON FUNCTION api.config_numeric(text, numeric) IS
    'The value of an active configuration entry as numeric; p_default when the key is missing or inactive; 22023 when the value is not a JSON number; 42501 for a secret key.';

GRANT EXECUTE ON FUNCTION api.config_numeric(text, numeric) TO assistant_app, assistant_readonly, assistant_service;
