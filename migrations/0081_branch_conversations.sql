-- Conversations as trees: a message may have a parent (user_id, parent_id, parent_created_at);
-- editing a user message or regenerating an answer adds a sibling instead of deleting; a
-- conversation has a current leaf, and api.conversation_history follows the branch ending there.
-- Per-conversation retention (keep the latest N messages / the last D days), fork, truncate.
-- depends: 0080_let_applications_name_enum_types
-- functions: core.find_message core.enter_branch_mode core.tg_messages__attach_to_branch core.add_sibling core.prune_messages
-- functions-after: api.conversation_history api.edit_message api.regenerate_message api.set_current_leaf api.message_siblings api.fork_conversation api.truncate_conversation_after api.prune_conversation api.set_conversation_retention maint.apply_conversation_retention
--
-- After 0080, which moves the enum types to api and loads its own api.conversation_history:
-- this version follows it (and its rollback restores 0080's).
--
-- The parent reference is checked by core.tg_messages__attach_to_branch with a primary-key probe,
-- not by a foreign key: core.messages is partitioned by created_at, and a self-referencing
-- foreign key would make partition retirement (DROP/DETACH of an old month), the default-partition
-- repair (rows moved out and back in) and pruning by age fail or cascade across months. A child
-- whose parent was pruned is the root of what is left of its branch.
--
-- Linear conversations (current_leaf_id NULL, every conversation before this migration) cost
-- nothing new: history reads every message as before, and an insert reads the conversation row
-- once without a lock. The first branch operation (api.edit_message, api.regenerate_message,
-- api.set_current_leaf, api.add_summary) links the existing messages in writing order (one UPDATE
-- of the conversation's messages) and makes the newest the current leaf.
--
-- Locks: ADD COLUMN without a volatile default and ADD CONSTRAINT ... NOT VALID are catalog-only
-- (ACCESS EXCLUSIVE for a moment). The parent index is built by a plain CREATE INDEX: a
-- partitioned table has no CREATE INDEX CONCURRENTLY, so writes to core.messages wait while it
-- is built (seconds per million rows); on a large table build it partition by partition
-- (CREATE INDEX ON ONLY + CONCURRENTLY + ATTACH PARTITION) before applying this.

ALTER TABLE core.messages ADD COLUMN parent_id uuid;
ALTER TABLE core.messages ADD COLUMN parent_created_at timestamptz;
ALTER TABLE core.messages ADD COLUMN kind text NOT NULL DEFAULT 'message';
ALTER TABLE core.messages ADD CONSTRAINT messages_parent_check
    CHECK ((parent_id IS NULL) = (parent_created_at IS NULL)) NOT VALID;
ALTER TABLE core.messages ADD CONSTRAINT messages_kind_check
    CHECK (kind IN ('message', 'summary') AND (kind = 'message' OR parent_id IS NOT NULL)) NOT VALID;
COMMENT ON COLUMN core.messages.parent_id IS
    'The message this one answers or follows (with parent_created_at, in the same conversation and user); NULL: a root (the first message, or an edited first message), or a message of a linear conversation (current_leaf_id NULL). Checked when written, by a primary-key probe (core.tg_messages__attach_to_branch), not a foreign key: see migration 0081.';
COMMENT ON COLUMN core.messages.parent_created_at IS
    'created_at of the parent message: with user_id, conversation_id and parent_id it is the parent''s primary key, so walking up a branch is one index probe per message, in the parent''s partition only.';
COMMENT ON COLUMN core.messages.kind IS
    'message, or summary: a summary stands for its parent and every message before it on the branch (api.prompt_history returns it instead of them); it is never on a branch itself (history, siblings and the current leaf skip it).';

-- squawk-ignore require-concurrent-index-creation
CREATE INDEX messages_user_id_conversation_id_parent_id_idx
    ON core.messages (user_id, conversation_id, parent_id);
COMMENT ON INDEX core.messages_user_id_conversation_id_parent_id_idx IS
    'The children of a message: siblings (api.message_siblings), descendants (api.truncate_conversation_after), summaries (api.prompt_history).';

ALTER TABLE core.conversations ADD COLUMN current_leaf_id uuid;
ALTER TABLE core.conversations ADD COLUMN current_leaf_created_at timestamptz;
-- integer, not bigint: both are bounded far below 2^31 by their checks (1,000,000 messages, 36,500 days)
-- squawk-ignore prefer-bigint-over-int
ALTER TABLE core.conversations ADD COLUMN keep_latest_messages integer;
-- squawk-ignore prefer-bigint-over-int
ALTER TABLE core.conversations ADD COLUMN keep_days integer;
ALTER TABLE core.conversations ADD CONSTRAINT conversations_current_leaf_check
    CHECK ((current_leaf_id IS NULL) = (current_leaf_created_at IS NULL)) NOT VALID;
ALTER TABLE core.conversations ADD CONSTRAINT conversations_keep_latest_messages_check
    CHECK (keep_latest_messages BETWEEN 1 AND 1000000) NOT VALID;
ALTER TABLE core.conversations ADD CONSTRAINT conversations_keep_days_check
    CHECK (keep_days BETWEEN 1 AND 36500) NOT VALID;
COMMENT ON COLUMN core.conversations.current_leaf_id IS
    'The newest message of the current branch (with current_leaf_created_at): api.conversation_history walks up from it. NULL: a linear conversation, whose history is every message in writing order. message_count counts every message of the conversation, on every branch (summaries included).';
COMMENT ON COLUMN core.conversations.current_leaf_created_at IS
    'created_at of the current leaf (its primary key with user_id, id and current_leaf_id).';
COMMENT ON COLUMN core.conversations.keep_latest_messages IS
    'Retention of this conversation: maintenance (maint.apply_conversation_retention) deletes every message but the latest N (all branches, in writing order). NULL: keep all.';
COMMENT ON COLUMN core.conversations.keep_days IS
    'Retention of this conversation: maintenance deletes messages older than this many days. NULL: keep all (the table-wide retention of core.messages partitions still applies).';

-- squawk-ignore require-concurrent-index-creation
CREATE INDEX conversations_retention_idx ON core.conversations (user_id, id)
    WHERE keep_latest_messages IS NOT NULL OR keep_days IS NOT NULL;
COMMENT ON INDEX core.conversations_retention_idx IS
    'The conversations with a retention of their own, for maint.apply_conversation_retention.';

CREATE TRIGGER messages_attach_to_branch
    BEFORE INSERT ON core.messages
    FOR EACH ROW EXECUTE FUNCTION core.tg_messages__attach_to_branch();
COMMENT ON TRIGGER messages_attach_to_branch ON core.messages IS
    'Branched conversations: a message written without a parent follows the current leaf and becomes it; a given parent must exist in the conversation (23503).';
