-- The earlier api.act_as and api.act_as_token are re-loaded by the runner.
DROP FUNCTION core.bound_app_transaction();
