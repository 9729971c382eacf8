-- core.tg_conversations__unlink_references(): BEFORE DELETE, FOR EACH ROW on core.conversations,
-- attached by `runner.py distribute` on Citus only. On one server the foreign keys of tasks,
-- events, reminders and memories to a conversation are ON DELETE SET NULL (conversation_id);
-- Citus refuses SET NULL on a key that includes the distribution column, so there they are NO
-- ACTION and this trigger clears the references first: the same rows end the same way. Each
-- statement names the conversation's user_id, so it is routed to the same shard group.
CREATE OR REPLACE FUNCTION core.tg_conversations__unlink_references()
RETURNS trigger
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    UPDATE core.tasks AS t SET conversation_id = NULL WHERE t.user_id = OLD.user_id AND t.conversation_id = OLD.id;
    UPDATE core.events AS e SET conversation_id = NULL WHERE e.user_id = OLD.user_id AND e.conversation_id = OLD.id;
    UPDATE core.reminders AS r SET conversation_id = NULL WHERE r.user_id = OLD.user_id AND r.conversation_id = OLD.id;
    UPDATE core.memories AS m SET source_conversation_id = NULL
     WHERE m.user_id = OLD.user_id AND m.source_conversation_id = OLD.id;
    RETURN OLD;
END;
$$;

COMMENT ON FUNCTION core.tg_conversations__unlink_references() IS
    'Citus only (attached by runner.py distribute): before a conversation is deleted, clears the conversation_id of its tasks, events and reminders and the source_conversation_id of its memories, as ON DELETE SET NULL (col) does on one server.';

REVOKE EXECUTE ON FUNCTION core.tg_conversations__unlink_references() FROM PUBLIC;
