-- api.add_summary(conversation, through_message, content, through_created_at, metadata): store a
-- summary that stands for a message and every message before it on its branch. It is a child of
-- that message with kind summary and role system: never on a branch itself, never the current
-- leaf; the covered messages stay (api.conversation_history still returns them). A linear
-- conversation becomes a tree first. Returns the summary's id and created_at.
CREATE OR REPLACE FUNCTION api.add_summary(
    p_conversation_id uuid, p_through_message_id uuid, p_content text,
    p_through_created_at timestamptz DEFAULT NULL, p_metadata jsonb DEFAULT '{}',
    OUT id uuid, OUT created_at timestamptz)
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_user uuid := core.require_user_id();
    v_msg core.messages;
BEGIN
    IF p_content IS NULL OR NOT util.has_visible_text(p_content) OR length(p_content) > 100000 THEN
        RAISE EXCEPTION 'api.add_summary: p_content must hold a visible character and at most 100,000 characters'
            USING ERRCODE = '22023', HINT = 'Pass the text of the summary.';
    END IF;
    IF p_metadata IS NULL OR jsonb_typeof(p_metadata) <> 'object' OR octet_length(p_metadata::text) > 65536 THEN
        RAISE EXCEPTION 'api.add_summary: p_metadata must be a JSON object of at most 64 KiB'
            USING ERRCODE = '22023', HINT = 'Pass ''{}'' when there is nothing to add (a model name, a token count).';
    END IF;
    PERFORM core.enter_branch_mode(v_user, p_conversation_id);
    v_msg := core.find_message(v_user, p_conversation_id, p_through_message_id, p_through_created_at);
    IF v_msg.kind <> 'message' THEN
        RAISE EXCEPTION 'api.add_summary: message % is itself a summary', p_through_message_id
            USING ERRCODE = '22023', HINT = 'Summarise through a message of the branch; a newer summary may repeat an older one.';
    END IF;
    PERFORM set_config('assistant_db.branch_insert', 'explicit', true);
    INSERT INTO core.messages (user_id, conversation_id, role, content, metadata, kind, parent_id, parent_created_at)
    VALUES (v_user, p_conversation_id, 'system', p_content, p_metadata, 'summary', v_msg.id, v_msg.created_at)
    RETURNING messages.id, messages.created_at INTO id, created_at;
    PERFORM set_config('assistant_db.branch_insert', '', true);
END;
$$;
COMMENT ON FUNCTION api.add_summary(uuid, uuid, text, timestamptz, jsonb) IS
    'Stores a summary standing for a message and everything before it on its branch (kind summary, role system, a child of that message); the covered messages stay readable. Returns (id, created_at). 22023 for bad text or metadata, P0002 for a message or conversation the user does not have.';
REVOKE EXECUTE ON FUNCTION api.add_summary(uuid, uuid, text, timestamptz, jsonb) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION api.add_summary(uuid, uuid, text, timestamptz, jsonb) TO assistant_app, assistant_service;
