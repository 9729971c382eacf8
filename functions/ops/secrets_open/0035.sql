-- ops.secrets_open(master key, config key, stored value): the value ops.secrets_seal stored, after
-- checking that the session holds the key it was sealed with and that nothing was altered.
-- Version 0x00 is a value stored in clear before 0035_encrypt_config_secrets (its JSON text after
-- the version byte): it is returned as it is, needing no key, until api.encrypt_config_secrets()
-- seals it.
-- Errors, each naming the config key and never the master key:
--   55000 the value is sealed and the session has no assistant.secrets_key (names the fingerprint needed)
--   22023 the session's key is not the one it was sealed with (both fingerprints)
--   XX001 the stored value was altered or truncated (the tag does not match)
CREATE OR REPLACE FUNCTION ops.secrets_open(p_master text, p_config_key text, p_stored bytea)
RETURNS jsonb
LANGUAGE plpgsql
STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_key record;
    v_len integer := length(p_stored);
    v_name bytea := convert_to(p_config_key, 'UTF8');
    v_fingerprint bytea;
    v_ct bytea;
BEGIN
    IF get_byte(p_stored, 0) = 0 THEN
        RETURN convert_from(substr(p_stored, 2), 'UTF8')::jsonb;
    END IF;
    IF get_byte(p_stored, 0) <> 1 OR v_len < 58 THEN
        RAISE EXCEPTION 'secret configuration key % failed its integrity check: its stored value is not a sealed value', p_config_key
            USING ERRCODE = 'XX001', HINT = 'Set it again with api.set_config_secret(), or restore it from a backup.';
    END IF;
    v_fingerprint := substr(p_stored, 2, 8);
    IF p_master IS NULL OR p_master = '' THEN
        RAISE EXCEPTION 'secret configuration key % is encrypted with the key of fingerprint %, and this session has no assistant.secrets_key',
                        p_config_key, encode(v_fingerprint, 'hex')
            USING ERRCODE = '55000',
                  HINT = 'The service gives its key after connecting: SELECT set_config(''assistant.secrets_key'', $1, false) with the key as a bind parameter (or options=-c assistant.secrets_key=... in its connection string).';
    END IF;
    v_key := ops.secrets_key_material(p_master);
    IF v_key.fingerprint <> v_fingerprint THEN
        RAISE EXCEPTION 'secret configuration key % is encrypted with the key of fingerprint %, not with this session''s assistant.secrets_key (fingerprint %)',
                        p_config_key, encode(v_fingerprint, 'hex'), encode(v_key.fingerprint, 'hex')
            USING ERRCODE = '22023',
                  HINT = format('Give the session the key of fingerprint %s. If that key is lost the value cannot be recovered: '
                                'discard it with api.discard_config_secrets(%L) and set it again with api.set_config_secret().',
                                encode(v_fingerprint, 'hex'), encode(v_fingerprint, 'hex'));
    END IF;
    v_ct := substr(p_stored, 26, v_len - 57);
    IF util.hmac_sha256_keyed(v_key.mac_inner, v_key.mac_outer, substr(p_stored, 1, 25) || int4send(length(v_name)) || v_name || v_ct)
       <> substr(p_stored, v_len - 31) THEN
        RAISE EXCEPTION 'secret configuration key % failed its integrity check: its stored value was altered or truncated', p_config_key
            USING ERRCODE = 'XX001', HINT = 'Set it again with api.set_config_secret(), or restore it from a backup.';
    END IF;
    RETURN convert_from(ops.secrets_xor_keystream(v_key.enc_inner, v_key.enc_outer, substr(p_stored, 10, 16), v_ct), 'UTF8')::jsonb;
END;
$$;

COMMENT ON FUNCTION ops.secrets_open(text, text, bytea) IS
    'Internal to the secrets cipher: checks and decrypts a value sealed by ops.secrets_seal (a version 0x00 value, stored in clear before encryption, is returned as is). 55000 without a key, 22023 with another key (both fingerprints named), XX001 when the value was altered.';

REVOKE EXECUTE ON FUNCTION ops.secrets_open(text, text, bytea) FROM PUBLIC;
