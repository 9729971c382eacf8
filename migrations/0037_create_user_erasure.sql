-- Erase a person on request (LGPD): api.erase_user deletes everything the user owns, in every table
-- the catalog shows with a user_id column (archive included), and pseudonymises every other mention
-- of them (audit trail, logs, executions, alerts, other users' data), recording the erasure.
-- depends: 0036_fix_dba_largest_tables_sizes
-- functions-after: ops.user_pseudonym ops.user_data_tables ops.personal_data_columns ops.personal_data_patterns ops.personal_data_needles ops.pseudonymise_text ops.tg_audit_log__forbid_change api.erase_user
--
-- Runs in one transaction as assistant_owner, under the runner's lock_timeout and statement_timeout.
-- Partner: 0037_create_user_erasure.rollback.sql undoes each statement here, in reverse order.
-- The audit log's trigger gets a version that lets the erasure, and only it, rewrite audit rows
-- (functions/ops/tg_audit_log__forbid_change/0037.sql).

CREATE TABLE ops.erasure_secrets (
    singleton boolean NOT NULL DEFAULT true,
    pseudonym_key bytea NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT erasure_secrets_pkey PRIMARY KEY (singleton),
    CONSTRAINT erasure_secrets_singleton_check CHECK (singleton),
    CONSTRAINT erasure_secrets_pseudonym_key_check CHECK (length(pseudonym_key) = 32)
);

COMMENT ON TABLE ops.erasure_secrets IS
    'The per-database key of the erased users'' pseudonyms (ops.user_pseudonym), one row, made at random by 0037_create_user_erasure. No grant to any role. It is in the dumps: a restored database gives erased users the same pseudonyms.';
COMMENT ON COLUMN ops.erasure_secrets.singleton IS 'Always true: the table holds one row.';
COMMENT ON COLUMN ops.erasure_secrets.pseudonym_key IS '32 random bytes (two gen_random_uuid()), the HMAC key of the pseudonyms. Changing it would give erased users new pseudonyms.';

-- 244 random bits: gen_random_uuid() is version 4 (122 random bits each); pgcrypto is not needed
INSERT INTO ops.erasure_secrets (pseudonym_key) VALUES (uuid_send(gen_random_uuid()) || uuid_send(gen_random_uuid()));

REVOKE ALL ON ops.erasure_secrets FROM PUBLIC;

CREATE TABLE ops.erasure_log (
    id uuid NOT NULL DEFAULT util.uuid_generate_v7(),
    started_at timestamptz NOT NULL DEFAULT now(),
    completed_at timestamptz,
    pseudonym uuid NOT NULL,
    login_role text NOT NULL DEFAULT session_user,
    db_role text NOT NULL,
    transaction_id bigint NOT NULL DEFAULT pg_current_xact_id()::text::bigint,
    user_found boolean NOT NULL DEFAULT false,
    name_erased boolean NOT NULL DEFAULT false,
    deleted jsonb NOT NULL DEFAULT '{}',
    pseudonymised jsonb NOT NULL DEFAULT '{}',
    audit_values_erased jsonb NOT NULL DEFAULT '{}',
    not_scanned text[] NOT NULL DEFAULT '{}',
    CONSTRAINT erasure_log_pkey PRIMARY KEY (id),
    CONSTRAINT erasure_log_deleted_check CHECK (jsonb_typeof(deleted) = 'object'),
    CONSTRAINT erasure_log_pseudonymised_check CHECK (jsonb_typeof(pseudonymised) = 'object'),
    CONSTRAINT erasure_log_audit_values_erased_check CHECK (jsonb_typeof(audit_values_erased) = 'object')
);

COMMENT ON TABLE ops.erasure_log IS
    'One row per erasure made by api.erase_user: when, by which login, the erased user''s pseudonym and what was done, table by table. No personal data. Written only by api.erase_user; an open row (completed_at NULL) of the current transaction is what lets it rewrite audit rows.';
COMMENT ON COLUMN ops.erasure_log.started_at IS 'When the erasure ran (its transaction''s start).';
COMMENT ON COLUMN ops.erasure_log.completed_at IS 'When it finished; NULL only inside the erasure''s own transaction.';
COMMENT ON COLUMN ops.erasure_log.pseudonym IS 'The erased user''s pseudonym (ops.user_pseudonym), which replaced their id everywhere.';
COMMENT ON COLUMN ops.erasure_log.login_role IS 'The login (session_user) that called api.erase_user.';
COMMENT ON COLUMN ops.erasure_log.db_role IS 'The role it acted as (SET ROLE), else the login.';
COMMENT ON COLUMN ops.erasure_log.transaction_id IS 'Its transaction (pg_current_xact_id): the audit rows it rewrote and those its deletions wrote share nothing else with it.';
COMMENT ON COLUMN ops.erasure_log.user_found IS 'Whether a core.users row was there to erase (false for a later call that only caught rows written for the id since).';
COMMENT ON COLUMN ops.erasure_log.name_erased IS 'Whether the full name was searched for and replaced (a one-word name is not: it would erase every other use of the word).';
COMMENT ON COLUMN ops.erasure_log.deleted IS 'Rows deleted, per table: {"core.messages": 120, ...}.';
COMMENT ON COLUMN ops.erasure_log.pseudonymised IS 'Rows whose mentions of the user were pseudonymised, per table.';
COMMENT ON COLUMN ops.erasure_log.audit_values_erased IS 'Audit rows about the user''s own rows whose values now read [erased], per audit table.';
COMMENT ON COLUMN ops.erasure_log.not_scanned IS 'Tables with text columns the erasure could not read (owned by another role), so not searched for mentions.';

CREATE INDEX erasure_log_pseudonym_idx ON ops.erasure_log (pseudonym);
-- the audit log's trigger looks for the open erasure of its transaction on every row it rewrites
CREATE INDEX erasure_log_transaction_id_idx ON ops.erasure_log (transaction_id) WHERE completed_at IS NULL;

REVOKE ALL ON ops.erasure_log FROM PUBLIC;
GRANT SELECT ON ops.erasure_log TO assistant_readonly, assistant_service;

CREATE VIEW api.erasure_log WITH (security_invoker = true) AS
SELECT id, started_at, completed_at, pseudonym, login_role, db_role, user_found, name_erased, deleted,
       pseudonymised, audit_values_erased, not_scanned
  FROM ops.erasure_log
 WHERE completed_at IS NOT NULL;

COMMENT ON VIEW api.erasure_log IS
    'The erasures made (api.erase_user), for data-protection officers and operators: when, by whom, the pseudonym, counts per table. No personal data.';
COMMENT ON COLUMN api.erasure_log.started_at IS 'When the erasure ran.';
COMMENT ON COLUMN api.erasure_log.completed_at IS 'When it finished.';
COMMENT ON COLUMN api.erasure_log.pseudonym IS 'The erased user''s pseudonym, which replaced their id everywhere.';
COMMENT ON COLUMN api.erasure_log.login_role IS 'The login that called api.erase_user.';
COMMENT ON COLUMN api.erasure_log.db_role IS 'The role it acted as.';
COMMENT ON COLUMN api.erasure_log.user_found IS 'Whether a core.users row was erased.';
COMMENT ON COLUMN api.erasure_log.name_erased IS 'Whether the full name was searched for and replaced.';
COMMENT ON COLUMN api.erasure_log.deleted IS 'Rows deleted, per table.';
COMMENT ON COLUMN api.erasure_log.pseudonymised IS 'Rows pseudonymised, per table.';
COMMENT ON COLUMN api.erasure_log.audit_values_erased IS 'Audit rows whose values now read [erased], per audit table.';
COMMENT ON COLUMN api.erasure_log.not_scanned IS 'Tables that could not be searched for mentions.';

GRANT SELECT ON api.erasure_log TO assistant_readonly, assistant_service;
