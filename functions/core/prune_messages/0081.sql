-- core.prune_messages(user, conversation, keep_latest, keep_days): delete every message of the
-- conversation but the latest keep_latest (in writing order, all branches) and those older than
-- keep_days days; NULL keeps all on that count. Returns the number deleted. A branched
-- conversation whose current leaf is deleted gets its newest remaining message as leaf (or
-- becomes linear when none is left). The work of api.prune_conversation and of maintenance.
CREATE OR REPLACE FUNCTION core.prune_messages(
    p_user_id uuid, p_conversation_id uuid, p_keep_latest integer, p_keep_days integer)
RETURNS bigint
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_cut_at timestamptz;
    v_cut_id uuid;
    v_n bigint := 0;
    v_k bigint;
    v_leaf_id uuid;
    v_leaf_at timestamptz;
BEGIN
    SELECT c.current_leaf_id, c.current_leaf_created_at INTO v_leaf_id, v_leaf_at
      FROM core.conversations AS c WHERE c.user_id = p_user_id AND c.id = p_conversation_id FOR NO KEY UPDATE;
    IF p_keep_latest IS NOT NULL THEN
        SELECT m.created_at, m.id INTO v_cut_at, v_cut_id
          FROM core.messages AS m
         WHERE m.user_id = p_user_id AND m.conversation_id = p_conversation_id
         ORDER BY m.created_at DESC, m.id DESC
        OFFSET p_keep_latest - 1 LIMIT 1;
        IF v_cut_id IS NOT NULL THEN
            DELETE FROM core.messages AS m
             WHERE m.user_id = p_user_id AND m.conversation_id = p_conversation_id
               AND m.created_at <= v_cut_at AND (m.created_at, m.id) < (v_cut_at, v_cut_id);
            GET DIAGNOSTICS v_k = ROW_COUNT;
            v_n := v_n + v_k;
        END IF;
    END IF;
    IF p_keep_days IS NOT NULL THEN
        DELETE FROM core.messages AS m
         WHERE m.user_id = p_user_id AND m.conversation_id = p_conversation_id
           AND m.created_at < now() - make_interval(days => p_keep_days);
        GET DIAGNOSTICS v_k = ROW_COUNT;
        v_n := v_n + v_k;
    END IF;
    IF v_leaf_id IS NOT NULL AND v_n > 0 AND NOT EXISTS (
        SELECT FROM core.messages AS m
         WHERE m.user_id = p_user_id AND m.conversation_id = p_conversation_id
           AND m.created_at = v_leaf_at AND m.id = v_leaf_id) THEN
        UPDATE core.conversations AS c
           SET (current_leaf_id, current_leaf_created_at) = (
                SELECT m.id, m.created_at FROM core.messages AS m
                 WHERE m.user_id = p_user_id AND m.conversation_id = p_conversation_id AND m.kind = 'message'
                 ORDER BY m.created_at DESC, m.id DESC LIMIT 1)
         WHERE c.user_id = p_user_id AND c.id = p_conversation_id;
    END IF;
    RETURN v_n;
END;
$$;
COMMENT ON FUNCTION core.prune_messages(uuid, uuid, integer, integer) IS
    'Deletes all but the latest N messages of a conversation (all branches) and/or those older than D days; returns how many. Used by api.prune_conversation and maint.apply_conversation_retention.';
REVOKE EXECUTE ON FUNCTION core.prune_messages(uuid, uuid, integer, integer) FROM PUBLIC;
