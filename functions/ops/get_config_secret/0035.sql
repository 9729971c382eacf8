-- ops.get_config_secret(key): the value of a secret entry, for the trusted backend
-- (assistant_service) that calls the remote APIs. Not in api: applications and dashboards
-- never read secrets.
-- Decrypted with the session's assistant.secrets_key (ops.secrets_open): without it, with another
-- key or with an altered value it fails with an error naming the key fingerprint it needs. A value
-- stored in clear before 0035_encrypt_config_secrets is still returned, until
-- api.encrypt_config_secrets() encrypts it.
CREATE OR REPLACE FUNCTION ops.get_config_secret(p_key text)
RETURNS jsonb
LANGUAGE plpgsql
STABLE
STRICT
SECURITY DEFINER
SET search_path = pg_catalog, ops, pg_temp
AS $$
DECLARE
    v_stored bytea;
BEGIN
    SELECT s.value INTO v_stored
      FROM ops.config_secrets AS s JOIN ops.config AS c USING (key)
     WHERE s.key = p_key AND c.is_active;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'secret configuration key % has no active value', p_key
            USING ERRCODE = 'P0002', HINT = 'Store it with api.set_config_secret().';
    END IF;
    RETURN ops.secrets_open(nullif(current_setting('assistant.secrets_key', true), ''), p_key, v_stored);
END;
$$;

COMMENT ON FUNCTION ops.get_config_secret(text) IS
    'The value of an active secret configuration entry (P0002 when unset or inactive), decrypted with the session''s assistant.secrets_key: 55000 without it, 22023 with another key, XX001 when the stored value was altered. Executable by assistant_service only.';

GRANT EXECUTE ON FUNCTION ops.get_config_secret(text) TO assistant_service;
