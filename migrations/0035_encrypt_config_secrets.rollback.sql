-- Undo 0035_encrypt_config_secrets: one statement per statement of the migration, in reverse order,
-- then drop the functions it created (the runner re-loads the 0012 versions of
-- api.set_config_secret and ops.get_config_secret).
-- Encrypted values cannot go back to clear without the key, which the database does not have: the
-- rollback refuses while there are any (decrypt them by reading and setting them again after the
-- rollback, or discard them with api.discard_config_secrets()).

COMMENT ON TABLE ops.config_secrets IS
    'Values of the secret configuration entries (credentials, tokens). No grant to any role: written by api.set_config_secret(), read by ops.get_config_secret() (assistant_service), audited with the value masked.';

COMMENT ON COLUMN ops.config_secrets.value IS 'The secret value, as JSON. Never granted, never audited in clear.';

ALTER TABLE ops.config_secrets DROP CONSTRAINT config_secrets_value_check;

DO $$
BEGIN
    IF EXISTS (SELECT FROM ops.config_secrets WHERE get_byte(value, 0) <> 0) THEN
        RAISE EXCEPTION 'ops.config_secrets holds % encrypted value(s): they cannot be stored in clear without the key',
                        (SELECT count(*) FROM ops.config_secrets WHERE get_byte(value, 0) <> 0)
            USING ERRCODE = '55000',
                  HINT = 'Read them with ops.get_config_secret() (with the key), discard them with api.discard_config_secrets(), roll back, and set them again.';
    END IF;
END
$$;
ALTER TABLE ops.config_secrets
    ALTER COLUMN value TYPE jsonb USING convert_from(substr(value, 2), 'UTF8')::jsonb;

DROP FUNCTION api.discard_config_secrets(text);
DROP FUNCTION api.rotate_secrets_key(text, text);
DROP FUNCTION api.encrypt_config_secrets();
DROP FUNCTION ops.secrets_open(text, text, bytea);
DROP FUNCTION ops.secrets_seal(text, text, jsonb);
DROP FUNCTION ops.secrets_xor_keystream(bytea, bytea, bytea, bytea);
DROP FUNCTION ops.secrets_key_material(text);
