-- api.add_memory(content, tier, importance, source conversation, expires_at, metadata): remember a
-- fact for the acting user and return it (api.memories). tier is text (a api.memory_tier label,
-- default short_term); expires_at defaults to the tier's lifetime (core.tg_memories__set_expires_at).
-- Write API (0060); see api.start_conversation.
-- 0080: the enum types it names live in api (apps may name them).
CREATE OR REPLACE FUNCTION api.add_memory(p_content text, p_tier text DEFAULT 'short_term', p_importance double precision DEFAULT 0.5,
                                          p_source_conversation_id uuid DEFAULT NULL,
                                          p_expires_at timestamptz DEFAULT NULL, p_metadata jsonb DEFAULT '{}')
RETURNS api.memories
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_user uuid := core.require_user_id();
    v_tier api.memory_tier := core.require_enum_label('api.memory_tier', p_tier, 'api.add_memory', 'p_tier');
    v_row api.memories;
BEGIN
    IF p_source_conversation_id IS NOT NULL THEN
        PERFORM core.require_own_conversation(v_user, p_source_conversation_id, 'api.add_memory', 'p_source_conversation_id');
    END IF;
    INSERT INTO core.memories (user_id, tier, content, importance, expires_at, source_conversation_id, metadata)
    VALUES (v_user, v_tier, p_content, coalesce(p_importance, 0.5), p_expires_at, p_source_conversation_id,
            coalesce(p_metadata, '{}'))
    RETURNING user_id, id, tier, content, importance, expires_at, last_accessed_at, access_count,
              source_conversation_id, metadata, created_at, updated_at
         INTO v_row;
    RETURN v_row;
END;
$$;

COMMENT ON FUNCTION api.add_memory(text, text, double precision, uuid, timestamptz, jsonb) IS
    'Write API: remembers a fact for the user named by api.act_as and returns it (api.memories). p_tier: a api.memory_tier label as text (22P02 otherwise); expires_at defaults to the tier''s lifetime; P0002 for a source conversation not the user''s.';

REVOKE EXECUTE ON FUNCTION api.add_memory(text, text, double precision, uuid, timestamptz, jsonb) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION api.add_memory(text, text, double precision, uuid, timestamptz, jsonb) TO assistant_app, assistant_service;
