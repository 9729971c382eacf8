-- core.tg_messages__unlink_actions(): AFTER DELETE, FOR EACH STATEMENT on core.messages, with the
-- deleted rows as transition table old_messages: clears the message link of the actions that
-- pointed at them (ON DELETE SET NULL (message_created_at, message_id) of the foreign key that
-- core.tg_actions__check_message() stands in for).
--
-- 0062: one UPDATE per conversation of the statement, naming its user_id and conversation_id by
-- constants, instead of one UPDATE ... FROM old_messages. On Citus the trigger runs on each shard
-- and an UPDATE joining a distributed table with the transition table fails there ("unrecognized
-- RTE kind"); with constants each UPDATE is routed to the shard of its user. Same rows end the
-- same way on one server; a statement deleting the messages of one conversation (the common case)
-- still makes one UPDATE, through actions_user_id_conversation_id_message_created_at_idx.
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
DECLARE
    v_group record;
BEGIN
    FOR v_group IN
        SELECT m.user_id, m.conversation_id, array_agg(m.created_at) AS created, array_agg(m.id) AS ids
          FROM old_messages AS m
         GROUP BY m.user_id, m.conversation_id
         ORDER BY m.user_id, m.conversation_id
    LOOP
        UPDATE core.actions AS a
           SET message_created_at = NULL,
               message_id = NULL
         WHERE a.user_id = v_group.user_id
           AND a.conversation_id = v_group.conversation_id
           AND a.message_created_at = ANY (v_group.created)
           AND (a.message_created_at, a.message_id) IN (SELECT c, i FROM unnest(v_group.created, v_group.ids) AS u(c, i));
    END LOOP;
    RETURN NULL;
END;
$$;

COMMENT ON FUNCTION core.tg_messages__unlink_actions() IS
    'Statement-level AFTER DELETE trigger on core.messages: sets message_created_at and message_id to NULL on the actions linked to the deleted messages (the ON DELETE SET NULL of the link to the partitioned messages table); one UPDATE per conversation, routed by user_id on Citus.';

REVOKE EXECUTE ON FUNCTION core.tg_messages__unlink_actions() FROM PUBLIC;
