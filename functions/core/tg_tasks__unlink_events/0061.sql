-- core.tg_tasks__unlink_events(): BEFORE DELETE, FOR EACH ROW on core.tasks, attached by
-- `runner.py distribute` on Citus only: clears events.task_id of the task's events, as the
-- ON DELETE SET NULL (task_id) foreign key does on one server (see
-- core.tg_conversations__unlink_references).
CREATE OR REPLACE FUNCTION core.tg_tasks__unlink_events()
RETURNS trigger
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    UPDATE core.events AS e SET task_id = NULL WHERE e.user_id = OLD.user_id AND e.task_id = OLD.id;
    RETURN OLD;
END;
$$;

COMMENT ON FUNCTION core.tg_tasks__unlink_events() IS
    'Citus only (attached by runner.py distribute): before a task is deleted, clears the task_id of its events, as ON DELETE SET NULL (task_id) does on one server.';

REVOKE EXECUTE ON FUNCTION core.tg_tasks__unlink_events() FROM PUBLIC;
