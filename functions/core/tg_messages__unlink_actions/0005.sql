-- core.tg_messages__unlink_actions(): AFTER DELETE, FOR EACH STATEMENT on core.messages, with the
-- deleted rows as transition table old_messages: clears the message link of the actions that
-- pointed at them (ON DELETE SET NULL (message_created_at, message_id) of the foreign key that
-- core.tg_actions__check_message() stands in for). One UPDATE per statement, through
-- actions_user_id_conversation_id_message_created_at_idx.
--
-- Not fired by partition DROP/DETACH (retention) nor by maint moving rows out of the default
-- partition (a DELETE on the partition, which does not fire the parent's statement triggers).
CREATE OR REPLACE FUNCTION core.tg_messages__unlink_actions()
RETURNS trigger
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    UPDATE core.actions AS a
       SET message_created_at = NULL,
           message_id = NULL
      FROM old_messages AS m
     WHERE a.user_id = m.user_id
       AND a.conversation_id = m.conversation_id
       AND a.message_created_at = m.created_at
       AND a.message_id = m.id;
    RETURN NULL;
END;
$$;

COMMENT ON FUNCTION core.tg_messages__unlink_actions() IS
    'Statement-level AFTER DELETE trigger on core.messages: sets message_created_at and message_id to NULL on the actions linked to the deleted messages (the ON DELETE SET NULL of the link to the partitioned messages table).';

REVOKE EXECUTE ON FUNCTION core.tg_messages__unlink_actions() FROM PUBLIC;
