-- Create the trigger functions `runner.py distribute` attaches on Citus in place of the
-- ON DELETE SET NULL (col) foreign keys Citus refuses (keys that include the distribution
-- column). Nothing attaches them on one server: plain PostgreSQL behaves exactly as before.
-- depends: 0060_create_write_api
-- functions-after: core.tg_conversations__unlink_references core.tg_tasks__unlink_events
COMMENT ON SCHEMA core IS 'Private: users, conversations, messages, agent work and memory. Apps read it through api.';
