-- Undo 0038_create_user_export: drop the function it created.
DROP FUNCTION api.export_user(uuid);
