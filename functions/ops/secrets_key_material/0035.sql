-- ops.secrets_key_material(key): what the secrets cipher derives from the service's master key
-- (assistant.secrets_key: 64 hexadecimal digits, 32 bytes): its fingerprint and the padded HMAC
-- keys of an encryption key and an authentication key.
--
-- The two keys are derived with HMAC-SHA256 under distinct labels, so the encryption and the
-- authentication never share a key, and the fingerprint (8 bytes of a third HMAC) names the master
-- key in the stored values and in error messages without revealing anything about it. The padded
-- forms (key XOR 0x36.., key XOR 0x5c..) are what util.hmac_sha256_keyed takes: each keystream
-- block and the tag then cost two sha256() calls.
-- Internal: executable by its owner only, called by the SECURITY DEFINER secrets functions. The key
-- is never part of an error message.
CREATE OR REPLACE FUNCTION ops.secrets_key_material(p_key text,
                                                    OUT fingerprint bytea,
                                                    OUT enc_inner bytea, OUT enc_outer bytea,
                                                    OUT mac_inner bytea, OUT mac_outer bytea)
LANGUAGE plpgsql
IMMUTABLE
STRICT
PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_master bytea;
    v_enc bytea;
    v_mac bytea;
BEGIN
    IF p_key !~ '^[0-9A-Fa-f]{64}$' THEN
        RAISE EXCEPTION 'assistant.secrets_key is not a secrets key: 64 hexadecimal digits (32 bytes) expected, % characters given',
                        length(p_key)
            USING ERRCODE = '22023', HINT = 'Generate a key with `openssl rand -hex 32` and keep it outside the database (see the README, Configuration).';
    END IF;
    v_master := decode(p_key, 'hex');
    fingerprint := substr(util.hmac_sha256(v_master, convert_to('assistant-db secrets v1 fingerprint', 'UTF8')), 1, 8);
    v_enc := util.hmac_sha256(v_master, convert_to('assistant-db secrets v1 encryption', 'UTF8'));
    v_mac := util.hmac_sha256(v_master, convert_to('assistant-db secrets v1 authentication', 'UTF8'));
    -- 32-byte keys, zero-padded to the 64-byte SHA-256 block, XOR the RFC 2104 pads
    SELECT decode(string_agg(lpad(to_hex(get_byte(k.e, i) # 54), 2, '0'), '' ORDER BY i), 'hex'),
           decode(string_agg(lpad(to_hex(get_byte(k.e, i) # 92), 2, '0'), '' ORDER BY i), 'hex'),
           decode(string_agg(lpad(to_hex(get_byte(k.m, i) # 54), 2, '0'), '' ORDER BY i), 'hex'),
           decode(string_agg(lpad(to_hex(get_byte(k.m, i) # 92), 2, '0'), '' ORDER BY i), 'hex')
      INTO enc_inner, enc_outer, mac_inner, mac_outer
      FROM (SELECT v_enc || decode(repeat('00', 32), 'hex') AS e, v_mac || decode(repeat('00', 32), 'hex') AS m) AS k,
           generate_series(0, 63) AS i;
END;
$$;

COMMENT ON FUNCTION ops.secrets_key_material(text) IS
    'Internal to the secrets cipher: from a master key (64 hex digits) its 8-byte fingerprint and the padded HMAC keys (inner, outer) of the encryption and authentication keys derived from it with HMAC-SHA256 under distinct labels. 22023 for a malformed key; the key never appears in an error.';

REVOKE EXECUTE ON FUNCTION ops.secrets_key_material(text) FROM PUBLIC;
