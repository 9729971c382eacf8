-- Citus, issue 15: api.erase_user failed on Citus, and a transaction of many writes crashed a
-- worker at COMMIT PREPARED: ops.audit_log was distributed by id, so the audit trigger of a shard
-- wrote its row to a shard on another node, a distributed transaction of the worker's own inside
-- the coordinator's two-phase commit. Audit rows now record whose row they are about,
-- subject_user_id (ops.tg__audit: the row's user_id, a core.users row's id, else the nil uuid),
-- and `runner.py distribute` distributes the log by it, colocated with core.users: a shard's
-- audit row goes to a shard of the same node. api.erase_user finds the rows about the user by it
-- too, and on Citus moves them to the pseudonym (the distribution column cannot be updated).
-- And api.erase_user called on its own (autocommit) failed on Citus: the seal it SET LOCALs for
-- the workers' audit guard (0093) stayed on the coordinator; ops.send_erasure_seal sets it where
-- Citus sends it. On one server nothing else changes: the column is written and pseudonymised
-- like any uuid, and the seal is never set.
-- depends: 0094_load_messages_by_copy
-- functions-after: ops.tg__audit ops.send_erasure_seal api.erase_user
--
-- Online: ADD COLUMN without a default changes only the catalog (a moment's ACCESS EXCLUSIVE lock
-- on ops.audit_log and its partitions); no row is rewritten. Rows written before it keep NULL
-- (the log is append-only: no backfill; api.erase_user still finds them by row_key).

ALTER TABLE ops.audit_log ADD COLUMN subject_user_id uuid;

COMMENT ON COLUMN ops.audit_log.subject_user_id IS
    'The user whose row this audit row is about (the row''s user_id; a core.users row''s id), the nil uuid for a row of no one user, NULL for rows written before 0095. On Citus the distribution column, colocated with core.users; api.erase_user replaces it by the pseudonym.';
