-- api.edit_message(conversation, message, content, message_created_at, metadata): Edit a user message: a new user message with the same parent becomes the current leaf; the edited message and the answers after it stay, on their own branch (api.message_siblings lists both).
-- Returns the new message's id and created_at (the cursor of its history). Give
-- p_message_created_at (api.conversation_history returns it) for a one-probe lookup.
CREATE OR REPLACE FUNCTION api.edit_message(
    p_conversation_id uuid, p_message_id uuid, p_content text,
    p_message_created_at timestamptz DEFAULT NULL, p_metadata jsonb DEFAULT '{}',
    OUT id uuid, OUT created_at timestamptz)
LANGUAGE sql
VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT s.id, s.created_at
      FROM core.add_sibling('api.edit_message', core.require_user_id(), p_conversation_id, p_message_id,
                            p_message_created_at, 'user', p_content, p_metadata) AS s;
$$;
COMMENT ON FUNCTION api.edit_message(uuid, uuid, text, timestamptz, jsonb) IS
    'Edit a user message: a new user message with the same parent becomes the current leaf; the edited message and the answers after it stay, on their own branch (api.message_siblings lists both). Returns (id, created_at) of the new message. 22023 for empty or oversized text, bad metadata or a message that is not a user message; P0002 for a message or conversation the user does not have; 28Y01 with no api.act_as.';
REVOKE EXECUTE ON FUNCTION api.edit_message(uuid, uuid, text, timestamptz, jsonb) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION api.edit_message(uuid, uuid, text, timestamptz, jsonb) TO assistant_app, assistant_service;
