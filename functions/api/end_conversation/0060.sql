-- api.end_conversation(conversation, ended_at, summary, satisfaction_score): end one of the acting
-- user's conversations (is_active false, ended_at set) and return it. An ended conversation is
-- not ended again (55000): its ended_at says when it ended. summary and satisfaction_score are
-- kept when not passed. Write API (0060); see api.start_conversation.
CREATE OR REPLACE FUNCTION api.end_conversation(p_conversation_id uuid, p_ended_at timestamptz DEFAULT NULL,
                                                p_summary text DEFAULT NULL, p_satisfaction_score double precision DEFAULT NULL)
RETURNS api.conversations
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_user uuid := core.require_user_id();
    v_ended timestamptz;
    -- computed here, not in the UPDATE: Citus refuses non-immutable functions inside COALESCE
    v_ended_at timestamptz := coalesce(p_ended_at, now());
    v_row api.conversations;
BEGIN
    PERFORM core.require_own_conversation(v_user, p_conversation_id, 'api.end_conversation', 'p_conversation_id');
    UPDATE core.conversations AS c
       SET is_active = false,
           ended_at = v_ended_at,
           summary = coalesce(p_summary, c.summary),
           satisfaction_score = coalesce(p_satisfaction_score, c.satisfaction_score)
     WHERE c.user_id = v_user AND c.id = p_conversation_id AND c.ended_at IS NULL;
    IF NOT FOUND THEN
        SELECT c.ended_at INTO v_ended FROM core.conversations AS c WHERE c.user_id = v_user AND c.id = p_conversation_id;
        RAISE EXCEPTION 'api.end_conversation: conversation % already ended at %', p_conversation_id, v_ended
            USING ERRCODE = '55000', HINT = 'An ended conversation stays ended; start a new one with api.start_conversation.';
    END IF;
    SELECT c.* INTO v_row FROM api.conversations AS c WHERE c.user_id = v_user AND c.id = p_conversation_id;
    RETURN v_row;
END;
$$;

COMMENT ON FUNCTION api.end_conversation(uuid, timestamptz, text, double precision) IS
    'Write API: ends one of the acting user''s conversations (is_active false, ended_at now() or the time given; summary and satisfaction_score when passed) and returns it. P0002 for a conversation not the user''s, 55000 when already ended.';

REVOKE EXECUTE ON FUNCTION api.end_conversation(uuid, timestamptz, text, double precision) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION api.end_conversation(uuid, timestamptz, text, double precision) TO assistant_app, assistant_service;
