-- core.add_sibling(function, user, conversation, message, created_at, role, content, metadata):
-- the work of api.edit_message and api.regenerate_message. The conversation becomes a tree if it
-- was linear; a new message with the same parent as the given one (a sibling: the old branch is
-- kept) is written and becomes the current leaf. p_function names the caller in errors.
CREATE OR REPLACE FUNCTION core.add_sibling(
    p_function text, p_user_id uuid, p_conversation_id uuid, p_message_id uuid, p_message_created_at timestamptz,
    p_role api.message_role, p_content text, p_metadata jsonb,
    OUT id uuid, OUT created_at timestamptz)
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_orig core.messages;
BEGIN
    IF p_content IS NULL OR NOT util.has_visible_text(p_content) THEN
        RAISE EXCEPTION '%: p_content must hold a visible character', p_function
            USING ERRCODE = '22023', HINT = 'Pass the new text of the message.';
    END IF;
    IF length(p_content) > 100000 THEN
        RAISE EXCEPTION '%: p_content is % characters, more than 100,000', p_function, length(p_content)
            USING ERRCODE = '22023', HINT = 'Split the text or store it elsewhere and pass a reference.';
    END IF;
    IF p_metadata IS NULL OR jsonb_typeof(p_metadata) <> 'object' OR octet_length(p_metadata::text) > 65536 THEN
        RAISE EXCEPTION '%: p_metadata must be a JSON object of at most 64 KiB', p_function
            USING ERRCODE = '22023', HINT = 'Pass ''{}'' when there is nothing to add.';
    END IF;
    PERFORM core.enter_branch_mode(p_user_id, p_conversation_id);
    v_orig := core.find_message(p_user_id, p_conversation_id, p_message_id, p_message_created_at);
    IF v_orig.kind <> 'message' OR v_orig.role <> p_role THEN
        RAISE EXCEPTION '%: message % is a % %, not a % message', p_function, p_message_id, v_orig.role, v_orig.kind, p_role
            USING ERRCODE = '22023',
                  HINT = 'api.edit_message takes a user message, api.regenerate_message an assistant message.';
    END IF;
    PERFORM set_config('assistant_db.branch_insert', 'explicit', true);
    INSERT INTO core.messages (user_id, conversation_id, role, content, metadata, agent, parent_id, parent_created_at)
    VALUES (p_user_id, p_conversation_id, p_role, p_content,
            p_metadata || jsonb_build_object('branched_from', v_orig.id),
            CASE WHEN p_role = 'assistant' THEN v_orig.agent END,
            v_orig.parent_id, v_orig.parent_created_at)
    RETURNING messages.id, messages.created_at INTO id, created_at;
    PERFORM set_config('assistant_db.branch_insert', '', true);
END;
$$;
COMMENT ON FUNCTION core.add_sibling(text, uuid, uuid, uuid, timestamptz, api.message_role, text, jsonb) IS
    'Writes a sibling of a message (same parent, metadata.branched_from = its id) that becomes the current leaf; the work of api.edit_message and api.regenerate_message.';
REVOKE EXECUTE ON FUNCTION core.add_sibling(text, uuid, uuid, uuid, timestamptz, api.message_role, text, jsonb) FROM PUBLIC;
