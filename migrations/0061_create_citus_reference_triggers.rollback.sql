-- Undo 0061_create_citus_reference_triggers in reverse order (on Citus, run after removing the
-- triggers `runner.py distribute` attached).
COMMENT ON SCHEMA core IS 'Private: users, conversations, messages, agent work and memory. Apps read it through api.';
DROP FUNCTION core.tg_tasks__unlink_events();
DROP FUNCTION core.tg_conversations__unlink_references();
