-- Undo 0081_branch_conversations in reverse order; the runner restores the previous
-- api.conversation_history and drops nothing it did not create.
-- the functions loaded after the migration's statements (api.conversation_history is restored)
DROP FUNCTION maint.apply_conversation_retention();
DROP FUNCTION api.set_conversation_retention(uuid, integer, integer);
DROP FUNCTION api.prune_conversation(uuid, integer, integer);
DROP FUNCTION api.truncate_conversation_after(uuid, uuid, timestamptz);
DROP FUNCTION api.fork_conversation(uuid, uuid, timestamptz, text);
DROP FUNCTION api.message_siblings(uuid, uuid, timestamptz);
DROP FUNCTION api.set_current_leaf(uuid, uuid, timestamptz);
DROP FUNCTION api.regenerate_message(uuid, uuid, text, timestamptz, jsonb);
DROP FUNCTION api.edit_message(uuid, uuid, text, timestamptz, jsonb);
DROP TRIGGER messages_attach_to_branch ON core.messages;
DROP INDEX core.conversations_retention_idx;
ALTER TABLE core.conversations DROP CONSTRAINT conversations_keep_days_check;
ALTER TABLE core.conversations DROP CONSTRAINT conversations_keep_latest_messages_check;
ALTER TABLE core.conversations DROP CONSTRAINT conversations_current_leaf_check;
ALTER TABLE core.conversations DROP COLUMN keep_days;
ALTER TABLE core.conversations DROP COLUMN keep_latest_messages;
ALTER TABLE core.conversations DROP COLUMN current_leaf_created_at;
ALTER TABLE core.conversations DROP COLUMN current_leaf_id;
DROP INDEX core.messages_user_id_conversation_id_parent_id_idx;
ALTER TABLE core.messages DROP CONSTRAINT messages_kind_check;
ALTER TABLE core.messages DROP CONSTRAINT messages_parent_check;
ALTER TABLE core.messages DROP COLUMN kind;
ALTER TABLE core.messages DROP COLUMN parent_created_at;
ALTER TABLE core.messages DROP COLUMN parent_id;

-- the functions loaded before the migration's statements
DROP FUNCTION core.prune_messages(uuid, uuid, integer, integer);
DROP FUNCTION core.add_sibling(text, uuid, uuid, uuid, timestamptz, api.message_role, text, jsonb);
DROP FUNCTION core.tg_messages__attach_to_branch();
DROP FUNCTION core.enter_branch_mode(uuid, uuid);
DROP FUNCTION core.find_message(uuid, uuid, uuid, timestamptz);
