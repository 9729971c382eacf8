-- ops.secrets_seal(master key, config key, value): the stored form of a secret configuration value,
-- encrypted and authenticated under the service's master key (assistant.secrets_key).
--
--   version (1 byte, 0x01) | key fingerprint (8) | nonce (16) | ciphertext (n) | tag (32)
--
--   ciphertext = value's JSON text (UTF-8) XOR keystream, block i = HMAC-SHA256(enc_key, nonce || i)
--   tag        = HMAC-SHA256(mac_key, version || fingerprint || nonce || length(config key) || config key || ciphertext)
--   enc_key, mac_key = HMAC-SHA256(master, distinct labels)          (ops.secrets_key_material)
--   nonce      = the 16 bytes of gen_random_uuid() (122 random bits: a repeat is not expected
--                before ~2^61 encryptions under one key)
--
-- Why this construction: HMAC-SHA256 in counter mode is a stream cipher whenever HMAC is a
-- pseudo-random function (the assumption HKDF and TLS rest on), and encrypt-then-MAC with an
-- independent key makes it authenticated: a flipped bit, a truncated value or a value copied onto
-- another key (the config key is in the tag) is refused before anything is decrypted. It needs
-- nothing but sha256(), built into PostgreSQL 11+. Why not pgcrypto: the embedded PostgreSQL 18
-- the suite runs on ships without it (as do managed services that restrict extensions), and
-- pgp_sym_encrypt(value, key) would take the key as an argument of each call, where a logged or
-- displayed statement can show it; here the key stays in the session's setting.
-- Not constant-time (SQL byte comparisons), which matters only to an attacker who can time
-- decryptions with forged values, i.e. who already runs statements as the service.
CREATE OR REPLACE FUNCTION ops.secrets_seal(p_master text, p_config_key text, p_value jsonb)
RETURNS bytea
LANGUAGE plpgsql
VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_key record;
    v_head bytea;
    v_name bytea := convert_to(p_config_key, 'UTF8');
    v_ct bytea;
BEGIN
    IF p_master IS NULL OR p_master = '' THEN
        RAISE EXCEPTION 'secret configuration key % cannot be encrypted: this session has no assistant.secrets_key', p_config_key
            USING ERRCODE = '55000',
                  HINT = 'The service gives its key after connecting: SELECT set_config(''assistant.secrets_key'', $1, false) with the key as a bind parameter (or options=-c assistant.secrets_key=... in its connection string).';
    END IF;
    v_key := ops.secrets_key_material(p_master);
    v_head := '\x01'::bytea || v_key.fingerprint || uuid_send(gen_random_uuid());
    v_ct := ops.secrets_xor_keystream(v_key.enc_inner, v_key.enc_outer, substr(v_head, 10, 16),
                                      convert_to(p_value::text, 'UTF8'));
    RETURN v_head || v_ct
        || util.hmac_sha256_keyed(v_key.mac_inner, v_key.mac_outer, v_head || int4send(length(v_name)) || v_name || v_ct);
END;
$$;

COMMENT ON FUNCTION ops.secrets_seal(text, text, jsonb) IS
    'Internal to the secrets cipher: encrypts and authenticates a secret configuration value under a master key: version 0x01, key fingerprint (8 bytes), random nonce (16), ciphertext (HMAC-SHA256 counter-mode keystream), tag (HMAC-SHA256 over all of it and the config key). 55000 without a key.';

REVOKE EXECUTE ON FUNCTION ops.secrets_seal(text, text, jsonb) FROM PUBLIC;
