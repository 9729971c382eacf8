-- api.add_reminder(title, scheduled_at, description, conversation, metadata): schedule a reminder
-- (status pending) for the acting user and return it (api.reminders). Write API (0060); see
-- api.start_conversation.
CREATE OR REPLACE FUNCTION api.add_reminder(p_title text, p_scheduled_at timestamptz, p_description text DEFAULT NULL,
                                            p_conversation_id uuid DEFAULT NULL, p_metadata jsonb DEFAULT '{}')
RETURNS api.reminders
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_user uuid := core.require_user_id();
    v_row api.reminders;
BEGIN
    IF p_scheduled_at IS NULL THEN
        RAISE EXCEPTION 'api.add_reminder: p_scheduled_at must not be NULL'
            USING ERRCODE = '22004', HINT = 'Pass when the reminder is due (timestamptz).';
    END IF;
    IF p_conversation_id IS NOT NULL THEN
        PERFORM core.require_own_conversation(v_user, p_conversation_id, 'api.add_reminder', 'p_conversation_id');
    END IF;
    INSERT INTO core.reminders (user_id, conversation_id, title, description, scheduled_at, metadata)
    VALUES (v_user, p_conversation_id, p_title, p_description, p_scheduled_at, coalesce(p_metadata, '{}'))
    RETURNING user_id, id, conversation_id, title, description, scheduled_at, status, triggered_at, metadata,
              created_at, updated_at
         INTO v_row;
    RETURN v_row;
END;
$$;

COMMENT ON FUNCTION api.add_reminder(text, timestamptz, text, uuid, jsonb) IS
    'Write API: schedules a pending reminder for the user named by api.act_as and returns it (api.reminders). 22004 for a NULL p_scheduled_at; P0002 for a conversation not the user''s.';

REVOKE EXECUTE ON FUNCTION api.add_reminder(text, timestamptz, text, uuid, jsonb) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION api.add_reminder(text, timestamptz, text, uuid, jsonb) TO assistant_app, assistant_service;
