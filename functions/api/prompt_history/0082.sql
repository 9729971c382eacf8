-- api.prompt_history(conversation, limit): what to send a model, oldest first: the newest summary
-- on the current branch (kind summary, first row) and the messages after the one it covers, up to
-- p_limit messages (without a summary within p_limit messages: the latest p_limit). Walks up the
-- current branch from the leaf, one primary-key probe and one probe of the parent index per
-- message, and stops at the first message with a summary: its cost is that of the tail.
-- A linear conversation (no summary possible): its latest p_limit messages.
CREATE OR REPLACE FUNCTION api.prompt_history(p_conversation_id uuid, p_limit integer DEFAULT 100)
RETURNS TABLE (id uuid, created_at timestamptz, role api.message_role, kind text, content text,
               parts jsonb, agent text, metadata jsonb)
LANGUAGE plpgsql
STABLE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    v_user uuid := core.current_user_id();
    v_leaf_id uuid;
    v_leaf_at timestamptz;
BEGIN
    IF p_limit IS NULL OR p_limit NOT BETWEEN 1 AND 1000 THEN
        RAISE EXCEPTION 'api.prompt_history: p_limit must be between 1 and 1000, not %', coalesce(p_limit::text, 'NULL')
            USING ERRCODE = '22023', HINT = 'Summarise older turns (api.add_summary) rather than sending more.';
    END IF;
    SELECT c.current_leaf_id, c.current_leaf_created_at INTO v_leaf_id, v_leaf_at
      FROM core.conversations AS c WHERE c.user_id = v_user AND c.id = p_conversation_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'api.prompt_history: conversation % not found', coalesce(p_conversation_id::text, 'NULL')
            USING ERRCODE = 'P0002', HINT = 'Pass the id of one of the conversations of the user named by api.act_as (api.conversations).';
    END IF;
    IF v_leaf_id IS NULL THEN
        RETURN QUERY
        SELECT h.id, h.created_at, h.role, 'message'::text, h.content, h.parts, h.agent, h.metadata
          FROM api.conversation_history(p_conversation_id, NULL, NULL, least(p_limit, 500)) AS h
         ORDER BY h.created_at, h.id;
        RETURN;
    END IF;
    RETURN QUERY
    WITH RECURSIVE walk AS (
        SELECT m.id, m.created_at, m.role, m.content, m.parts, m.agent, m.metadata,
               m.parent_id, m.parent_created_at, 0 AS depth, s.id AS summary_id, s.created_at AS summary_at
          FROM core.messages AS m
          LEFT JOIN LATERAL (
                SELECT x.id, x.created_at FROM core.messages AS x
                 WHERE x.user_id = v_user AND x.conversation_id = p_conversation_id
                   AND x.parent_id = m.id AND x.parent_created_at = m.created_at AND x.kind = 'summary'
                 ORDER BY x.created_at DESC, x.id DESC LIMIT 1) AS s ON true
         WHERE m.user_id = v_user AND m.conversation_id = p_conversation_id
           AND m.created_at = v_leaf_at AND m.id = v_leaf_id
        UNION ALL
        SELECT m.id, m.created_at, m.role, m.content, m.parts, m.agent, m.metadata,
               m.parent_id, m.parent_created_at, w.depth + 1, s.id, s.created_at
          FROM walk AS w
          JOIN core.messages AS m
            ON m.user_id = v_user AND m.conversation_id = p_conversation_id
           AND m.created_at = w.parent_created_at AND m.id = w.parent_id
          LEFT JOIN LATERAL (
                SELECT x.id, x.created_at FROM core.messages AS x
                 WHERE x.user_id = v_user AND x.conversation_id = p_conversation_id
                   AND x.parent_id = m.id AND x.parent_created_at = m.created_at AND x.kind = 'summary'
                 ORDER BY x.created_at DESC, x.id DESC LIMIT 1) AS s ON true
         WHERE w.summary_id IS NULL AND w.depth < p_limit
    ), covered AS (
        SELECT w.summary_id, w.summary_at FROM walk AS w WHERE w.summary_id IS NOT NULL
    )
    SELECT u.id, u.created_at, u.role, u.kind, u.content, u.parts, u.agent, u.metadata
      FROM (SELECT m.id, m.created_at, m.role, m.kind, m.content, m.parts, m.agent, m.metadata, -1 AS pos
              FROM covered AS cv
              JOIN core.messages AS m
                ON m.user_id = v_user AND m.conversation_id = p_conversation_id
               AND m.created_at = cv.summary_at AND m.id = cv.summary_id
            UNION ALL
            SELECT w.id, w.created_at, w.role, 'message', w.content, w.parts, w.agent, w.metadata, p_limit - w.depth
              FROM walk AS w
             WHERE w.summary_id IS NULL AND w.depth < p_limit) AS u
     ORDER BY u.pos;
END;
$$;
COMMENT ON FUNCTION api.prompt_history(uuid, integer) IS
    'For a prompt, oldest first: the newest summary on the current branch (kind summary) and the messages after the one it covers, at most p_limit; without a summary, the latest p_limit messages of the branch. 22023 for a bad limit, P0002 for a conversation the user does not have.';
REVOKE EXECUTE ON FUNCTION api.prompt_history(uuid, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION api.prompt_history(uuid, integer) TO assistant_app, assistant_readonly, assistant_service;
