-- Undo 0004_create_conversations_and_messages: one statement per statement of the migration, in reverse order.

SELECT maint.unregister_partitioned_table('core.messages'::regclass);

REVOKE SELECT ON core.messages FROM assistant_readonly;
REVOKE SELECT, INSERT, UPDATE, DELETE ON core.messages FROM assistant_app, assistant_service;

DROP POLICY messages_service_all_rows ON core.messages;
DROP POLICY messages_readonly_all_rows ON core.messages;
DROP POLICY messages_app_own_rows ON core.messages;

ALTER TABLE core.messages DISABLE ROW LEVEL SECURITY;

DROP TRIGGER messages_maintain_conversation_after_delete ON core.messages;
DROP TRIGGER messages_maintain_conversation_after_insert ON core.messages;

DROP INDEX core.messages_user_id_search_vector_idx;

-- drops the partitions with it
DROP TABLE core.messages;

DROP TYPE core.message_role;

REVOKE SELECT ON core.conversations FROM assistant_readonly;
REVOKE SELECT, INSERT, UPDATE, DELETE ON core.conversations FROM assistant_app, assistant_service;

DROP POLICY conversations_service_all_rows ON core.conversations;
DROP POLICY conversations_readonly_all_rows ON core.conversations;
DROP POLICY conversations_app_own_rows ON core.conversations;

ALTER TABLE core.conversations DISABLE ROW LEVEL SECURITY;

DROP TRIGGER conversations_set_updated_at ON core.conversations;

DROP TABLE core.conversations;

DROP TEXT SEARCH CONFIGURATION core.portuguese_unaccent;

-- loaded from functions/ before the migration's statements
DROP FUNCTION core.tg_messages__maintain_conversation();
