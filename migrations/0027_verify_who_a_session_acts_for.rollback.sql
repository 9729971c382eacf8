-- Undo 0027_verify_who_a_session_acts_for in reverse order; the runner then restores the
-- previous core.current_user_id (app.user_id alone) and ops.tg__audit.
ALTER TABLE ops.dashboards ALTER COLUMN user_id SET DEFAULT core.current_user_id();
ALTER TABLE core.memories ALTER COLUMN user_id SET DEFAULT core.current_user_id();
ALTER TABLE core.reminders ALTER COLUMN user_id SET DEFAULT core.current_user_id();
ALTER TABLE core.actions ALTER COLUMN user_id SET DEFAULT core.current_user_id();
ALTER TABLE core.events ALTER COLUMN user_id SET DEFAULT core.current_user_id();
ALTER TABLE core.tasks ALTER COLUMN user_id SET DEFAULT core.current_user_id();
ALTER TABLE core.messages ALTER COLUMN user_id SET DEFAULT core.current_user_id();
ALTER TABLE core.conversations ALTER COLUMN user_id SET DEFAULT core.current_user_id();
ALTER TABLE core.credentials ALTER COLUMN user_id SET DEFAULT core.current_user_id();

DROP TABLE core.identity_keys;
DROP TABLE core.identity_settings;

-- the functions this migration created (core.current_user_id and ops.tg__audit are restored)
DROP FUNCTION api.configure_identity(boolean, interval);
DROP FUNCTION api.set_identity_key(bytea);
DROP FUNCTION api.issue_user_token(uuid, interval);
DROP FUNCTION api.act_as_token(text);
DROP FUNCTION api.act_as(uuid);
DROP FUNCTION core.require_user_id();
DROP FUNCTION core.resolve_app_user(boolean);
DROP FUNCTION core.seal_app_user(uuid);
DROP FUNCTION util.hmac_sha256_pads(bytea);
