-- api.truncate_conversation_after(conversation, message, message_created_at): delete what came
-- after a message, and make it the end of the conversation. Linear conversation: every message
-- written after it ((created_at, id) order). Branched: every descendant of it, on every branch
-- (children by the parent index, level by level), summaries included; the message becomes the
-- current leaf. Returns the number of messages deleted. The message itself stays.
CREATE OR REPLACE FUNCTION api.truncate_conversation_after(
    p_conversation_id uuid, p_message_id uuid, p_message_created_at timestamptz DEFAULT NULL)
RETURNS bigint
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_user uuid := core.require_user_id();
    v_leaf uuid;
    v_msg core.messages;
    v_n bigint;
BEGIN
    SELECT c.current_leaf_id INTO v_leaf FROM core.conversations AS c
     WHERE c.user_id = v_user AND c.id = p_conversation_id FOR NO KEY UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'api.truncate_conversation_after: conversation % not found', coalesce(p_conversation_id::text, 'NULL')
            USING ERRCODE = 'P0002', HINT = 'Pass the id of one of the conversations of the user named by api.act_as (api.conversations).';
    END IF;
    v_msg := core.find_message(v_user, p_conversation_id, p_message_id, p_message_created_at);
    IF v_msg.kind <> 'message' THEN
        RAISE EXCEPTION 'api.truncate_conversation_after: message % is a summary', p_message_id
            USING ERRCODE = '22023', HINT = 'Truncate after a message of a branch.';
    END IF;
    IF v_leaf IS NULL THEN
        DELETE FROM core.messages AS m
         WHERE m.user_id = v_user AND m.conversation_id = p_conversation_id
           AND m.created_at >= v_msg.created_at AND (m.created_at, m.id) > (v_msg.created_at, v_msg.id);
        GET DIAGNOSTICS v_n = ROW_COUNT;
        RETURN v_n;
    END IF;
    WITH RECURSIVE below AS (
        SELECT m.created_at, m.id FROM core.messages AS m
         WHERE m.user_id = v_user AND m.conversation_id = p_conversation_id
           AND m.parent_id = v_msg.id AND m.parent_created_at = v_msg.created_at
        UNION
        SELECT m.created_at, m.id FROM below AS b
          JOIN core.messages AS m
            ON m.user_id = v_user AND m.conversation_id = p_conversation_id
           AND m.parent_id = b.id AND m.parent_created_at = b.created_at
    )
    DELETE FROM core.messages AS m
     USING below AS b
     WHERE m.user_id = v_user AND m.conversation_id = p_conversation_id
       AND m.created_at = b.created_at AND m.id = b.id;
    GET DIAGNOSTICS v_n = ROW_COUNT;
    UPDATE core.conversations AS c
       SET current_leaf_id = v_msg.id, current_leaf_created_at = v_msg.created_at
     WHERE c.user_id = v_user AND c.id = p_conversation_id;
    RETURN v_n;
END;
$$;
COMMENT ON FUNCTION api.truncate_conversation_after(uuid, uuid, timestamptz) IS
    'Deletes what came after a message (linear: every later message; branched: every descendant on every branch) and makes it the current leaf; returns how many were deleted. P0002 for a message or conversation the user does not have.';
REVOKE EXECUTE ON FUNCTION api.truncate_conversation_after(uuid, uuid, timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION api.truncate_conversation_after(uuid, uuid, timestamptz) TO assistant_app, assistant_service;
