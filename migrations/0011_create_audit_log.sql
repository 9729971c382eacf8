-- Create the audit log: one generic trigger records every INSERT, UPDATE and DELETE on the
-- tables it is attached to (ops.enable_audit), in a table partitioned by month, append-only.
-- depends: 0010_create_ops_extensions 0002_create_partition_maintenance
-- functions: tg__audit tg_audit_log__forbid_change enable_audit
--
-- Runs in one transaction as assistant_owner.
-- Partner: 0011_create_audit_log.rollback.sql undoes each statement here, in reverse order.

-- The roles that read ops through api views (security_invoker) need USAGE on ops; what they may
-- read there is decided table by table below and in the later ops migrations.
GRANT USAGE ON SCHEMA ops TO assistant_app, assistant_readonly, assistant_service;

CREATE TYPE ops.audit_operation AS ENUM ('INSERT', 'UPDATE', 'DELETE');
COMMENT ON TYPE ops.audit_operation IS 'The data change an ops.audit_log row records.';

CREATE TABLE ops.audit_log (
    id bigint GENERATED ALWAYS AS IDENTITY,
    changed_at timestamptz NOT NULL DEFAULT now(),
    table_schema text NOT NULL,
    table_name text NOT NULL,
    operation ops.audit_operation NOT NULL,
    row_key jsonb NOT NULL,
    db_role text NOT NULL,
    login_role text NOT NULL,
    app_user_id uuid,
    transaction_id bigint NOT NULL,
    old_values jsonb,
    new_values jsonb,
    CONSTRAINT audit_log_pkey PRIMARY KEY (id, changed_at),
    CONSTRAINT audit_log_operation_check CHECK (
        CASE operation
            WHEN 'INSERT' THEN old_values IS NULL AND new_values IS NOT NULL
            WHEN 'UPDATE' THEN old_values IS NOT NULL AND new_values IS NOT NULL
            WHEN 'DELETE' THEN old_values IS NOT NULL AND new_values IS NULL
        END)
) PARTITION BY RANGE (changed_at);

COMMENT ON TABLE ops.audit_log IS
    'Audit trail (LGPD): one row per row inserted, updated or deleted in an audited table, written by ops.tg__audit(). Append-only for every role but assistant_owner; partitioned by month on changed_at.';
COMMENT ON COLUMN ops.audit_log.changed_at IS 'Time of the change: the start of its transaction (now()); the partition key.';
COMMENT ON COLUMN ops.audit_log.table_schema IS 'Schema of the audited table (the partitioned parent, never a partition).';
COMMENT ON COLUMN ops.audit_log.table_name IS 'Name of the audited table (the partitioned parent, never a partition).';
COMMENT ON COLUMN ops.audit_log.operation IS 'INSERT, UPDATE or DELETE.';
COMMENT ON COLUMN ops.audit_log.row_key IS 'Primary key of the changed row, as {"column": value}.';
COMMENT ON COLUMN ops.audit_log.db_role IS 'The database role that made the change (the role SET ROLE chose, else the login).';
COMMENT ON COLUMN ops.audit_log.login_role IS 'The login (session_user) of the connection that made the change.';
COMMENT ON COLUMN ops.audit_log.app_user_id IS 'The application user (the app.user_id setting) on whose behalf the change was made; NULL when unset or not a UUID.';
COMMENT ON COLUMN ops.audit_log.transaction_id IS 'Transaction id (pg_current_xact_id) of the change: rows with the same id changed together.';
COMMENT ON COLUMN ops.audit_log.old_values IS 'DELETE: the whole old row; UPDATE: the old values of the changed columns only; NULL for INSERT. Secret columns read "***".';
COMMENT ON COLUMN ops.audit_log.new_values IS 'INSERT: the whole new row; UPDATE: the new values of the changed columns only; NULL for DELETE. Secret columns read "***".';

-- the history of one row, and everything a data subject's requests did (LGPD access requests)
CREATE INDEX audit_log_table_name_row_key_idx ON ops.audit_log (table_schema, table_name, row_key);
CREATE INDEX audit_log_app_user_id_changed_at_idx ON ops.audit_log (app_user_id, changed_at)
    WHERE app_user_id IS NOT NULL;
CREATE INDEX audit_log_changed_at_idx ON ops.audit_log (changed_at);

CREATE TRIGGER audit_log_forbid_change
    BEFORE UPDATE OR DELETE ON ops.audit_log
    FOR EACH ROW EXECUTE FUNCTION ops.tg_audit_log__forbid_change();

-- Writers are the audit trigger only (SECURITY DEFINER, owned by assistant_owner); operators read.
REVOKE ALL ON ops.audit_log FROM PUBLIC;
GRANT SELECT ON ops.audit_log TO assistant_readonly;

-- Monthly partitions, kept: the audit trail has no retention (an LGPD erasure is a new event,
-- not a deleted history).
SELECT * FROM maint.register_partitioned_table('ops.audit_log', 'month', 3, NULL, 'drop');

CREATE VIEW api.audit_trail WITH (security_invoker = true) AS
SELECT id, changed_at, table_schema, table_name, operation, row_key, db_role, login_role,
       app_user_id, transaction_id, old_values, new_values
  FROM ops.audit_log;

COMMENT ON VIEW api.audit_trail IS
    'The audit trail for operators and data-protection requests (read-only role): filter on changed_at, table_name/row_key or app_user_id, which are indexed.';
COMMENT ON COLUMN api.audit_trail.changed_at IS 'Time of the change (transaction start).';
COMMENT ON COLUMN api.audit_trail.table_schema IS 'Schema of the audited table.';
COMMENT ON COLUMN api.audit_trail.table_name IS 'Audited table.';
COMMENT ON COLUMN api.audit_trail.operation IS 'INSERT, UPDATE or DELETE.';
COMMENT ON COLUMN api.audit_trail.row_key IS 'Primary key of the changed row.';
COMMENT ON COLUMN api.audit_trail.db_role IS 'Database role that made the change.';
COMMENT ON COLUMN api.audit_trail.login_role IS 'Login of the connection that made the change.';
COMMENT ON COLUMN api.audit_trail.app_user_id IS 'Application user (app.user_id) of the change.';
COMMENT ON COLUMN api.audit_trail.transaction_id IS 'Transaction id of the change.';
COMMENT ON COLUMN api.audit_trail.old_values IS 'Old values (changed columns for UPDATE, whole row for DELETE); secrets masked.';
COMMENT ON COLUMN api.audit_trail.new_values IS 'New values (changed columns for UPDATE, whole row for INSERT); secrets masked.';

GRANT SELECT ON api.audit_trail TO assistant_readonly;
