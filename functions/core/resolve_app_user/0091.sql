-- core.resolve_app_user(raise): the user the current transaction acts for, as named by
-- api.act_as / api.act_as_token (app.user_id with its seal app.user_seal), or NULL when none is.
-- With p_raise, a malformed id (22P02) and an id without a valid seal (28Y02) are errors; without,
-- they give NULL (the audit trigger records who acted, and must not fail the write it audits).
--
-- Why a seal: app.user_id is a setting any session may SET. Set for the session instead of the
-- transaction, it survived COMMIT, and a pooled connection went on acting as the previous user.
-- Only api.act_as (once per transaction, checking the user exists and is active; with verified
-- identity on, only from a signed token) writes a seal that matches this transaction.
-- 0091 (Citus): on a worker, app.user_id comes with app.user_worker_seal (core.worker_seal_app_user)
-- instead, which the worker can check; see core.propagate_app_user.
CREATE OR REPLACE FUNCTION core.resolve_app_user(p_raise boolean)
RETURNS uuid
LANGUAGE plpgsql
STABLE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_setting text := nullif(btrim(current_setting('app.user_id', true)), '');
    v_user uuid;
BEGIN
    IF v_setting IS NULL THEN
        RETURN NULL;
    END IF;
    -- a pattern rather than an EXCEPTION block, which would cost a subtransaction
    IF v_setting !~* '^\{?[0-9a-f]{8}-?([0-9a-f]{4}-?){3}[0-9a-f]{12}\}?$' THEN
        IF p_raise THEN
            RAISE EXCEPTION 'app.user_id is not a valid uuid: %', left(v_setting, 100)
                USING ERRCODE = '22P02',
                      HINT = 'Name the user with SELECT api.act_as($1) at the start of the transaction, $1 being a core.users id.';
        END IF;
        RETURN NULL;
    END IF;
    v_user := v_setting::uuid;
    IF current_setting('app.user_seal', true) IS DISTINCT FROM core.seal_app_user(v_user)
       -- 0091: on a Citus worker, the seal api.act_as sent with the user (core.propagate_app_user);
       -- never set without Citus, so plain PostgreSQL stops at the first test
       AND (current_setting('app.user_worker_seal', true) IS NULL
            OR current_setting('app.user_worker_seal', true) IS DISTINCT FROM core.worker_seal_app_user(v_user)) THEN
        IF p_raise THEN
            RAISE EXCEPTION 'app.user_id % was not named by api.act_as in this transaction', v_user
                USING ERRCODE = '28Y02',
                      HINT = 'Call SELECT api.act_as($1) (or api.act_as_token($1)) at the start of every transaction. A session-level SET app.user_id is refused: a pooled connection would carry it into the next transaction.';
        END IF;
        RETURN NULL;
    END IF;
    RETURN v_user;
END;
$$;

COMMENT ON FUNCTION core.resolve_app_user(boolean) IS
    'The user named for this transaction by api.act_as (app.user_id with a matching app.user_seal), NULL when none; with p_raise, 22P02 for a malformed id and 28Y02 for an id set without api.act_as in this transaction.';

-- called by core.current_user_id, core.require_user_id and ops.tg__audit (all owned by the owner)
REVOKE EXECUTE ON FUNCTION core.resolve_app_user(boolean) FROM PUBLIC;
