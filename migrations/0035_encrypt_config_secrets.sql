-- Encrypt the secret configuration values at rest, under a master key the service holds and the
-- database never stores: a dump alone reveals no secret.
-- depends: 0022_add_hmac_helpers
-- functions-after: ops.secrets_key_material ops.secrets_xor_keystream ops.secrets_seal ops.secrets_open api.set_config_secret ops.get_config_secret api.encrypt_config_secrets api.rotate_secrets_key api.discard_config_secrets
--
-- Runs in one transaction as assistant_owner, under the runner's lock_timeout and statement_timeout.
-- Partner: 0035_encrypt_config_secrets.rollback.sql undoes each statement here, in reverse order.
--
-- The service gives the key per session (assistant.secrets_key: set_config() with a bind parameter
-- right after connecting, or -c in its connection options); api.set_config_secret seals with it,
-- ops.get_config_secret opens with it (the cipher and its reasons: functions/ops/secrets_seal).
-- Values written before stay readable, in clear, as version 0 of the stored form, until the
-- service runs api.encrypt_config_secrets(): the migration cannot encrypt them, since the key is
-- not in the database. ops.config_secrets holds one row per secret entry (a handful): rewriting it
-- to change the column's type takes its lock for milliseconds.

ALTER TABLE ops.config_secrets
    -- squawk-ignore changing-column-type
    ALTER COLUMN value TYPE bytea USING '\x00'::bytea || convert_to(value::text, 'UTF8');

ALTER TABLE ops.config_secrets
    -- squawk-ignore constraint-missing-not-valid
    ADD CONSTRAINT config_secrets_value_check CHECK (
        CASE get_byte(value, 0) WHEN 0 THEN length(value) > 1 WHEN 1 THEN length(value) >= 58 ELSE false END);

COMMENT ON COLUMN ops.config_secrets.value IS
    'The stored secret: version byte 0x01, then the 8-byte fingerprint of the master key it is sealed with, a 16-byte nonce, the ciphertext of the value''s JSON text and a 32-byte HMAC-SHA256 tag (ops.secrets_seal). Version 0x00: a value written before encryption, in clear (its JSON text), until api.encrypt_config_secrets(). Never granted, never audited in clear.';

COMMENT ON TABLE ops.config_secrets IS
    'Values of the secret configuration entries (credentials, tokens), encrypted under a master key the service gives per session (assistant.secrets_key) and the database never stores. No grant to any role: written by api.set_config_secret(), read by ops.get_config_secret() (assistant_service), audited with the value masked.';
