-- Undo 0006_create_memory: one statement per statement of the migration, in reverse order.

-- loaded from functions/ after the migration's statements
DROP FUNCTION core.cleanup_expired_memories();

REVOKE SELECT ON core.memories FROM assistant_readonly;
REVOKE SELECT, INSERT, UPDATE, DELETE ON core.memories FROM assistant_app, assistant_service;

DROP POLICY memories_service_all_rows ON core.memories;
DROP POLICY memories_readonly_all_rows ON core.memories;
DROP POLICY memories_app_own_rows ON core.memories;

ALTER TABLE core.memories DISABLE ROW LEVEL SECURITY;

DROP TRIGGER memories_set_updated_at ON core.memories;
DROP TRIGGER memories_set_expires_at ON core.memories;

DROP INDEX core.memories_expires_at_idx;
DROP INDEX core.memories_search_vector_idx;
DROP INDEX core.memories_user_id_source_conversation_id_idx;

DROP TABLE core.memories;

DROP TYPE core.memory_tier;

-- loaded from functions/ before the migration's statements
DROP FUNCTION core.tg_memories__set_expires_at();
