-- api.configure_identity(verified, max_token_ttl): turn verified identity on or off for this
-- database (off by default). On: applications name their user only with a signed token
-- (api.act_as_token); a bare id (api.act_as) is refused to them. Returns the settings.
CREATE OR REPLACE FUNCTION api.configure_identity(p_verified boolean, p_max_token_ttl interval DEFAULT NULL)
RETURNS TABLE (verified boolean, max_token_ttl interval)
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
BEGIN
    IF p_verified IS NULL OR p_max_token_ttl <= interval '0' OR p_max_token_ttl > interval '30 days' THEN
        RAISE EXCEPTION 'api.configure_identity: p_verified must be true or false and p_max_token_ttl between 0 and 30 days'
            USING ERRCODE = '22023', HINT = 'e.g. SELECT * FROM api.configure_identity(true, interval ''1 hour'');';
    END IF;
    IF p_verified AND NOT EXISTS (SELECT FROM core.identity_keys AS k WHERE k.purpose = 'token' AND k.retired_at IS NULL) THEN
        RAISE EXCEPTION 'api.configure_identity: no token key is set, so no token could be verified'
            USING ERRCODE = '55000', HINT = 'Set one first: SELECT api.set_identity_key($1).';
    END IF;
    UPDATE core.identity_settings AS s
       SET verified = p_verified,
           max_token_ttl = coalesce(p_max_token_ttl, s.max_token_ttl),
           updated_at = now();
    RETURN QUERY SELECT s.verified, s.max_token_ttl FROM core.identity_settings AS s;
END;
$$;

COMMENT ON FUNCTION api.configure_identity(boolean, interval) IS
    'Turns verified identity on or off for this database (applications then name users only with signed tokens) and sets the longest token lifetime accepted. assistant_service only.';

REVOKE EXECUTE ON FUNCTION api.configure_identity(boolean, interval) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION api.configure_identity(boolean, interval) TO assistant_service;
