-- Create the configuration store: namespaced keys with JSONB values and safe defaults, secrets
-- kept apart where no application or dashboard role can read them, typed accessors for apps.
-- depends: 0011_create_audit_log
-- functions-after: config_value config_numeric config_text config_boolean set_config set_config_secret get_config_secret
--
-- Runs in one transaction as assistant_owner.
-- Partner: 0012_create_config.rollback.sql undoes each statement here, in reverse order.

CREATE TYPE ops.config_type AS ENUM ('credentials', 'endpoint', 'threshold', 'feature_flag', 'setting');
COMMENT ON TYPE ops.config_type IS
    'Kind of a configuration entry: credentials (always secret), endpoint (URLs), threshold (numeric limits), feature_flag (booleans), setting (anything else).';

CREATE TABLE ops.config (
    key text NOT NULL,
    value jsonb,
    config_type ops.config_type NOT NULL,
    description text NOT NULL DEFAULT '',
    is_secret boolean NOT NULL DEFAULT false,
    is_active boolean NOT NULL DEFAULT true,
    updated_by text NOT NULL DEFAULT session_user,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT config_pkey PRIMARY KEY (key),
    CONSTRAINT config_key_check CHECK (key ~ '^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$'),
    -- a secret's value lives in ops.config_secrets, never here; every other entry has a value
    CONSTRAINT config_value_check CHECK (CASE WHEN is_secret THEN value IS NULL ELSE value IS NOT NULL END),
    CONSTRAINT config_config_type_check CHECK (config_type <> 'credentials' OR is_secret)
);

COMMENT ON TABLE ops.config IS
    'Configuration of the platforms, one row per namespaced key (wake_word.sensitivity, brain.model). Secret values are not stored here but in ops.config_secrets; apps read values through api.config and the api.config_* accessors.';
COMMENT ON COLUMN ops.config.key IS 'Namespaced key: lower-case words joined by dots, at least namespace.name.';
COMMENT ON COLUMN ops.config.value IS 'The value as JSON (number, string, boolean, object); NULL exactly when the entry is secret.';
COMMENT ON COLUMN ops.config.config_type IS 'Kind of entry; credentials are always secret.';
COMMENT ON COLUMN ops.config.description IS 'What the entry controls, for operators.';
COMMENT ON COLUMN ops.config.is_secret IS 'The value is secret: kept in ops.config_secrets, masked in api.config and in the audit log.';
COMMENT ON COLUMN ops.config.is_active IS 'An inactive entry is ignored by the accessors, which then return their default.';
COMMENT ON COLUMN ops.config.updated_by IS 'Who last set the entry: the name given to api.set_config/api.set_config_secret, else the database role.';

CREATE TRIGGER config_set_updated_at
    BEFORE UPDATE ON ops.config
    FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION util.tg__set_updated_at();

CREATE TABLE ops.config_secrets (
    key text NOT NULL,
    value jsonb NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT config_secrets_pkey PRIMARY KEY (key),
    CONSTRAINT config_secrets_key_fkey FOREIGN KEY (key) REFERENCES ops.config (key)
        ON UPDATE CASCADE ON DELETE CASCADE
);

COMMENT ON TABLE ops.config_secrets IS
    'Values of the secret configuration entries (credentials, tokens). No grant to any role: written by api.set_config_secret(), read by ops.get_config_secret() (assistant_service), audited with the value masked.';
COMMENT ON COLUMN ops.config_secrets.key IS 'The ops.config entry (is_secret) this value belongs to.';
COMMENT ON COLUMN ops.config_secrets.value IS 'The secret value, as JSON. Never granted, never audited in clear.';

CREATE TRIGGER config_secrets_set_updated_at
    BEFORE UPDATE ON ops.config_secrets
    FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION util.tg__set_updated_at();

SELECT ops.enable_audit('ops.config');
SELECT ops.enable_audit('ops.config_secrets', p_masked_columns => '{value}');

REVOKE ALL ON ops.config, ops.config_secrets FROM PUBLIC;
-- ops.config holds no secret value: the roles may read it (the accessors run as the caller)
GRANT SELECT ON ops.config TO assistant_app, assistant_readonly, assistant_service;

CREATE VIEW api.config WITH (security_invoker = true) AS
SELECT key,
       CASE WHEN is_secret THEN '"***"'::jsonb ELSE value END AS value,
       config_type, description, is_secret, is_active, updated_by, updated_at
  FROM ops.config;

COMMENT ON VIEW api.config IS
    'Configuration entries as apps, dashboards and operators see them: secret values read "***".';
COMMENT ON COLUMN api.config.key IS 'Namespaced key.';
COMMENT ON COLUMN api.config.value IS 'The value as JSON; "***" for secrets.';
COMMENT ON COLUMN api.config.config_type IS 'credentials, endpoint, threshold, feature_flag or setting.';
COMMENT ON COLUMN api.config.description IS 'What the entry controls.';
COMMENT ON COLUMN api.config.is_secret IS 'The value is secret and masked here.';
COMMENT ON COLUMN api.config.is_active IS 'Inactive entries are ignored by the accessors.';
COMMENT ON COLUMN api.config.updated_by IS 'Who last set the entry.';

GRANT SELECT ON api.config TO assistant_app, assistant_readonly, assistant_service;
