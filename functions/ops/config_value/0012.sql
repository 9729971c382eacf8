-- ops.config_value(key): the active, non-secret value of a configuration entry, or NULL.
-- Runs as the caller (who reads ops.config); a secret entry is refused, never read.
CREATE OR REPLACE FUNCTION ops.config_value(p_key text)
RETURNS jsonb
LANGUAGE plpgsql
STABLE
STRICT
SET search_path = pg_catalog, ops, pg_temp
AS $$
DECLARE
    v_row ops.config%ROWTYPE;
BEGIN
    SELECT * INTO v_row FROM ops.config WHERE key = p_key;
    IF NOT FOUND OR NOT v_row.is_active THEN
        RETURN NULL;
    END IF;
    IF v_row.is_secret THEN
        RAISE EXCEPTION 'configuration key % is secret', p_key
            USING ERRCODE = '42501', HINT = 'Secret values are not readable through the configuration accessors.';
    END IF;
    RETURN v_row.value;
END;
$$;

COMMENT ON FUNCTION ops.config_value(text) IS
    'The JSON value of an active, non-secret configuration entry; NULL when the key is missing or inactive; 42501 for a secret key. Used by the api.config_* accessors.';

GRANT EXECUTE ON FUNCTION ops.config_value(text) TO assistant_app, assistant_readonly, assistant_service;
