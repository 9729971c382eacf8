-- api.set_conversation_retention(conversation, keep_latest, keep_days): the retention of one
-- conversation, applied by maintenance (maint.apply_conversation_retention); NULL, NULL removes it.
CREATE OR REPLACE FUNCTION api.set_conversation_retention(
    p_conversation_id uuid, p_keep_latest integer, p_keep_days integer)
RETURNS void
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_user uuid := core.require_user_id();
BEGIN
    IF p_keep_latest NOT BETWEEN 1 AND 1000000 THEN
        RAISE EXCEPTION 'api.set_conversation_retention: p_keep_latest must be between 1 and 1000000 or NULL, not %', p_keep_latest
            USING ERRCODE = '22023', HINT = 'NULL keeps every message on that count.';
    END IF;
    IF p_keep_days NOT BETWEEN 1 AND 36500 THEN
        RAISE EXCEPTION 'api.set_conversation_retention: p_keep_days must be between 1 and 36500 or NULL, not %', p_keep_days
            USING ERRCODE = '22023', HINT = 'NULL keeps every message on that count.';
    END IF;
    UPDATE core.conversations AS c
       SET keep_latest_messages = p_keep_latest, keep_days = p_keep_days
     WHERE c.user_id = v_user AND c.id = p_conversation_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'api.set_conversation_retention: conversation % not found', coalesce(p_conversation_id::text, 'NULL')
            USING ERRCODE = 'P0002', HINT = 'Pass the id of one of the conversations of the user named by api.act_as (api.conversations).';
    END IF;
END;
$$;
COMMENT ON FUNCTION api.set_conversation_retention(uuid, integer, integer) IS
    'Sets the retention of one conversation (keep the latest N messages and/or the last D days; NULL: no bound), applied by maintenance. 22023 for out-of-range bounds, P0002 for a conversation the user does not have.';
REVOKE EXECUTE ON FUNCTION api.set_conversation_retention(uuid, integer, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION api.set_conversation_retention(uuid, integer, integer) TO assistant_app, assistant_service;
