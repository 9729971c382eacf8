-- api.prune_conversation(conversation, keep_latest, keep_days): keep only the latest N messages
-- and/or the last D days of a conversation, now (api.set_conversation_retention makes it a rule
-- that maintenance applies). Counts are of all messages, every branch.
CREATE OR REPLACE FUNCTION api.prune_conversation(
    p_conversation_id uuid, p_keep_latest integer DEFAULT NULL, p_keep_days integer DEFAULT NULL)
RETURNS bigint
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_user uuid := core.require_user_id();
BEGIN
    IF p_keep_latest IS NULL AND p_keep_days IS NULL THEN
        RAISE EXCEPTION 'api.prune_conversation: give p_keep_latest or p_keep_days'
            USING ERRCODE = '22023', HINT = 'p_keep_latest => 100 keeps the latest 100 messages; p_keep_days => 30 the last 30 days.';
    END IF;
    IF p_keep_latest NOT BETWEEN 1 AND 1000000 THEN
        RAISE EXCEPTION 'api.prune_conversation: p_keep_latest must be between 1 and 1000000, not %', p_keep_latest
            USING ERRCODE = '22023', HINT = 'To delete every message, delete the conversation (api.conversations).';
    END IF;
    IF p_keep_days NOT BETWEEN 1 AND 36500 THEN
        RAISE EXCEPTION 'api.prune_conversation: p_keep_days must be between 1 and 36500, not %', p_keep_days
            USING ERRCODE = '22023', HINT = 'Days are counted back from now.';
    END IF;
    PERFORM FROM core.conversations AS c WHERE c.user_id = v_user AND c.id = p_conversation_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'api.prune_conversation: conversation % not found', coalesce(p_conversation_id::text, 'NULL')
            USING ERRCODE = 'P0002', HINT = 'Pass the id of one of the conversations of the user named by api.act_as (api.conversations).';
    END IF;
    RETURN core.prune_messages(v_user, p_conversation_id, p_keep_latest, p_keep_days);
END;
$$;
COMMENT ON FUNCTION api.prune_conversation(uuid, integer, integer) IS
    'Keeps only the latest N messages (all branches, writing order) and/or the last D days of a conversation; returns how many were deleted. 22023 for missing or out-of-range bounds, P0002 for a conversation the user does not have.';
REVOKE EXECUTE ON FUNCTION api.prune_conversation(uuid, integer, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION api.prune_conversation(uuid, integer, integer) TO assistant_app, assistant_service;
