-- api.rename_conversation(conversation, name): set (or, with NULL, clear) the title of one of the
-- acting user's conversations and return it. Write API (0060); see api.start_conversation.
CREATE OR REPLACE FUNCTION api.rename_conversation(p_conversation_id uuid, p_name text)
RETURNS api.conversations
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_user uuid := core.require_user_id();
    v_row api.conversations;
BEGIN
    PERFORM core.require_own_conversation(v_user, p_conversation_id, 'api.rename_conversation', 'p_conversation_id');
    UPDATE core.conversations AS c SET name = p_name
     WHERE c.user_id = v_user AND c.id = p_conversation_id;
    SELECT c.* INTO v_row FROM api.conversations AS c WHERE c.user_id = v_user AND c.id = p_conversation_id;
    RETURN v_row;
END;
$$;

COMMENT ON FUNCTION api.rename_conversation(uuid, text) IS
    'Write API: renames one of the acting user''s conversations (NULL: untitled) and returns it. P0002 for a conversation not the user''s; 23514 for a blank or over-200-character name.';

REVOKE EXECUTE ON FUNCTION api.rename_conversation(uuid, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION api.rename_conversation(uuid, text) TO assistant_app, assistant_service;
