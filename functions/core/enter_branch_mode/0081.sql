-- core.enter_branch_mode(user, conversation): make a linear conversation a tree, once. Locks the
-- conversation row (FOR NO KEY UPDATE: writers of this conversation wait, others do not), links
-- the messages without a parent in writing order ((created_at, id), 0023), and makes the newest
-- the current leaf. A conversation already branched is left as it is. Returns the current leaf
-- (NULL: no message yet, the conversation stays linear).
CREATE OR REPLACE FUNCTION core.enter_branch_mode(p_user_id uuid, p_conversation_id uuid,
    OUT leaf_id uuid, OUT leaf_created_at timestamptz)
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    SELECT c.current_leaf_id, c.current_leaf_created_at INTO leaf_id, leaf_created_at
      FROM core.conversations AS c
     WHERE c.user_id = p_user_id AND c.id = p_conversation_id
       FOR NO KEY UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'conversation % not found', coalesce(p_conversation_id::text, 'NULL')
            USING ERRCODE = 'P0002',
                  HINT = 'Pass the id of one of the conversations of the user named by api.act_as (api.conversations).';
    END IF;
    IF leaf_id IS NOT NULL THEN
        RETURN;
    END IF;
    UPDATE core.messages AS m
       SET parent_id = l.prev_id, parent_created_at = l.prev_created_at
      FROM (SELECT x.created_at, x.id,
                   lag(x.id) OVER w AS prev_id, lag(x.created_at) OVER w AS prev_created_at
              FROM core.messages AS x
             WHERE x.user_id = p_user_id AND x.conversation_id = p_conversation_id
               AND x.kind = 'message' AND x.parent_id IS NULL
            WINDOW w AS (ORDER BY x.created_at, x.id)) AS l
     WHERE m.user_id = p_user_id AND m.conversation_id = p_conversation_id
       AND m.created_at = l.created_at AND m.id = l.id AND l.prev_id IS NOT NULL;
    SELECT m.id, m.created_at INTO leaf_id, leaf_created_at
      FROM core.messages AS m
     WHERE m.user_id = p_user_id AND m.conversation_id = p_conversation_id AND m.kind = 'message'
     ORDER BY m.created_at DESC, m.id DESC
     LIMIT 1;
    IF leaf_id IS NOT NULL THEN
        UPDATE core.conversations AS c
           SET current_leaf_id = leaf_id, current_leaf_created_at = leaf_created_at
         WHERE c.user_id = p_user_id AND c.id = p_conversation_id;
    END IF;
END;
$$;
COMMENT ON FUNCTION core.enter_branch_mode(uuid, uuid) IS
    'Makes a linear conversation a tree once (links its messages in writing order, the newest becomes the current leaf) and returns the current leaf; locks the conversation row. P0002 for a conversation the user does not have.';
REVOKE EXECUTE ON FUNCTION core.enter_branch_mode(uuid, uuid) FROM PUBLIC;
