-- api.message_siblings(conversation, message, message_created_at): the versions of a message
-- (itself and the other children of its parent: edits of a question, regenerated answers), oldest
-- first, with their position (1-based) and count, for a UI's "< 2/3 >". An index range scan on
-- (user_id, conversation_id, parent_id). In a linear conversation a message has no siblings.
CREATE OR REPLACE FUNCTION api.message_siblings(
    p_conversation_id uuid, p_message_id uuid, p_message_created_at timestamptz DEFAULT NULL)
RETURNS TABLE (id uuid, created_at timestamptz, role api.message_role, content text, metadata jsonb,
               ordinal integer, sibling_count integer, is_given boolean)
LANGUAGE plpgsql
STABLE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    v_user uuid := core.require_user_id();
    v_msg core.messages;
    v_branched boolean;
BEGIN
    SELECT c.current_leaf_id IS NOT NULL INTO v_branched
      FROM core.conversations AS c WHERE c.user_id = v_user AND c.id = p_conversation_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'api.message_siblings: conversation % not found', coalesce(p_conversation_id::text, 'NULL')
            USING ERRCODE = 'P0002', HINT = 'Pass the id of one of the conversations of the user named by api.act_as (api.conversations).';
    END IF;
    v_msg := core.find_message(v_user, p_conversation_id, p_message_id, p_message_created_at);
    IF NOT v_branched THEN
        RETURN QUERY SELECT v_msg.id, v_msg.created_at, v_msg.role, v_msg.content, v_msg.metadata, 1, 1, true;
        RETURN;
    END IF;
    RETURN QUERY
    SELECT m.id, m.created_at, m.role, m.content, m.metadata,
           (row_number() OVER (ORDER BY m.created_at, m.id))::integer,
           (count(*) OVER ())::integer,
           m.id = v_msg.id
      FROM core.messages AS m
     WHERE m.user_id = v_user AND m.conversation_id = p_conversation_id
       -- two index conditions rather than IS NOT DISTINCT FROM, which no index serves
       AND ((v_msg.parent_id IS NULL AND m.parent_id IS NULL)
            OR (m.parent_id = v_msg.parent_id AND m.parent_created_at = v_msg.parent_created_at))
       AND m.kind = 'message'
     ORDER BY m.created_at, m.id;
END;
$$;
COMMENT ON FUNCTION api.message_siblings(uuid, uuid, timestamptz) IS
    'The versions of a message (the children of its parent: edits, regenerated answers), oldest first, with ordinal and sibling_count; is_given marks the message asked about. P0002 for a message or conversation the user does not have.';
REVOKE EXECUTE ON FUNCTION api.message_siblings(uuid, uuid, timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION api.message_siblings(uuid, uuid, timestamptz) TO assistant_app, assistant_readonly, assistant_service;
