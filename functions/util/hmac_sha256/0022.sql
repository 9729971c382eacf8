-- util.hmac_sha256(key, message): HMAC-SHA256 (RFC 2104), built on PostgreSQL's own sha256()
-- (11+): pgcrypto is not in every build (the embedded PostgreSQL 18 has none), and this is the one
-- primitive the package needs from it. Keys longer than the 64-byte block are hashed first, as
-- the RFC says. The two padded keys are made with get_byte/set_byte (64 iterations, ~50 us): for
-- a hot path, derive them once with util.hmac_sha256_pads and call util.hmac_sha256_keyed.
CREATE OR REPLACE FUNCTION util.hmac_sha256(p_key bytea, p_message bytea)
RETURNS bytea
LANGUAGE plpgsql
IMMUTABLE
STRICT
PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_key bytea := CASE WHEN length(p_key) > 64 THEN sha256(p_key) ELSE p_key END;
    v_ipad bytea;
    v_opad bytea;
BEGIN
    v_key := v_key || decode(repeat('00', 64 - length(v_key)), 'hex');
    v_ipad := v_key;
    v_opad := v_key;
    FOR i IN 0 .. 63 LOOP
        v_ipad := set_byte(v_ipad, i, get_byte(v_key, i) # 54);   -- 0x36
        v_opad := set_byte(v_opad, i, get_byte(v_key, i) # 92);   -- 0x5c
    END LOOP;
    RETURN sha256(v_opad || sha256(v_ipad || p_message));
END;
$$;

COMMENT ON FUNCTION util.hmac_sha256(bytea, bytea) IS
    'HMAC-SHA256 (RFC 2104) of p_message under p_key, on the built-in sha256(). Checked against the RFC 4231 test vectors by the test suite.';

-- the identity, secrets and erasure functions call it with their owner's rights
REVOKE EXECUTE ON FUNCTION util.hmac_sha256(bytea, bytea) FROM PUBLIC;
