-- Undo 0095_colocate_the_audit_log_with_its_users: the runner re-loads the earlier versions of
-- ops.tg__audit (0027) and api.erase_user (0093) after this file; the function 0095 created goes here. On Citus, once `distribute`
-- has made the column the distribution column, it cannot be dropped: roll back there only before
-- distributing.
DROP FUNCTION ops.send_erasure_seal(text);
ALTER TABLE ops.audit_log DROP COLUMN subject_user_id;
