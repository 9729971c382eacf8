-- Keep the time of a conversation's first message beside its last, so a history page prunes the
-- messages partitions to those the conversation spans; and stop the updated_at row trigger from
-- firing on every message.
-- depends: 0007_create_api
-- functions-after: tg_messages__maintain_conversation conversation_history
--
-- Measured with bench/bench.py (SCALE=0.1, a year of history): api.conversation_history's p95
-- grew 1.57x from a tenth of the history to the whole, because every page probed the primary key
-- of every monthly partition (a Merge Append over all of them). With created_at bounded by
-- [first_message_at, last_message_at] the plan keeps only the partitions in that range.
-- The messages trigger now sets conversations.updated_at itself, in the UPDATE it already does;
-- conversations_set_updated_at fires only when applications update their columns.
-- The backfill reads every message once: cheap on the young tables this ships to (a large live
-- table would want it batched in a migration of its own).

ALTER TABLE core.conversations ADD COLUMN first_message_at timestamptz;
COMMENT ON COLUMN core.conversations.first_message_at IS
    'created_at of the oldest message (NULL before the first); maintained by the messages trigger. With last_message_at, bounds the partitions a history page reads.';

DROP TRIGGER conversations_set_updated_at ON core.conversations;

UPDATE core.conversations AS c
   SET first_message_at = d.first_at
  FROM (SELECT m.user_id, m.conversation_id, min(m.created_at) AS first_at
          FROM core.messages AS m
         GROUP BY m.user_id, m.conversation_id) AS d
 WHERE c.user_id = d.user_id
   AND c.id = d.conversation_id;

-- The columns applications write (agents too is maintained by the messages trigger, which sets
-- updated_at itself). A column list, not WHEN (OLD.* IS DISTINCT FROM NEW.*): PostgreSQL refuses
-- NEW's generated columns (duration) in a BEFORE trigger's WHEN.
CREATE TRIGGER conversations_set_updated_at
    BEFORE UPDATE OF name, is_active, started_at, ended_at, satisfaction_score, summary, metadata
    ON core.conversations
    FOR EACH ROW
    EXECUTE FUNCTION util.tg__set_updated_at();
