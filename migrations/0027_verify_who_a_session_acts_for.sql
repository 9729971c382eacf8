-- Name the end user of a transaction in a way that cannot leak into the next transaction of a
-- pooled connection, that refuses inactive users, and that can require a signed token.
-- depends: 0026_narrow_readonly_to_dashboards
-- functions: util.hmac_sha256_pads core.seal_app_user core.resolve_app_user core.require_user_id
-- functions-after: core.current_user_id api.act_as api.act_as_token api.issue_user_token
-- functions-after: api.set_identity_key api.configure_identity ops.tg__audit
--
-- Before: applications ran `SET LOCAL app.user_id = '<uuid>'` and core.current_user_id() read
-- it. A session-level SET survived COMMIT (a pooled connection went on acting for the previous
-- user), an inactive user read and wrote as before, any session could assert any id, and the
-- audit trigger recorded NULL for id spellings the policies accepted.
-- After: `SELECT api.act_as($1)` at the start of each transaction (checks the user exists and is
-- active, sets app.user_id and a seal bound to this backend and this transaction);
-- core.current_user_id() accepts app.user_id only with a matching seal (28Y02 otherwise). Opt in
-- per database to verified identity (api.configure_identity(true)): applications then name
-- their user only with a token signed by the service or the identity provider
-- (api.act_as_token). Every user_id column defaults to core.require_user_id() (28Y01 with a hint
-- when no user is named). Errors: 28Y01-28Y07, listed in the README.

CREATE TABLE core.identity_settings (
    id boolean NOT NULL DEFAULT true,
    verified boolean NOT NULL DEFAULT false,
    max_token_ttl interval NOT NULL DEFAULT interval '1 day',
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT identity_settings_pkey PRIMARY KEY (id),
    CONSTRAINT identity_settings_id_check CHECK (id),
    CONSTRAINT identity_settings_max_token_ttl_check CHECK (max_token_ttl > interval '0' AND max_token_ttl <= interval '30 days')
);
COMMENT ON TABLE core.identity_settings IS
    'How sessions name their end user in this database (one row): verified = applications must use signed tokens (api.act_as_token). Written by api.configure_identity.';
COMMENT ON COLUMN core.identity_settings.id IS 'Always true: the table has one row.';
COMMENT ON COLUMN core.identity_settings.verified IS 'True: applications name their user only with a signed token; api.act_as is refused to them (28Y06).';
COMMENT ON COLUMN core.identity_settings.max_token_ttl IS 'The longest lifetime a token may have (and how long a retired token key stays accepted).';
INSERT INTO core.identity_settings DEFAULT VALUES;

CREATE TABLE core.identity_keys (
    id uuid NOT NULL DEFAULT util.uuid_generate_v7(),
    purpose text NOT NULL,
    inner_pad bytea NOT NULL,
    outer_pad bytea NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    retired_at timestamptz,
    CONSTRAINT identity_keys_pkey PRIMARY KEY (id),
    CONSTRAINT identity_keys_purpose_check CHECK (purpose IN ('seal', 'token')),
    CONSTRAINT identity_keys_pads_check CHECK (length(inner_pad) = 64 AND length(outer_pad) = 64),
    CONSTRAINT identity_keys_retired_at_check CHECK (purpose = 'token' OR retired_at IS NULL)
);
COMMENT ON TABLE core.identity_keys IS
    'HMAC-SHA256 keys, as their two pads: the seal key of this database (made here, never leaves it) and the token keys (api.set_identity_key; the current one and those retired less than max_token_ttl ago). Readable by the owner only.';
COMMENT ON COLUMN core.identity_keys.purpose IS 'seal: binds app.user_id to a transaction (core.seal_app_user); token: signs the tokens of api.act_as_token.';
COMMENT ON COLUMN core.identity_keys.inner_pad IS 'key XOR 0x36 repeated (64 bytes), for util.hmac_sha256_keyed.';
COMMENT ON COLUMN core.identity_keys.outer_pad IS 'key XOR 0x5c repeated (64 bytes).';
COMMENT ON COLUMN core.identity_keys.retired_at IS 'When a newer token key replaced it; tokens it signed stay valid for max_token_ttl after.';
CREATE UNIQUE INDEX identity_keys_purpose_idx ON core.identity_keys (purpose) WHERE retired_at IS NULL;
COMMENT ON INDEX core.identity_keys_purpose_idx IS 'One current key per purpose.';

-- 32 random bytes (two v4 UUIDs: 244 random bits) for the seal key
INSERT INTO core.identity_keys (purpose, inner_pad, outer_pad)
SELECT 'seal', p.inner_pad, p.outer_pad
  FROM util.hmac_sha256_pads(uuid_send(gen_random_uuid()) || uuid_send(gen_random_uuid())) AS p;

REVOKE ALL ON core.identity_settings, core.identity_keys FROM PUBLIC;

-- every user_id column: the user named for the transaction, or a clear error
ALTER TABLE core.credentials ALTER COLUMN user_id SET DEFAULT core.require_user_id();
ALTER TABLE core.conversations ALTER COLUMN user_id SET DEFAULT core.require_user_id();
ALTER TABLE core.messages ALTER COLUMN user_id SET DEFAULT core.require_user_id();
ALTER TABLE core.tasks ALTER COLUMN user_id SET DEFAULT core.require_user_id();
ALTER TABLE core.events ALTER COLUMN user_id SET DEFAULT core.require_user_id();
ALTER TABLE core.actions ALTER COLUMN user_id SET DEFAULT core.require_user_id();
ALTER TABLE core.reminders ALTER COLUMN user_id SET DEFAULT core.require_user_id();
ALTER TABLE core.memories ALTER COLUMN user_id SET DEFAULT core.require_user_id();
ALTER TABLE ops.dashboards ALTER COLUMN user_id SET DEFAULT core.require_user_id();
