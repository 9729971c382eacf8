-- api.act_as(user_id): name the end user the current transaction acts for. The one way an
-- application sets who it is acting for (the README's connection pattern):
--     BEGIN; SELECT api.act_as($1); ...; COMMIT;
-- It checks that the user exists and is active (an inactive user can neither read nor write
-- through api), then sets, for this transaction only, app.user_id and its seal (see
-- core.resolve_app_user): the next transaction on the same pooled connection acts for nobody
-- until it names its user again.
-- With verified identity on (api.configure_identity), applications must name their user with a
-- signed token (api.act_as_token); api.act_as is then refused to them (28Y06) and left to the
-- trusted backend (assistant_service) and the owner.
-- 0056/0058: bounds the app's transaction time (core.bound_app_transaction), before anything else.
-- 0091 (Citus): also sends the user to the workers of the transaction (core.propagate_app_user), so
-- that row-level security on the shards sees it; nothing changes without Citus.
CREATE OR REPLACE FUNCTION api.act_as(p_user_id uuid)
RETURNS uuid
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    -- the role the caller acts as (SECURITY DEFINER: current_user is the owner); a searched CASE, not
    -- CASE current_setting('role') WHEN ..., which Citus mis-plans
    v_caller name := CASE WHEN current_setting('role') = 'none' THEN session_user ELSE current_setting('role') END;
    v_active boolean;
    v_verified boolean;
BEGIN
    -- 0058: the bounds first, so a failing call still leaves the transaction bounded
    PERFORM core.bound_app_transaction();
    IF p_user_id IS NULL THEN
        RAISE EXCEPTION 'api.act_as: p_user_id must not be NULL'
            USING ERRCODE = '22004', HINT = 'Pass the core.users id of the signed-in user.';
    END IF;
    -- 0091: the setting read on its own: on Citus core.identity_settings is a reference table, and
    -- a statement joining it with pg_roles is sent through Citus (which reads pg_authid)
    SELECT s.verified INTO v_verified FROM core.identity_settings AS s;
    IF v_verified
       AND NOT (pg_has_role(v_caller, 'assistant_service', 'USAGE') OR pg_has_role(v_caller, 'assistant_owner', 'USAGE')
                OR (SELECT r.rolsuper FROM pg_roles AS r WHERE r.rolname = v_caller)) THEN
        RAISE EXCEPTION 'api.act_as: verified identity is on in this database, so a bare user id is not accepted'
            USING ERRCODE = '28Y06',
                  HINT = 'Name the user with SELECT api.act_as_token($1), $1 being the token the service issued at sign-in.';
    END IF;
    SELECT u.is_active INTO v_active FROM core.users AS u WHERE u.id = p_user_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'api.act_as: user % does not exist', p_user_id
            USING ERRCODE = '28Y03', HINT = 'Pass the id of a core.users row (api.users; sign-up is assistant_service''s).';
    END IF;
    IF NOT v_active THEN
        RAISE EXCEPTION 'api.act_as: user % is inactive', p_user_id
            USING ERRCODE = '28Y04', HINT = 'An inactive user can neither read nor write; assistant_service reactivates it (api.users.is_active).';
    END IF;
    PERFORM set_config('app.user_id', p_user_id::text, true);
    PERFORM set_config('app.user_seal', core.seal_app_user(p_user_id), true);
    PERFORM core.propagate_app_user(p_user_id);  -- 0091: to the workers, on Citus
    RETURN p_user_id;
END;
$$;

COMMENT ON FUNCTION api.act_as(uuid) IS
    'Names the end user the current transaction acts for (app.user_id with a seal, for this transaction only) after checking it exists (28Y03) and is active (28Y04). Refused to applications when verified identity is on (28Y06): they use api.act_as_token.';

REVOKE EXECUTE ON FUNCTION api.act_as(uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION api.act_as(uuid) TO assistant_app, assistant_service, assistant_personal_reader;
