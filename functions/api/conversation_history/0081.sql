-- api.conversation_history(conversation, before_created_at, before_id, limit): one page of a
-- conversation's messages, newest first, keyset-paged: pass the (created_at, id) of the last
-- (oldest) row of a page to get the next one.
--
-- 0081: a branched conversation (core.conversations.current_leaf_id set, see migration 0081)
-- returns the current branch only: from the current leaf (or from the parent of the cursor
-- message) up the parent references, one primary-key probe per message (user_id,
-- conversation_id, parent_created_at, parent_id), each in the parent's partition only (run-time
-- partition pruning). A page costs p_limit probes, whatever the conversation's size or number of
-- branches. The cursor must then name a message (created_at and id): a page continues from it
-- up its own branch. Summaries (kind summary) are never part of a branch.
-- A linear conversation (current_leaf_id NULL) reads as before (0024/0080, below): every message.
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
    v_leaf_id uuid;
    v_leaf_at timestamptz;
    v_start_id uuid;
    v_start_at timestamptz;
    v_skip integer;
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

    SELECT least(c.first_message_at, d.first_at), greatest(c.last_message_at, d.last_at),
           c.current_leaf_id, c.current_leaf_created_at
      INTO v_first, v_last, v_leaf_id, v_leaf_at
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

    IF v_leaf_id IS NOT NULL THEN
        IF p_before_created_at IS NOT NULL AND p_before_id IS NULL THEN
            RAISE EXCEPTION 'api.conversation_history: conversation % has branches, so the cursor must name a message (p_before_id)', p_conversation_id
                USING ERRCODE = '22023',
                      HINT = 'Pass the created_at and id of the oldest message of the previous page.';
        END IF;
        IF p_before_id IS NULL THEN
            v_start_id := v_leaf_id; v_start_at := v_leaf_at; v_skip := 0;
        ELSE
            v_start_id := p_before_id; v_start_at := p_before_created_at; v_skip := 1;
        END IF;
        RETURN QUERY
        WITH RECURSIVE walk AS (
            SELECT m.id, m.conversation_id, m.created_at, m.role, m.content, m.parts, m.latency_ms, m.intent,
                   m.confidence, m.rag_context, m.audio_duration_ms, m.transcription_model, m.agent, m.metadata,
                   m.parent_id, m.parent_created_at, 0 AS depth
              FROM core.messages AS m
             WHERE m.user_id = v_user AND m.conversation_id = p_conversation_id
               AND m.created_at = v_start_at AND m.id = v_start_id
            UNION ALL
            SELECT m.id, m.conversation_id, m.created_at, m.role, m.content, m.parts, m.latency_ms, m.intent,
                   m.confidence, m.rag_context, m.audio_duration_ms, m.transcription_model, m.agent, m.metadata,
                   m.parent_id, m.parent_created_at, w.depth + 1
              FROM walk AS w
              JOIN core.messages AS m
                ON m.user_id = v_user AND m.conversation_id = p_conversation_id
               AND m.created_at = w.parent_created_at AND m.id = w.parent_id
             WHERE w.depth < p_limit - 1 + v_skip
        )
        SELECT w.id, w.conversation_id, w.created_at, w.role, w.content, w.parts, w.latency_ms, w.intent,
               w.confidence, w.rag_context, w.audio_duration_ms, w.transcription_model, w.agent, w.metadata
          FROM walk AS w
         WHERE w.depth >= v_skip
         ORDER BY w.depth;
        RETURN;
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
           AND m.kind = 'message'
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
       AND m.kind = 'message'
     ORDER BY m.created_at DESC, m.id DESC
     LIMIT p_limit;
END;
$$;

COMMENT ON FUNCTION api.conversation_history(uuid, timestamptz, uuid, integer) IS
    'One page of a conversation''s messages, newest first (keyset pagination): pass the created_at and id of the oldest row of the previous page as the cursor. A branched conversation: the current branch only (from the current leaf up the parent references, one primary-key probe per message; the cursor must name a message). A linear one: every message in the order of writing ((created_at, id), 0023). Summaries are not returned (api.prompt_history). 22023 for a bad limit or cursor, P0002 for a conversation the user does not have. SECURITY DEFINER with the row-level security predicate written out.';

GRANT EXECUTE ON FUNCTION api.conversation_history(uuid, timestamptz, uuid, integer)
    TO assistant_app, assistant_readonly, assistant_service;
