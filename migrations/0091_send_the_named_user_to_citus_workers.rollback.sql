-- Undo 0091_send_the_named_user_to_citus_workers: the runner re-loads the earlier versions of
-- core.resolve_app_user (0027), api.act_as and api.act_as_token (0058) after this file; the two
-- functions 0091 created go here.
DROP FUNCTION core.propagate_app_user(uuid);
DROP FUNCTION core.worker_seal_app_user(uuid);
