-- api.add_action(conversation, type, name, parameters, message_created_at, message_id): record an
-- action (status pending) asked for in one of the acting user's conversations and return it
-- (api.actions). type is text (a api.action_type label). The message, when given, is checked by
-- core.tg_actions__check_message. Write API (0060); see api.start_conversation.
-- 0080: the enum types it names live in api (apps may name them).
CREATE OR REPLACE FUNCTION api.add_action(p_conversation_id uuid, p_type text, p_name text,
                                          p_parameters jsonb DEFAULT '{}', p_message_created_at timestamptz DEFAULT NULL,
                                          p_message_id uuid DEFAULT NULL)
RETURNS api.actions
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_user uuid := core.require_user_id();
    v_type api.action_type := core.require_enum_label('api.action_type', p_type, 'api.add_action', 'p_type');
    v_row api.actions;
BEGIN
    PERFORM core.require_own_conversation(v_user, p_conversation_id, 'api.add_action', 'p_conversation_id');
    INSERT INTO core.actions (user_id, conversation_id, message_created_at, message_id, type, name, parameters)
    VALUES (v_user, p_conversation_id, p_message_created_at, p_message_id, v_type, p_name, coalesce(p_parameters, '{}'))
    RETURNING user_id, id, conversation_id, message_created_at, message_id, type, name, parameters, status, result,
              error_message, executed_at, created_at, updated_at
         INTO v_row;
    RETURN v_row;
END;
$$;

COMMENT ON FUNCTION api.add_action(uuid, text, text, jsonb, timestamptz, uuid) IS
    'Write API: records a pending action in one of the acting user''s conversations and returns it (api.actions). p_type: a api.action_type label as text (22P02 otherwise); P0002 for a conversation not the user''s.';

REVOKE EXECUTE ON FUNCTION api.add_action(uuid, text, text, jsonb, timestamptz, uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION api.add_action(uuid, text, text, jsonb, timestamptz, uuid) TO assistant_app, assistant_service;
