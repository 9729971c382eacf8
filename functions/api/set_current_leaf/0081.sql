-- api.set_current_leaf(conversation, message, message_created_at): switch branch. The message
-- becomes the current leaf: history now ends there and new messages follow it (a UI's "< 2/3 >"
-- arrows pass the sibling, or the newest message under it, that the user picked).
CREATE OR REPLACE FUNCTION api.set_current_leaf(
    p_conversation_id uuid, p_message_id uuid, p_message_created_at timestamptz DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_user uuid := core.require_user_id();
    v_msg core.messages;
BEGIN
    PERFORM core.enter_branch_mode(v_user, p_conversation_id);
    v_msg := core.find_message(v_user, p_conversation_id, p_message_id, p_message_created_at);
    IF v_msg.kind <> 'message' THEN
        RAISE EXCEPTION 'api.set_current_leaf: message % is a summary, which is never on a branch', p_message_id
            USING ERRCODE = '22023', HINT = 'Pass the id of a message of the branch (api.conversation_history, api.message_siblings).';
    END IF;
    UPDATE core.conversations AS c
       SET current_leaf_id = v_msg.id, current_leaf_created_at = v_msg.created_at
     WHERE c.user_id = v_user AND c.id = p_conversation_id;
END;
$$;
COMMENT ON FUNCTION api.set_current_leaf(uuid, uuid, timestamptz) IS
    'Switches branch: the message becomes the conversation''s current leaf (history ends there, new messages follow it). P0002 for a message or conversation the user does not have, 22023 for a summary.';
REVOKE EXECUTE ON FUNCTION api.set_current_leaf(uuid, uuid, timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION api.set_current_leaf(uuid, uuid, timestamptz) TO assistant_app, assistant_service;
