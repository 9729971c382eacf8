-- api.rotate_secrets_key(old key, new key): re-encrypt every secret value under a new master key,
-- in one transaction (all or nothing); values still in clear are encrypted too. Pass both keys as
-- bind parameters. The session's own assistant.secrets_key is not changed: the service then
-- switches to the new key (its next connections give the new one). Returns how many values it
-- re-encrypted. Fails, changing nothing, when a value is sealed with neither key (22023) or was
-- altered (XX001).
CREATE OR REPLACE FUNCTION api.rotate_secrets_key(p_old_key text, p_new_key text)
RETURNS integer
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, ops, pg_temp
AS $$
DECLARE
    v_old bytea;
    v_new bytea;
    v_row record;
    v_count integer := 0;
BEGIN
    IF p_old_key IS NULL OR p_new_key IS NULL THEN
        RAISE EXCEPTION 'api.rotate_secrets_key: the old and the new key are both needed'
            USING ERRCODE = '22023', HINT = 'Pass both, as bind parameters: SELECT api.rotate_secrets_key($1, $2).';
    END IF;
    v_old := (ops.secrets_key_material(p_old_key)).fingerprint;
    v_new := (ops.secrets_key_material(p_new_key)).fingerprint;
    IF v_old = v_new THEN
        RAISE EXCEPTION 'api.rotate_secrets_key: the new key is the old one (fingerprint %)', encode(v_new, 'hex')
            USING ERRCODE = '22023', HINT = 'Generate a new key with `openssl rand -hex 32`.';
    END IF;
    LOCK TABLE ops.config_secrets IN SHARE ROW EXCLUSIVE MODE;
    FOR v_row IN SELECT key, value FROM ops.config_secrets ORDER BY key LOOP
        IF get_byte(v_row.value, 0) = 1 AND substr(v_row.value, 2, 8) <> v_old THEN
            RAISE EXCEPTION 'api.rotate_secrets_key: secret configuration key % is encrypted with the key of fingerprint %, not with the old key (fingerprint %)',
                            v_row.key, encode(substr(v_row.value, 2, 8), 'hex'), encode(v_old, 'hex')
                USING ERRCODE = '22023',
                      HINT = 'Nothing was changed. Pass the key of that fingerprint as the old key; if it is lost, api.discard_config_secrets() its values first.';
        END IF;
        -- secrets_open refuses an altered value (XX001): the whole rotation rolls back
        UPDATE ops.config_secrets
           SET value = ops.secrets_seal(p_new_key, v_row.key, ops.secrets_open(p_old_key, v_row.key, v_row.value))
         WHERE key = v_row.key;
        v_count := v_count + 1;
    END LOOP;
    RETURN v_count;
END;
$$;

COMMENT ON FUNCTION api.rotate_secrets_key(text, text) IS
    'Re-encrypts every secret configuration value from the old master key to the new one (values still in clear are encrypted), in one transaction; returns how many. 22023 for a malformed key, the same key twice, or a value sealed with neither; XX001 for an altered value. Service role only.';

GRANT EXECUTE ON FUNCTION api.rotate_secrets_key(text, text) TO assistant_service;
