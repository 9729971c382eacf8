-- ops.secrets_xor_keystream(inner, outer, nonce, data): data XOR the keystream of (key, nonce),
-- where keystream block i (32 bytes) is HMAC-SHA256(key, nonce || i as 4 bytes big-endian):
-- HMAC as a pseudo-random function in counter mode. Encryption and decryption are the same
-- operation. The key comes as its padded forms (ops.secrets_key_material).
-- A nonce is never reused with a key (16 random bytes per encryption), so no two values share
-- keystream. Set-based: one HMAC per 32 bytes and one pass over the bytes, no loop over a bytea
-- (set_byte in a loop copies the value each time).
CREATE OR REPLACE FUNCTION ops.secrets_xor_keystream(p_inner bytea, p_outer bytea, p_nonce bytea, p_data bytea)
RETURNS bytea
LANGUAGE sql
IMMUTABLE
STRICT
PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
    WITH stream AS (
        SELECT string_agg(util.hmac_sha256_keyed(p_inner, p_outer, p_nonce || int4send(b)), ''::bytea ORDER BY b) AS s
          FROM generate_series(0, (length(p_data) - 1) / 32) AS b
    )
    SELECT coalesce(decode(string_agg(lpad(to_hex(get_byte(p_data, i) # get_byte(stream.s, i)), 2, '0'), '' ORDER BY i), 'hex'),
                    ''::bytea)
      FROM stream, generate_series(0, length(p_data) - 1) AS i
$$;

COMMENT ON FUNCTION ops.secrets_xor_keystream(bytea, bytea, bytea, bytea) IS
    'Internal to the secrets cipher: p_data XOR the keystream HMAC-SHA256(key, nonce || block number), the key given as its padded forms. Encrypts and decrypts.';

REVOKE EXECUTE ON FUNCTION ops.secrets_xor_keystream(bytea, bytea, bytea, bytea) FROM PUBLIC;
