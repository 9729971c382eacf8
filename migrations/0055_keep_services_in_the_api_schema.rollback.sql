DROP FUNCTION api.delete_expired_memories();
GRANT USAGE ON SCHEMA core TO assistant_service;
