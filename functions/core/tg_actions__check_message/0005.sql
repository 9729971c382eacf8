-- core.tg_actions__check_message(): BEFORE INSERT OR UPDATE OF the link columns, FOR EACH ROW
-- on core.actions: the message an action names must exist, in the action's conversation and
-- of the action's user.
--
-- How actions refer to messages. A foreign key to the partitioned core.messages must reference
-- its whole primary key, partition key included, so an action stores the message's full key:
-- (user_id, conversation_id, message_created_at, message_id). It is deliberately NOT a declared
-- foreign key, because one into a partitioned table
--   * forbids DETACH and DROP of any messages partition an action still points into, so
--     retention (maint.apply_retention) would fail on old months;
--   * reacts to maint.create_partition moving a period's rows out of the default partition
--     (DELETE from the default, INSERT into the new partition): ON DELETE SET NULL would unlink
--     those actions silently, NO ACTION/RESTRICT would make the move fail;
--   * clones a constraint and its RI triggers onto core.actions for every monthly partition.
-- Instead this trigger checks the link as a foreign key would (same SQLSTATE 23503, and the
-- message row locked FOR KEY SHARE until commit, so a concurrent delete waits), and
-- core.tg_messages__unlink_actions() clears the link when messages are deleted (ON DELETE SET
-- NULL on the message columns). Only a partition dropped by retention leaves links dangling,
-- which is what retention means.
--
-- SECURITY DEFINER so the app role needs no access to core; it looks up NEW.user_id's message
-- only, and row-level security then requires NEW.user_id to be the session's user.
CREATE OR REPLACE FUNCTION core.tg_actions__check_message()
RETURNS trigger
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    -- the full key pins one partition and one primary-key probe
    PERFORM
       FROM core.messages AS m
      WHERE m.user_id = NEW.user_id
        AND m.conversation_id = NEW.conversation_id
        AND m.created_at = NEW.message_created_at
        AND m.id = NEW.message_id
        FOR KEY SHARE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'action % refers to message % (created_at %), which is not a message of conversation % of user %',
                        NEW.id, NEW.message_id, NEW.message_created_at, NEW.conversation_id, NEW.user_id
            USING ERRCODE = '23503',
                  TABLE = 'actions',
                  SCHEMA = 'core',
                  HINT = 'Link an action to a message of its own conversation, giving both message_id and message_created_at (the message''s created_at).';
    END IF;
    RETURN NEW;
END;
$$;

COMMENT ON FUNCTION core.tg_actions__check_message() IS
    'Trigger on core.actions: the linked message (user_id, conversation_id, message_created_at, message_id) must exist; raises 23503 like a foreign key and locks the message FOR KEY SHARE. Replaces a foreign key into the partitioned core.messages, which would block retention and default-partition repair.';

REVOKE EXECUTE ON FUNCTION core.tg_actions__check_message() FROM PUBLIC;
