-- api.issue_user_token(user_id, ttl): the token an application passes to api.act_as_token, for
-- the trusted backend to hand out at sign-in. Signed with the current token key.
CREATE OR REPLACE FUNCTION api.issue_user_token(p_user_id uuid, p_ttl interval DEFAULT interval '15 minutes')
RETURNS text
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_key core.identity_keys%ROWTYPE;
    v_max interval := (SELECT s.max_token_ttl FROM core.identity_settings AS s);
    v_message text;
BEGIN
    IF p_user_id IS NULL OR p_ttl IS NULL OR p_ttl <= interval '0' OR p_ttl > v_max THEN
        RAISE EXCEPTION 'api.issue_user_token: p_ttl must be positive and at most %, not %', v_max, coalesce(p_ttl::text, 'NULL')
            USING ERRCODE = '22023', HINT = 'Issue short-lived tokens and issue a new one when it expires (api.configure_identity sets the maximum).';
    END IF;
    IF NOT EXISTS (SELECT FROM core.users AS u WHERE u.id = p_user_id AND u.is_active) THEN
        RAISE EXCEPTION 'api.issue_user_token: user % does not exist or is inactive', p_user_id
            USING ERRCODE = '28Y03', HINT = 'Issue tokens for active core.users rows only.';
    END IF;
    SELECT * INTO v_key FROM core.identity_keys AS k WHERE k.purpose = 'token' AND k.retired_at IS NULL;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'api.issue_user_token: no token key is set'
            USING ERRCODE = '55000', HINT = 'Set one first: SELECT api.set_identity_key($1), $1 a random key of at least 32 bytes.';
    END IF;
    v_message := format('v1.%s.%s', p_user_id, ceil(extract(epoch FROM now() + p_ttl))::bigint);
    RETURN v_message || '.' || encode(util.hmac_sha256_keyed(v_key.inner_pad, v_key.outer_pad, convert_to(v_message, 'UTF8')), 'hex');
END;
$$;

COMMENT ON FUNCTION api.issue_user_token(uuid, interval) IS
    'A token for api.act_as_token naming an active user, valid for p_ttl (default 15 minutes, at most max_token_ttl), signed with the current token key. assistant_service only.';

REVOKE EXECUTE ON FUNCTION api.issue_user_token(uuid, interval) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION api.issue_user_token(uuid, interval) TO assistant_service;
