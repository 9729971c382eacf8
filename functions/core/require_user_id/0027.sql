-- core.require_user_id(): the default of every user_id column: the user named for the transaction,
-- or a clear error when none is (before, an INSERT without a named user failed with row-level
-- security's own message and no hint). SECURITY DEFINER: column defaults run with the inserting
-- role's rights, and application roles may not name schema core.
CREATE OR REPLACE FUNCTION core.require_user_id()
RETURNS uuid
LANGUAGE plpgsql
STABLE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_user uuid := core.resolve_app_user(true);
BEGIN
    IF v_user IS NULL THEN
        RAISE EXCEPTION 'no user is named for this transaction, so user_id has no default'
            USING ERRCODE = '28Y01',
                  HINT = 'Start the transaction with SELECT api.act_as($1) (the signed-in user''s id), or pass user_id explicitly (assistant_service).';
    END IF;
    RETURN v_user;
END;
$$;

COMMENT ON FUNCTION core.require_user_id() IS
    'Default of every user_id column: the user named by api.act_as for this transaction; 28Y01 with a hint when none is.';

REVOKE EXECUTE ON FUNCTION core.require_user_id() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION core.require_user_id() TO assistant_app, assistant_service;
