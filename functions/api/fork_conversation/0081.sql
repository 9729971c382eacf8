-- api.fork_conversation(conversation, message, message_created_at, name): a new conversation of
-- the same user holding a copy of the branch from its root to the message (the current branch up
-- to it; in a linear conversation every message up to it), in order. A copy rather than a
-- reference with copy-on-write: history of the fork stays one index scan of its own rows, erasure
-- and retention of either conversation never reach the other, and the cost is paid once, by the
-- fork (one INSERT ... SELECT of the branch, measured in bench/RESULTS.md). The copies keep role,
-- content, parts, metadata and the other columns; they are dated when copied (order of writing,
-- 0023), and metadata.forked_from names the original of each. Returns the new conversation's id.
CREATE OR REPLACE FUNCTION api.fork_conversation(
    p_conversation_id uuid, p_message_id uuid, p_message_created_at timestamptz DEFAULT NULL,
    p_name text DEFAULT NULL)
RETURNS uuid
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_user uuid := core.require_user_id();
    v_conv core.conversations;
    v_msg core.messages;
    v_new uuid;
BEGIN
    SELECT c.* INTO v_conv FROM core.conversations AS c WHERE c.user_id = v_user AND c.id = p_conversation_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'api.fork_conversation: conversation % not found', coalesce(p_conversation_id::text, 'NULL')
            USING ERRCODE = 'P0002', HINT = 'Pass the id of one of the conversations of the user named by api.act_as (api.conversations).';
    END IF;
    IF p_name IS NOT NULL AND (NOT util.has_visible_text(p_name) OR length(p_name) > 200) THEN
        RAISE EXCEPTION 'api.fork_conversation: p_name must hold a visible character and at most 200 characters'
            USING ERRCODE = '22023', HINT = 'Pass NULL to name the fork after the original.';
    END IF;
    v_msg := core.find_message(v_user, p_conversation_id, p_message_id, p_message_created_at);
    IF v_msg.kind <> 'message' THEN
        RAISE EXCEPTION 'api.fork_conversation: message % is a summary', p_message_id
            USING ERRCODE = '22023', HINT = 'Fork at a message of a branch.';
    END IF;
    INSERT INTO core.conversations (user_id, name, agents, metadata)
    VALUES (v_user, coalesce(p_name, left(coalesce(v_conv.name, 'conversation') || ' (fork)', 200)), v_conv.agents,
            v_conv.metadata || jsonb_build_object('forked_from', jsonb_build_object(
                'conversation_id', v_conv.id, 'message_id', v_msg.id, 'message_created_at', v_msg.created_at)))
    RETURNING id INTO v_new;

    IF v_conv.current_leaf_id IS NULL THEN
        INSERT INTO core.messages (user_id, conversation_id, role, content, parts, latency_ms, intent, confidence,
                                   rag_context, audio_duration_ms, transcription_model, agent, metadata)
        SELECT v_user, v_new, m.role, m.content, m.parts, m.latency_ms, m.intent, m.confidence, m.rag_context,
               m.audio_duration_ms, m.transcription_model, m.agent,
               m.metadata || jsonb_build_object('forked_from', m.id)
          FROM core.messages AS m
         WHERE m.user_id = v_user AND m.conversation_id = p_conversation_id
           AND (m.created_at, m.id) <= (v_msg.created_at, v_msg.id) AND m.kind = 'message'
         ORDER BY m.created_at, m.id;
    ELSE
        INSERT INTO core.messages (user_id, conversation_id, role, content, parts, latency_ms, intent, confidence,
                                   rag_context, audio_duration_ms, transcription_model, agent, metadata)
        WITH RECURSIVE walk AS (
            SELECT m.*, 0 AS depth FROM core.messages AS m
             WHERE m.user_id = v_user AND m.conversation_id = p_conversation_id
               AND m.created_at = v_msg.created_at AND m.id = v_msg.id
            UNION ALL
            SELECT m.*, w.depth + 1 FROM walk AS w
              JOIN core.messages AS m
                ON m.user_id = v_user AND m.conversation_id = p_conversation_id
               AND m.created_at = w.parent_created_at AND m.id = w.parent_id
        )
        SELECT v_user, v_new, w.role, w.content, w.parts, w.latency_ms, w.intent, w.confidence, w.rag_context,
               w.audio_duration_ms, w.transcription_model, w.agent,
               w.metadata || jsonb_build_object('forked_from', w.id)
          FROM walk AS w
         ORDER BY w.depth DESC;
    END IF;
    RETURN v_new;
END;
$$;
COMMENT ON FUNCTION api.fork_conversation(uuid, uuid, timestamptz, text) IS
    'A new conversation with a copy of the branch from its root up to the message (a linear conversation: every message up to it), in order; metadata.forked_from names the originals. Returns its id. P0002 for a message or conversation the user does not have, 22023 for a bad name or a summary.';
REVOKE EXECUTE ON FUNCTION api.fork_conversation(uuid, uuid, timestamptz, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION api.fork_conversation(uuid, uuid, timestamptz, text) TO assistant_app, assistant_service;
