-- Undo 0093_let_erasures_pseudonymise_audit_shards: the runner re-loads the earlier versions of
-- ops.tg_audit_log__forbid_change (0037) and api.erase_user (0090) after this file; the function
-- 0093 created goes here.
DROP FUNCTION ops.worker_seal_erasure();
