-- api.conversation_history(conversation, before_created_at, before_id, limit): one page of a
-- conversation's messages, newest first, with keyset pagination: pass the (created_at, id) of
-- the last (oldest) row of a page to get the next one. No OFFSET, so page 1,000 costs what page 1
-- costs: the row comparison is an index condition on the primary key
-- (user_id, conversation_id, created_at, id), scanned backward, and LIMIT stops it early in each
-- partition of the Merge Append; partitions newer than the cursor are pruned at run time.
--
-- A SQL-standard body (BEGIN ATOMIC): parsed when created, run with the caller's privileges, so
-- row-level security applies and the app role needs no access to schema core.
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
LANGUAGE sql
STABLE
SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
    SELECT core.raise_unless(p_limit BETWEEN 1 AND 500, '22023',
               format('api.conversation_history: p_limit must be between 1 and 500, not %s', coalesce(p_limit::text, 'NULL')),
               'Ask for pages of at most 500 messages and follow the cursor for more.');
    SELECT core.raise_unless(p_before_id IS NULL OR p_before_created_at IS NOT NULL, '22023',
               'api.conversation_history: p_before_id was given without p_before_created_at',
               'The cursor is the (created_at, id) of the oldest message of the previous page; pass both, or only created_at.');
    SELECT core.raise_unless(
               EXISTS (SELECT FROM core.conversations AS c
                        WHERE c.user_id = (SELECT core.current_user_id()) AND c.id = p_conversation_id),
               'P0002',
               format('api.conversation_history: conversation %s not found', coalesce(p_conversation_id::text, 'NULL')),
               'Pass the id of one of the conversations of the user named by app.user_id (api.conversations).');
    SELECT m.id, m.conversation_id, m.created_at, m.role, m.content, m.parts, m.latency_ms, m.intent,
           m.confidence, m.rag_context, m.audio_duration_ms, m.transcription_model, m.agent, m.metadata
      FROM core.messages AS m
     WHERE m.user_id = (SELECT core.current_user_id())
       AND m.conversation_id = p_conversation_id
       -- The plain bound prunes partitions newer than the cursor; the row comparison is the
       -- exact cursor (strictly older; without an id, strictly before created_at). CASE, not
       -- COALESCE: under row-level security only quals the planner knows to be leakproof may
       -- become index conditions, and it does not know COALESCE (it does know CASE).
       AND m.created_at <= CASE WHEN p_before_created_at IS NULL THEN 'infinity' ELSE p_before_created_at END
       AND (m.created_at, m.id) < (CASE WHEN p_before_created_at IS NULL THEN 'infinity' ELSE p_before_created_at END,
                                   CASE WHEN p_before_id IS NULL THEN '00000000-0000-0000-0000-000000000000' ELSE p_before_id END)
     ORDER BY m.created_at DESC, m.id DESC
     LIMIT p_limit;
END;

COMMENT ON FUNCTION api.conversation_history(uuid, timestamptz, uuid, integer) IS
    'One page of a conversation''s messages, newest first (keyset pagination): pass the created_at and id of the oldest row of the previous page as the cursor. An index scan on the primary key at any table size. 22023 for a bad limit or cursor, P0002 for a conversation the user does not have.';

GRANT EXECUTE ON FUNCTION api.conversation_history(uuid, timestamptz, uuid, integer)
    TO assistant_app, assistant_readonly, assistant_service;
