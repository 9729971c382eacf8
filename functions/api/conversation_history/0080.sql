-- api.conversation_history(conversation, before_created_at, before_id, limit): one page of a
-- conversation's messages, newest first, with keyset pagination: pass the (created_at, id) of
-- the last (oldest) row of a page to get the next one. No OFFSET, so page 1,000 costs what page 1
-- costs: the row comparison is an index condition on the primary key
-- (user_id, conversation_id, created_at, id), scanned backward, and LIMIT stops it early.
--
-- Flat as history grows: the conversation's first_message_at and last_message_at (kept by the
-- messages trigger, with its pending deltas) bound created_at, so partition pruning leaves only
-- the partitions the conversation has messages in (and the default partition only when the
-- bounds leave it a share), not every month of every user's history.
-- Order: (created_at, id) is the order of writing (0023): newest first here.
-- Every message comes back whatever its timestamp: without a cursor there is no row comparison
-- (a cursor of ('infinity', 0) used to hide messages dated infinity).
--
-- PL/pgSQL, SECURITY DEFINER, with the row-level security predicate written out (user_id =
-- core.current_user_id(), exactly the policy's) on both tables it reads:
--   * its statements' plans are cached for the session (a SQL function's are re-planned at
--     every call before PostgreSQL 18), which is most of a page's cost;
--   * as the owner, no policy applies, so every qual may be an index condition (under a policy
--     only those the planner knows to be leakproof may).
-- It reads nothing but rows of core.current_user_id().
-- 0080: the enum types it names live in api (apps may name them).
CREATE OR REPLACE FUNCTION api.conversation_history(
    p_conversation_id uuid,
    p_before_created_at timestamptz DEFAULT NULL,
    p_before_id uuid DEFAULT NULL,
    p_limit integer DEFAULT 50)
RETURNS TABLE (
    id uuid,
    conversation_id uuid,
    created_at timestamptz,
    role api.message_role,
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
    v_first timestamptz;
    v_last timestamptz;
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

    SELECT least(c.first_message_at, d.first_at), greatest(c.last_message_at, d.last_at)
      INTO v_first, v_last
      FROM core.conversations AS c
      LEFT JOIN LATERAL (
            SELECT min(x.first_message_at) AS first_at, max(x.last_message_at) AS last_at
              FROM core.conversation_message_deltas AS x
             WHERE x.user_id = c.user_id AND x.conversation_id = c.id) AS d ON true
     WHERE c.user_id = v_user
       AND c.id = p_conversation_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'api.conversation_history: conversation % not found', coalesce(p_conversation_id::text, 'NULL')
            USING ERRCODE = 'P0002',
                  HINT = 'Pass the id of one of the conversations of the user named by app.user_id (api.conversations).';
    END IF;
    IF v_first IS NULL THEN
        RETURN;  -- no message yet
    END IF;

    IF p_before_created_at IS NULL THEN
        RETURN QUERY
        SELECT m.id, m.conversation_id, m.created_at, m.role, m.content, m.parts, m.latency_ms, m.intent,
               m.confidence, m.rag_context, m.audio_duration_ms, m.transcription_model, m.agent, m.metadata
          FROM core.messages AS m
         WHERE m.user_id = v_user
           AND m.conversation_id = p_conversation_id
           AND m.created_at >= v_first
           AND m.created_at <= v_last
         ORDER BY m.created_at DESC, m.id DESC
         LIMIT p_limit;
        RETURN;
    END IF;

    RETURN QUERY
    SELECT m.id, m.conversation_id, m.created_at, m.role, m.content, m.parts, m.latency_ms, m.intent,
           m.confidence, m.rag_context, m.audio_duration_ms, m.transcription_model, m.agent, m.metadata
      FROM core.messages AS m
     WHERE m.user_id = v_user
       AND m.conversation_id = p_conversation_id
       -- the bounds prune partitions; the row comparison is the exact cursor (strictly older;
       -- without an id, strictly before created_at)
       AND m.created_at >= v_first
       AND m.created_at <= least(v_last, p_before_created_at)
       AND (m.created_at, m.id) < (p_before_created_at, coalesce(p_before_id, '00000000-0000-0000-0000-000000000000'))
     ORDER BY m.created_at DESC, m.id DESC
     LIMIT p_limit;
END;
$$;

COMMENT ON FUNCTION api.conversation_history(uuid, timestamptz, uuid, integer) IS
    'One page of a conversation''s messages, newest first (keyset pagination): pass the created_at and id of the oldest row of the previous page as the cursor. Order of writing ((created_at, id), 0023); every message whatever its timestamp. An index scan on the primary key of the partitions the conversation spans, at any table size. 22023 for a bad limit or cursor, P0002 for a conversation the user does not have. SECURITY DEFINER with the row-level security predicate written out.';

GRANT EXECUTE ON FUNCTION api.conversation_history(uuid, timestamptz, uuid, integer)
    TO assistant_app, assistant_readonly, assistant_service;
