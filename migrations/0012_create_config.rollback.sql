-- Undo 0012_create_config: one statement per statement of the migration, in reverse order.

REVOKE SELECT ON api.config FROM assistant_app, assistant_readonly, assistant_service;
DROP VIEW api.config;
REVOKE SELECT ON ops.config FROM assistant_app, assistant_readonly, assistant_service;
DROP TRIGGER config_secrets_audit ON ops.config_secrets;
DROP TRIGGER config_audit ON ops.config;
DROP TRIGGER config_secrets_set_updated_at ON ops.config_secrets;
DROP TABLE ops.config_secrets;
DROP TRIGGER config_set_updated_at ON ops.config;
DROP TABLE ops.config;

-- the functions loaded from functions/ after this migration's statements
DROP FUNCTION ops.get_config_secret(text);
DROP FUNCTION api.set_config_secret(text, jsonb, text, text);
DROP FUNCTION api.set_config(text, jsonb, ops.config_type, text, text);
DROP FUNCTION api.config_boolean(text, boolean);
DROP FUNCTION api.config_text(text, text);
DROP FUNCTION api.config_numeric(text, numeric);
DROP FUNCTION ops.config_value(text);

DROP TYPE ops.config_type;
