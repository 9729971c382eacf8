-- Undo 0019_audit_core_tables: one statement per statement of the migration, in reverse order.

DROP TRIGGER messages_audit ON core.messages;
DROP TRIGGER memories_audit ON core.memories;
DROP TRIGGER conversations_audit_update ON core.conversations;
DROP TRIGGER conversations_audit ON core.conversations;
DROP TRIGGER credentials_audit ON core.credentials;
DROP TRIGGER users_audit_update ON core.users;
DROP TRIGGER users_audit ON core.users;
