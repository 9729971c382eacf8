-- util.hmac_sha256_keyed(inner, outer, message): HMAC-SHA256 from the two padded keys
-- (key XOR 0x36.., key XOR 0x5c..) derived once, so a check made on every statement costs two
-- sha256() calls and no loop. An SQL expression without a SET clause, so PostgreSQL inlines it
-- into its caller (which fixes its own search_path); every name is pg_catalog-qualified.
CREATE OR REPLACE FUNCTION util.hmac_sha256_keyed(p_inner bytea, p_outer bytea, p_message bytea)
RETURNS bytea
LANGUAGE sql
IMMUTABLE
STRICT
PARALLEL SAFE
AS $$
    SELECT pg_catalog.sha256(p_outer OPERATOR(pg_catalog.||) pg_catalog.sha256(p_inner OPERATOR(pg_catalog.||) p_message))
$$;

COMMENT ON FUNCTION util.hmac_sha256_keyed(bytea, bytea, bytea) IS
    'HMAC-SHA256 of p_message from the padded keys (key XOR 0x36 repeated, key XOR 0x5c repeated, 64 bytes each): two sha256() calls, inlinable.';

REVOKE EXECUTE ON FUNCTION util.hmac_sha256_keyed(bytea, bytea, bytea) FROM PUBLIC;
