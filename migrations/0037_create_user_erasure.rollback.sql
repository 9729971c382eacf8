-- Undo 0037_create_user_erasure: one statement per statement of the migration, in reverse order,
-- then drop the functions it created (the runner re-loads the 0011 version of
-- ops.tg_audit_log__forbid_change). What erasures did to the data stays done.

REVOKE SELECT ON api.erasure_log FROM assistant_readonly, assistant_service;
DROP VIEW api.erasure_log;
REVOKE SELECT ON ops.erasure_log FROM assistant_readonly, assistant_service;
DROP INDEX ops.erasure_log_transaction_id_idx;
DROP INDEX ops.erasure_log_pseudonym_idx;
DROP TABLE ops.erasure_log;
DROP TABLE ops.erasure_secrets;

DROP FUNCTION api.erase_user(uuid);
DROP FUNCTION ops.pseudonymise_text(text, text[], uuid);
DROP FUNCTION ops.personal_data_needles(uuid, text, text, boolean);
DROP FUNCTION ops.personal_data_patterns(uuid, text, text, boolean);
DROP FUNCTION ops.personal_data_columns(regclass);
DROP FUNCTION ops.user_data_tables();
DROP FUNCTION ops.user_pseudonym(uuid);
