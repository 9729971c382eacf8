-- Undo 0083_import_conversations in reverse order.
DROP FUNCTION api.import_openai_threads(jsonb, text);
DROP FUNCTION api.import_langchain_messages(jsonb, text);
DROP POLICY imported_messages_service_all_rows ON core.imported_messages;
DROP POLICY imported_messages_app_own_rows ON core.imported_messages;
DROP POLICY imported_conversations_service_all_rows ON core.imported_conversations;
DROP POLICY imported_conversations_app_own_rows ON core.imported_conversations;
ALTER TABLE core.imported_messages DISABLE ROW LEVEL SECURITY;
ALTER TABLE core.imported_conversations DISABLE ROW LEVEL SECURITY;
DROP INDEX core.imported_messages_user_id_conversation_id_idx;
DROP TABLE core.imported_messages;
DROP INDEX core.imported_conversations_user_id_conversation_id_idx;
DROP TABLE core.imported_conversations;

-- the functions loaded before the migration's statements
DROP FUNCTION core.import_staged(uuid, text);
DROP FUNCTION core.try_timestamptz(text);
