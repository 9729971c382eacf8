-- util.hmac_sha256_pads(key): the two padded keys of HMAC-SHA256 (key XOR 0x36.., key XOR
-- 0x5c..; 64 bytes each), derived once and stored, so a MAC computed on every statement is two
-- sha256() calls (util.hmac_sha256_keyed) instead of a 64-step loop.
CREATE OR REPLACE FUNCTION util.hmac_sha256_pads(p_key bytea, OUT inner_pad bytea, OUT outer_pad bytea)
LANGUAGE plpgsql
IMMUTABLE
STRICT
PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_key bytea := CASE WHEN length(p_key) > 64 THEN sha256(p_key) ELSE p_key END;
BEGIN
    v_key := v_key || decode(repeat('00', 64 - length(v_key)), 'hex');
    inner_pad := v_key;
    outer_pad := v_key;
    FOR i IN 0 .. 63 LOOP
        inner_pad := set_byte(inner_pad, i, get_byte(v_key, i) # 54);
        outer_pad := set_byte(outer_pad, i, get_byte(v_key, i) # 92);
    END LOOP;
END;
$$;

COMMENT ON FUNCTION util.hmac_sha256_pads(bytea) IS
    'The padded keys of HMAC-SHA256 for p_key (inner: key XOR 0x36 repeated, outer: key XOR 0x5c repeated): with util.hmac_sha256_keyed, a MAC in two sha256() calls.';

REVOKE EXECUTE ON FUNCTION util.hmac_sha256_pads(bytea) FROM PUBLIC;
