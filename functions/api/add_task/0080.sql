-- api.add_task(description, conversation, agent, status, metadata): create a task for the acting
-- user and return it (api.tasks). status is text (a api.task_status label, default pending).
-- Write API (0060); see api.start_conversation.
-- 0080: the enum types it names live in api (apps may name them).
CREATE OR REPLACE FUNCTION api.add_task(p_description text, p_conversation_id uuid DEFAULT NULL,
                                        p_agent text DEFAULT NULL, p_status text DEFAULT 'pending',
                                        p_metadata jsonb DEFAULT '{}')
RETURNS api.tasks
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_user uuid := core.require_user_id();
    v_status api.task_status := core.require_enum_label('api.task_status', p_status, 'api.add_task', 'p_status');
    v_row api.tasks;
BEGIN
    IF p_conversation_id IS NOT NULL THEN
        PERFORM core.require_own_conversation(v_user, p_conversation_id, 'api.add_task', 'p_conversation_id');
    END IF;
    INSERT INTO core.tasks (user_id, conversation_id, agent, description, status, metadata)
    VALUES (v_user, p_conversation_id, p_agent, p_description, v_status, coalesce(p_metadata, '{}'))
    RETURNING user_id, id, conversation_id, agent, description, status, result, metadata, created_at, updated_at
         INTO v_row;
    RETURN v_row;
END;
$$;

COMMENT ON FUNCTION api.add_task(text, uuid, text, text, jsonb) IS
    'Write API: creates a task for the user named by api.act_as and returns it (api.tasks). p_status: a api.task_status label as text (22P02 otherwise); P0002 for a conversation not the user''s.';

REVOKE EXECUTE ON FUNCTION api.add_task(text, uuid, text, text, jsonb) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION api.add_task(text, uuid, text, text, jsonb) TO assistant_app, assistant_service;
