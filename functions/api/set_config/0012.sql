-- api.set_config(key, value, type, description, updated_by): create or change a non-secret
-- configuration entry. SECURITY DEFINER so that writers need no privilege on ops.config; the
-- write is audited (ops.config is audited) under the caller's role.
CREATE OR REPLACE FUNCTION api.set_config(p_key text, p_value jsonb, p_config_type ops.config_type DEFAULT NULL,
                                          p_description text DEFAULT NULL, p_updated_by text DEFAULT NULL)
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
        RAISE EXCEPTION 'configuration key and value must not be null (key %)', coalesce(p_key, 'NULL')
            USING ERRCODE = '22023', HINT = 'To switch an entry off, set is_active through an operator, or store a value.';
    END IF;
    SELECT * INTO v_row FROM ops.config WHERE key = p_key FOR UPDATE;
    IF NOT FOUND THEN
        IF p_config_type IS NULL THEN
            RAISE EXCEPTION 'configuration key % does not exist and no type was given', p_key
                USING ERRCODE = '22023', HINT = 'Pass p_config_type (endpoint, threshold, feature_flag or setting) to create it.';
        END IF;
        IF p_config_type = 'credentials' THEN
            RAISE EXCEPTION 'configuration key % is of type credentials, which is always secret', p_key
                USING ERRCODE = '22023', HINT = 'Store credentials with api.set_config_secret().';
        END IF;
        INSERT INTO ops.config (key, value, config_type, description, updated_by)
        VALUES (p_key, p_value, p_config_type, coalesce(p_description, ''), v_by);
        RETURN;
    END IF;
    IF v_row.is_secret THEN
        RAISE EXCEPTION 'configuration key % is secret', p_key
            USING ERRCODE = '55000', HINT = 'Change a secret with api.set_config_secret().';
    END IF;
    UPDATE ops.config
       SET value = p_value,
           config_type = coalesce(p_config_type, config_type),
           description = coalesce(p_description, description),
           updated_by = v_by
     WHERE key = p_key;
END;
$$;

COMMENT ON FUNCTION api.set_config(text, jsonb, ops.config_type, text, text) IS
    'Creates (p_config_type required) or changes a non-secret configuration entry; refuses secret keys (55000) and credentials (22023). updated_by is p_updated_by, else the calling role.';

GRANT EXECUTE ON FUNCTION api.set_config(text, jsonb, ops.config_type, text, text) TO assistant_service;
