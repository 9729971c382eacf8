-- api.add_message(conversation, role, content, ...): add one message to one of the acting user's
-- conversations and return it (api.messages). role is text (one of api.message_role's labels:
-- 22P02 naming p_role otherwise). created_at defaults to clock_timestamp() as the table's does;
-- a caller-chosen created_at is bounded by the messages trigger (22Y08). The counters of the
-- conversation are kept by that trigger. Write API (0060); see api.start_conversation.
-- 0080: the enum types it names live in api (apps may name them).
CREATE OR REPLACE FUNCTION api.add_message(p_conversation_id uuid, p_role text, p_content text,
                                           p_parts jsonb DEFAULT NULL, p_metadata jsonb DEFAULT '{}',
                                           p_agent text DEFAULT NULL, p_intent text DEFAULT NULL,
                                           p_confidence double precision DEFAULT NULL, p_latency_ms integer DEFAULT NULL,
                                           p_rag_context jsonb DEFAULT NULL, p_audio_duration_ms integer DEFAULT NULL,
                                           p_transcription_model text DEFAULT NULL,
                                           p_created_at timestamptz DEFAULT NULL)
RETURNS api.messages
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_user uuid := core.require_user_id();
    v_role api.message_role := core.require_enum_label('api.message_role', p_role, 'api.add_message', 'p_role');
    -- computed here, not in the INSERT: Citus refuses non-immutable functions inside COALESCE
    v_created_at timestamptz := coalesce(p_created_at, clock_timestamp());
    v_row api.messages;
BEGIN
    PERFORM core.require_own_conversation(v_user, p_conversation_id, 'api.add_message', 'p_conversation_id');
    INSERT INTO core.messages (user_id, conversation_id, created_at, role, content, parts, latency_ms, intent,
                               confidence, rag_context, audio_duration_ms, transcription_model, agent, metadata)
    VALUES (v_user, p_conversation_id, v_created_at, v_role, p_content, p_parts,
            p_latency_ms, p_intent, p_confidence, p_rag_context, p_audio_duration_ms, p_transcription_model, p_agent,
            coalesce(p_metadata, '{}'))
    RETURNING user_id, conversation_id, created_at, id, role, content, parts, latency_ms, intent, confidence,
              rag_context, audio_duration_ms, transcription_model, agent, metadata
         INTO v_row;
    RETURN v_row;
END;
$$;

COMMENT ON FUNCTION api.add_message(uuid, text, text, jsonb, jsonb, text, text, double precision, integer, jsonb, integer, text, timestamptz) IS
    'Write API: adds one message to one of the acting user''s conversations and returns it (api.messages). p_role: a api.message_role label as text (22P02 otherwise); P0002 for a conversation not the user''s; the table''s bounds apply (23514, 22Y08).';

REVOKE EXECUTE ON FUNCTION api.add_message(uuid, text, text, jsonb, jsonb, text, text, double precision, integer, jsonb, integer, text, timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION api.add_message(uuid, text, text, jsonb, jsonb, text, text, double precision, integer, jsonb, integer, text, timestamptz)
    TO assistant_app, assistant_service;
