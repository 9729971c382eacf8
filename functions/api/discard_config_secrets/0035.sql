-- api.discard_config_secrets(fingerprint): forget the values sealed with a lost master key. They
-- cannot be decrypted by anyone; the entries stay in ops.config (secret, without a value:
-- ops.get_config_secret raises P0002) until they are set again with api.set_config_secret() under
-- the new key. Returns how many values it removed.
CREATE OR REPLACE FUNCTION api.discard_config_secrets(p_key_fingerprint text)
RETURNS integer
LANGUAGE plpgsql
VOLATILE
STRICT
SECURITY DEFINER
SET search_path = pg_catalog, ops, pg_temp
AS $$
DECLARE
    v_count integer;
BEGIN
    IF p_key_fingerprint !~ '^[0-9a-fA-F]{16}$' THEN
        RAISE EXCEPTION 'api.discard_config_secrets: % is not a key fingerprint (16 hexadecimal digits)', p_key_fingerprint
            USING ERRCODE = '22023', HINT = 'Copy it from the error that named the key: "encrypted with the key of fingerprint ...".';
    END IF;
    DELETE FROM ops.config_secrets
     WHERE get_byte(value, 0) = 1 AND substr(value, 2, 8) = decode(p_key_fingerprint, 'hex');
    GET DIAGNOSTICS v_count = ROW_COUNT;
    RETURN v_count;
END;
$$;

COMMENT ON FUNCTION api.discard_config_secrets(text) IS
    'Deletes the secret values encrypted with the master key of this fingerprint (a lost key: they can no longer be read); the entries stay, without a value, to be set again with api.set_config_secret(). Returns how many. Service role only.';

GRANT EXECUTE ON FUNCTION api.discard_config_secrets(text) TO assistant_service;
