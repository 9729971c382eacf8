-- Undo 0022_add_hmac_helpers: drop the two functions it created.
DROP FUNCTION util.hmac_sha256_keyed(bytea, bytea, bytea);
DROP FUNCTION util.hmac_sha256(bytea, bytea);
