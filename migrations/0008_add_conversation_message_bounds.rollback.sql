-- Undo 0008_add_conversation_message_bounds: one statement per statement of the migration, in
-- reverse order. The two functions it re-loaded get bodies that do not read first_message_at:
-- the trigger function exactly as 0004_create_conversations_and_messages loaded it, the history
-- function as PL/pgSQL doing what 0007_create_api's did (without the partition bounds).

-- api.conversation_history without the first/last bounds
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
    PERFORM FROM core.conversations AS c WHERE c.user_id = v_user AND c.id = p_conversation_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'api.conversation_history: conversation % not found', coalesce(p_conversation_id::text, 'NULL')
            USING ERRCODE = 'P0002',
                  HINT = 'Pass the id of one of the conversations of the user named by app.user_id (api.conversations).';
    END IF;
    RETURN QUERY
    SELECT m.id, m.conversation_id, m.created_at, m.role, m.content, m.parts, m.latency_ms, m.intent,
           m.confidence, m.rag_context, m.audio_duration_ms, m.transcription_model, m.agent, m.metadata
      FROM core.messages AS m
     WHERE m.user_id = v_user
       AND m.conversation_id = p_conversation_id
       AND m.created_at <= coalesce(p_before_created_at, 'infinity')
       AND (m.created_at, m.id) < (coalesce(p_before_created_at, 'infinity'),
                                   coalesce(p_before_id, '00000000-0000-0000-0000-000000000000'))
     ORDER BY m.created_at DESC, m.id DESC
     LIMIT p_limit;
END;
$$;

-- core.tg_messages__maintain_conversation() as 0004_create_conversations_and_messages loaded it
CREATE OR REPLACE FUNCTION core.tg_messages__maintain_conversation()
RETURNS trigger
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        UPDATE core.conversations AS c
           SET message_count = c.message_count + d.n,
               last_message_at = greatest(c.last_message_at, d.last_at),
               agents = CASE WHEN d.agents IS NULL OR c.agents @> d.agents THEN c.agents
                             ELSE ARRAY(SELECT DISTINCT a FROM unnest(c.agents || d.agents) AS a ORDER BY a)
                        END
          FROM (SELECT m.user_id, m.conversation_id, count(*) AS n, max(m.created_at) AS last_at,
                       array_agg(DISTINCT m.agent) FILTER (WHERE m.agent IS NOT NULL) AS agents
                  FROM new_messages AS m
                 GROUP BY m.user_id, m.conversation_id) AS d
         WHERE c.user_id = d.user_id
           AND c.id = d.conversation_id;

        -- only when it moves forward: no new row version (and no wait on the user's row) for
        -- messages older than the newest one already recorded
        UPDATE core.users AS u
           SET last_interaction_at = d.last_at
          FROM (SELECT m.user_id, max(m.created_at) AS last_at
                  FROM new_messages AS m
                 GROUP BY m.user_id) AS d
         WHERE u.id = d.user_id
           AND (u.last_interaction_at IS NULL OR u.last_interaction_at < d.last_at);
    ELSIF TG_OP = 'DELETE' THEN
        -- the statement's deletions are visible here: when the newest message went, the new
        -- newest is one backward index scan per partition of the primary key
        UPDATE core.conversations AS c
           SET message_count = c.message_count - d.n,
               last_message_at = CASE
                   WHEN c.last_message_at > d.last_at THEN c.last_message_at
                   ELSE (SELECT max(m.created_at) FROM core.messages AS m
                          WHERE m.user_id = c.user_id AND m.conversation_id = c.id)
               END
          FROM (SELECT m.user_id, m.conversation_id, count(*) AS n, max(m.created_at) AS last_at
                  FROM old_messages AS m
                 GROUP BY m.user_id, m.conversation_id) AS d
         WHERE c.user_id = d.user_id
           AND c.id = d.conversation_id;
    ELSE
        RAISE EXCEPTION 'core.tg_messages__maintain_conversation() fired for %', TG_OP
            USING ERRCODE = '39P01',
                  HINT = 'Attach it AFTER INSERT or AFTER DELETE ... FOR EACH STATEMENT with a transition table.';
    END IF;
    RETURN NULL;
END;
$$;

DROP TRIGGER conversations_set_updated_at ON core.conversations;
CREATE TRIGGER conversations_set_updated_at
    BEFORE UPDATE ON core.conversations
    FOR EACH ROW
    EXECUTE FUNCTION util.tg__set_updated_at();

-- (the backfill UPDATE goes with the column)
ALTER TABLE core.conversations DROP COLUMN first_message_at;
