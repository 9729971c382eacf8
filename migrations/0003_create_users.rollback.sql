-- Undo 0003_create_users: one statement per statement of the migration, in reverse order.

REVOKE SELECT, INSERT, UPDATE, DELETE ON core.credentials FROM assistant_service;
REVOKE SELECT ON core.credentials FROM assistant_readonly;
REVOKE SELECT, INSERT, UPDATE, DELETE ON core.credentials FROM assistant_app;

DROP POLICY credentials_service_all_rows ON core.credentials;
DROP POLICY credentials_readonly_all_rows ON core.credentials;
DROP POLICY credentials_app_own_rows ON core.credentials;

ALTER TABLE core.credentials DISABLE ROW LEVEL SECURITY;

DROP TRIGGER credentials_set_updated_at ON core.credentials;

DROP TABLE core.credentials;

DROP TYPE core.credential_kind;

REVOKE USAGE ON SCHEMA core FROM assistant_service;
REVOKE SELECT, INSERT, UPDATE, DELETE ON core.users FROM assistant_service;
REVOKE SELECT ON core.users FROM assistant_readonly;
REVOKE SELECT, UPDATE ON core.users FROM assistant_app;

DROP POLICY users_service_all_rows ON core.users;
DROP POLICY users_readonly_all_rows ON core.users;
DROP POLICY users_app_own_rows ON core.users;

ALTER TABLE core.users DISABLE ROW LEVEL SECURITY;

DROP TRIGGER users_set_updated_at ON core.users;

DROP INDEX core.users_metadata_idx;

DROP INDEX core.users_lower_email_idx;

DROP TABLE core.users;

DROP TYPE core.user_role;

-- loaded from functions/ before the migration's statements
DROP FUNCTION core.current_user_id();
