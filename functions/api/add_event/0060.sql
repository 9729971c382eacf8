-- api.add_event(type, actor, content, conversation, task, occurred_at): record an event for the
-- acting user and return it (api.events). A task must be one of the user's (P0002 naming
-- p_task_id). Write API (0060); see api.start_conversation.
CREATE OR REPLACE FUNCTION api.add_event(p_type text, p_actor text, p_content jsonb DEFAULT '{}',
                                         p_conversation_id uuid DEFAULT NULL, p_task_id uuid DEFAULT NULL,
                                         p_occurred_at timestamptz DEFAULT NULL)
RETURNS api.events
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_user uuid := core.require_user_id();
    -- computed here, not in the INSERT: Citus refuses non-immutable functions inside COALESCE
    v_occurred_at timestamptz := coalesce(p_occurred_at, now());
    v_row api.events;
BEGIN
    IF p_conversation_id IS NOT NULL THEN
        PERFORM core.require_own_conversation(v_user, p_conversation_id, 'api.add_event', 'p_conversation_id');
    END IF;
    IF p_task_id IS NOT NULL AND NOT EXISTS (SELECT FROM core.tasks AS t WHERE t.user_id = v_user AND t.id = p_task_id) THEN
        RAISE EXCEPTION 'api.add_event: task % (p_task_id) is not one of user %''s tasks', p_task_id, v_user
            USING ERRCODE = 'P0002', HINT = 'Pass the id of a task of the user named by api.act_as (api.tasks), or NULL.';
    END IF;
    INSERT INTO core.events (user_id, conversation_id, task_id, actor, type, content, occurred_at)
    VALUES (v_user, p_conversation_id, p_task_id, p_actor, p_type, coalesce(p_content, '{}'), v_occurred_at)
    RETURNING user_id, id, conversation_id, task_id, actor, type, content, occurred_at
         INTO v_row;
    RETURN v_row;
END;
$$;

COMMENT ON FUNCTION api.add_event(text, text, jsonb, uuid, uuid, timestamptz) IS
    'Write API: records an event (type lower-case dotted, actor, JSON content) for the user named by api.act_as and returns it (api.events). P0002 for a conversation or task not the user''s.';

REVOKE EXECUTE ON FUNCTION api.add_event(text, text, jsonb, uuid, uuid, timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION api.add_event(text, text, jsonb, uuid, uuid, timestamptz) TO assistant_app, assistant_service;
