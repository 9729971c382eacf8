-- Proposal (core): api.conversation_history in PL/pgSQL, bounded to the partitions the page lies in.
-- Measured with: bench/bench.py --apply bench/proposals/conversation_history_plpgsql.sql
--
-- Why: on PostgreSQL 15-17 a LANGUAGE sql function with a BEGIN ATOMIC body is planned again at
-- every call, and its plan covers every partition of core.messages (its bounds are parameters,
-- unknown when planning): planning and executor start-up grow with the number of monthly
-- partitions, that is with the history. PL/pgSQL keeps its plans for the session, and bounds
-- known when the statement starts (plain variables) let the executor prune partitions before it
-- opens them. The newest page is read in the month before the conversation's last message (from
-- conversations.last_message_at, exact); only a page that crosses that month, or the last pages
-- of a long conversation, read the older partitions (with conversations.message_count telling
-- when a short conversation is complete).
--
-- SECURITY DEFINER with the policy's predicate written out, as api.search_messages: the app role
-- cannot name schema core from PL/pgSQL (only a BEGIN ATOMIC body is bound at creation).
CREATE OR REPLACE FUNCTION api.conversation_history(
    p_conversation_id uuid,
    p_before_created_at timestamptz DEFAULT NULL,
    p_before_id uuid DEFAULT NULL,
    p_limit integer DEFAULT 50)
RETURNS TABLE (
    id uuid,
    conversation_id uuid,
    created_at timestamptz,
    role core.message_role,
    content text,
    parts jsonb,
    latency_ms integer,
    intent text,
    confidence real,
    rag_context jsonb,
    audio_duration_ms integer,
    transcription_model text,
    agent text,
    metadata jsonb)
LANGUAGE plpgsql
STABLE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    v_user uuid := core.current_user_id();
    v_last timestamptz;
    v_count bigint;
    v_hi timestamptz;
    v_lo timestamptz;
    v_id uuid;
    v_rows bigint;
BEGIN
    IF p_limit IS NULL OR p_limit NOT BETWEEN 1 AND 500 THEN
        RAISE EXCEPTION 'api.conversation_history: p_limit must be between 1 and 500, not %', coalesce(p_limit::text, 'NULL')
            USING ERRCODE = '22023', HINT = 'Ask for pages of at most 500 messages and follow the cursor for more.';
    END IF;
    IF p_before_id IS NOT NULL AND p_before_created_at IS NULL THEN
        RAISE EXCEPTION 'api.conversation_history: p_before_id was given without p_before_created_at'
            USING ERRCODE = '22023',
                  HINT = 'The cursor is the (created_at, id) of the oldest message of the previous page; pass both, or only created_at.';
    END IF;
    SELECT c.last_message_at, c.message_count INTO v_last, v_count
      FROM core.conversations AS c
     WHERE c.user_id = v_user AND c.id = p_conversation_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'api.conversation_history: conversation % not found', coalesce(p_conversation_id::text, 'NULL')
            USING ERRCODE = 'P0002',
                  HINT = 'Pass the id of one of the conversations of the user named by app.user_id (api.conversations).';
    END IF;
    IF v_last IS NULL THEN
        RETURN;  -- no message yet
    END IF;
    -- the cursor: strictly older than (created_at, id); without an id, strictly before created_at
    v_hi := CASE WHEN p_before_created_at IS NULL OR p_before_created_at > v_last THEN v_last ELSE p_before_created_at END;
    v_id := CASE WHEN p_before_created_at IS NULL OR p_before_created_at > v_last THEN NULL
                 ELSE coalesce(p_before_id, '00000000-0000-0000-0000-000000000000') END;
    v_lo := v_hi - interval '1 month';

    RETURN QUERY
    SELECT m.id, m.conversation_id, m.created_at, m.role, m.content, m.parts, m.latency_ms, m.intent,
           m.confidence, m.rag_context, m.audio_duration_ms, m.transcription_model, m.agent, m.metadata
      FROM core.messages AS m
     WHERE m.user_id = v_user
       AND m.conversation_id = p_conversation_id
       AND m.created_at > v_lo
       AND m.created_at <= v_hi
       AND (v_id IS NULL OR (m.created_at, m.id) < (v_hi, v_id))
     ORDER BY m.created_at DESC, m.id DESC
     LIMIT p_limit;
    GET DIAGNOSTICS v_rows = ROW_COUNT;

    -- the page goes on before that month: only when there is more (a first page holding fewer
    -- rows than the conversation has, or any page after a cursor)
    IF v_rows < p_limit AND (v_id IS NOT NULL OR v_rows < v_count) THEN
        RETURN QUERY
        SELECT m.id, m.conversation_id, m.created_at, m.role, m.content, m.parts, m.latency_ms, m.intent,
               m.confidence, m.rag_context, m.audio_duration_ms, m.transcription_model, m.agent, m.metadata
          FROM core.messages AS m
         WHERE m.user_id = v_user
           AND m.conversation_id = p_conversation_id
           AND m.created_at <= v_lo
         ORDER BY m.created_at DESC, m.id DESC
         LIMIT p_limit - v_rows;
    END IF;
END;
$$;
