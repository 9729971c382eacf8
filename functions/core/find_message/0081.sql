-- core.find_message(user, conversation, id, created_at): the message, by its primary key when
-- created_at is given (one index probe), else by id within the conversation (a scan of the
-- conversation's primary-key range, newest first). P0002 naming the caller's argument when absent.
CREATE OR REPLACE FUNCTION core.find_message(
    p_user_id uuid, p_conversation_id uuid, p_message_id uuid, p_created_at timestamptz)
RETURNS core.messages
LANGUAGE plpgsql
STABLE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_row core.messages;
BEGIN
    IF p_created_at IS NOT NULL THEN
        SELECT m.* INTO v_row FROM core.messages AS m
         WHERE m.user_id = p_user_id AND m.conversation_id = p_conversation_id
           AND m.created_at = p_created_at AND m.id = p_message_id;
    ELSE
        SELECT m.* INTO v_row FROM core.messages AS m
         WHERE m.user_id = p_user_id AND m.conversation_id = p_conversation_id AND m.id = p_message_id;
    END IF;
    IF v_row.id IS NULL THEN
        RAISE EXCEPTION 'message % not found in conversation %', coalesce(p_message_id::text, 'NULL'), coalesce(p_conversation_id::text, 'NULL')
            USING ERRCODE = 'P0002',
                  HINT = 'Pass the id (and created_at) of a message of this conversation, as api.conversation_history returns them.';
    END IF;
    RETURN v_row;
END;
$$;
COMMENT ON FUNCTION core.find_message(uuid, uuid, uuid, timestamptz) IS
    'The message of a user''s conversation with this id (and created_at, when given: one primary-key probe); P0002 when there is none.';
REVOKE EXECUTE ON FUNCTION core.find_message(uuid, uuid, uuid, timestamptz) FROM PUBLIC;
