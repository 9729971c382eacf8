-- api.set_identity_key(key): the key tokens are signed with (the service's, or the identity
-- provider's). The previous key is retired, not deleted: tokens it signed stay valid until they
-- expire (at most max_token_ttl). The key is stored as its two HMAC pads, readable by the owner
-- only; pass it as a bind parameter (bytea) so it reaches no log.
CREATE OR REPLACE FUNCTION api.set_identity_key(p_key bytea)
RETURNS void
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_pads record;
BEGIN
    IF p_key IS NULL OR length(p_key) < 32 THEN
        RAISE EXCEPTION 'api.set_identity_key: the key must have at least 32 bytes, not %', coalesce(length(p_key)::text, 'NULL')
            USING ERRCODE = '22023', HINT = 'Use 32 random bytes, e.g. Python''s secrets.token_bytes(32).';
    END IF;
    v_pads := util.hmac_sha256_pads(p_key);
    DELETE FROM core.identity_keys AS k
     WHERE k.purpose = 'token' AND k.retired_at < now() - (SELECT s.max_token_ttl FROM core.identity_settings AS s);
    UPDATE core.identity_keys AS k SET retired_at = now() WHERE k.purpose = 'token' AND k.retired_at IS NULL;
    INSERT INTO core.identity_keys (purpose, inner_pad, outer_pad) VALUES ('token', v_pads.inner_pad, v_pads.outer_pad);
END;
$$;

COMMENT ON FUNCTION api.set_identity_key(bytea) IS
    'Sets the key tokens are signed with (>= 32 bytes); the previous one is retired and still accepted for max_token_ttl. assistant_service only.';

REVOKE EXECUTE ON FUNCTION api.set_identity_key(bytea) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION api.set_identity_key(bytea) TO assistant_service;
