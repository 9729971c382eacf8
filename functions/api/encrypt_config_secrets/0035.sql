-- api.encrypt_config_secrets(): encrypt, under the session's assistant.secrets_key, every secret
-- value still stored in clear (written before 0035_encrypt_config_secrets). Run it once from the
-- service after migrating: until then those values keep working, and are in clear in the dumps.
-- Refuses (22023) when the secrets already encrypted use another key. Returns how many it encrypted
-- (0 when there is nothing left: running it again is harmless).
CREATE OR REPLACE FUNCTION api.encrypt_config_secrets()
RETURNS integer
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, ops, pg_temp
AS $$
DECLARE
    v_master text := nullif(current_setting('assistant.secrets_key', true), '');
    v_fingerprint bytea;
    v_other bytea;
    v_row record;
    v_count integer := 0;
BEGIN
    IF v_master IS NULL THEN
        RAISE EXCEPTION 'api.encrypt_config_secrets: this session has no assistant.secrets_key to encrypt with'
            USING ERRCODE = '55000',
                  HINT = 'The service gives its key after connecting: SELECT set_config(''assistant.secrets_key'', $1, false) with the key as a bind parameter.';
    END IF;
    v_fingerprint := (ops.secrets_key_material(v_master)).fingerprint;
    -- writers of secrets wait until this transaction ends: none is written under another key meanwhile
    LOCK TABLE ops.config_secrets IN SHARE ROW EXCLUSIVE MODE;
    SELECT substr(value, 2, 8) INTO v_other FROM ops.config_secrets
     WHERE get_byte(value, 0) = 1 AND substr(value, 2, 8) <> v_fingerprint LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'api.encrypt_config_secrets: the secrets already encrypted use the key of fingerprint %, this session''s assistant.secrets_key has fingerprint %',
                        encode(v_other, 'hex'), encode(v_fingerprint, 'hex')
            USING ERRCODE = '22023', HINT = 'Run it with the key of fingerprint ' || encode(v_other, 'hex') || '.';
    END IF;
    FOR v_row IN SELECT key, value FROM ops.config_secrets WHERE get_byte(value, 0) = 0 ORDER BY key FOR UPDATE LOOP
        UPDATE ops.config_secrets
           SET value = ops.secrets_seal(v_master, v_row.key, ops.secrets_open(NULL, v_row.key, v_row.value))
         WHERE key = v_row.key;
        v_count := v_count + 1;
    END LOOP;
    RETURN v_count;
END;
$$;

COMMENT ON FUNCTION api.encrypt_config_secrets() IS
    'Encrypts under the session''s assistant.secrets_key every secret value still stored in clear (written before encryption existed); returns how many. 55000 without a key, 22023 when the encrypted secrets use another key. Service role only; running it again does nothing.';

GRANT EXECUTE ON FUNCTION api.encrypt_config_secrets() TO assistant_service;
