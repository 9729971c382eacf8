-- api.act_as_token(token): name the end user from a token signed by the service (or the
-- identity provider) instead of a bare id: with verified identity on, the only way an
-- application names its user, so an application login that is compromised, or a bug in it, can
-- act only for users whose token it was given.
--
-- Token: v1.<user uuid>.<expiry, Unix seconds>.<MAC>, MAC = hex HMAC-SHA256(key,
-- 'v1.<user uuid>.<expiry>') — what api.issue_user_token returns, and what an identity provider
-- holding the key computes itself (README). Accepted: a MAC under the current key or one retired
-- less than the longest token lifetime ago (key rotation), an expiry in the future and no further
-- than max_token_ttl away, an active user.
-- 0056/0058: bounds the app's transaction time (core.bound_app_transaction), before anything else.
-- 0091 (Citus): also sends the user to the workers of the transaction (core.propagate_app_user), so
-- that row-level security on the shards sees it; nothing changes without Citus.
CREATE OR REPLACE FUNCTION api.act_as_token(p_token text)
RETURNS uuid
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_parts text[];
    v_user uuid;
    v_expires bigint;
    v_settings core.identity_settings%ROWTYPE;
    v_active boolean;
BEGIN
    -- 0058: the bounds first, so a failing call still leaves the transaction bounded
    PERFORM core.bound_app_transaction();
    IF p_token IS NULL OR length(p_token) > 200
       OR p_token !~ '^v1\.[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.[0-9]{1,12}\.[0-9a-f]{64}$' THEN
        RAISE EXCEPTION 'api.act_as_token: the token is malformed'
            USING ERRCODE = '28Y05',
                  HINT = 'A token reads v1.<user uuid>.<expiry>.<64 hex digits>, as api.issue_user_token returns it.';
    END IF;
    v_parts := string_to_array(p_token, '.');
    v_user := v_parts[2]::uuid;
    v_expires := v_parts[3]::bigint;
    SELECT * INTO v_settings FROM core.identity_settings;
    IF NOT EXISTS (
        SELECT FROM core.identity_keys AS k
         WHERE k.purpose = 'token'
           AND (k.retired_at IS NULL OR k.retired_at > now() - v_settings.max_token_ttl)
           AND encode(util.hmac_sha256_keyed(k.inner_pad, k.outer_pad,
                                             convert_to('v1.' || v_parts[2] || '.' || v_parts[3], 'UTF8')), 'hex') = v_parts[4]) THEN
        RAISE EXCEPTION 'api.act_as_token: the token''s signature is not valid'
            USING ERRCODE = '28Y05',
                  HINT = 'Sign in again: the service issues tokens with api.issue_user_token (or the identity provider, with the key set by api.set_identity_key).';
    END IF;
    IF v_expires <= extract(epoch FROM now()) THEN
        RAISE EXCEPTION 'api.act_as_token: the token expired at %', to_timestamp(v_expires)
            USING ERRCODE = '28Y07', HINT = 'Ask the service for a new token (sign in again).';
    END IF;
    IF v_expires > extract(epoch FROM now() + v_settings.max_token_ttl) THEN
        RAISE EXCEPTION 'api.act_as_token: the token lives longer than this database accepts (%)', v_settings.max_token_ttl
            USING ERRCODE = '28Y05', HINT = 'Issue tokens that expire within max_token_ttl (api.configure_identity).';
    END IF;
    SELECT u.is_active INTO v_active FROM core.users AS u WHERE u.id = v_user;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'api.act_as_token: user % does not exist', v_user USING ERRCODE = '28Y03',
            HINT = 'The token names a user that was deleted or erased.';
    END IF;
    IF NOT v_active THEN
        RAISE EXCEPTION 'api.act_as_token: user % is inactive', v_user
            USING ERRCODE = '28Y04', HINT = 'An inactive user can neither read nor write; assistant_service reactivates it.';
    END IF;
    PERFORM set_config('app.user_id', v_user::text, true);
    PERFORM set_config('app.user_seal', core.seal_app_user(v_user), true);
    PERFORM core.propagate_app_user(v_user);  -- 0091: to the workers, on Citus
    RETURN v_user;
END;
$$;

COMMENT ON FUNCTION api.act_as_token(text) IS
    'Names the end user of the current transaction from a signed token v1.<uuid>.<expiry>.<HMAC-SHA256 hex> (api.issue_user_token, or an identity provider holding the key): 28Y05 malformed or forged, 28Y07 expired, 28Y03 unknown user, 28Y04 inactive user.';

REVOKE EXECUTE ON FUNCTION api.act_as_token(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION api.act_as_token(text) TO assistant_app, assistant_service, assistant_personal_reader;
