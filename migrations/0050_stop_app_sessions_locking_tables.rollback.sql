-- Undo 0050_stop_app_sessions_locking_tables in reverse order: the app holds DELETE on the tables
-- again, and deletes through the views are automatic again.
DROP TRIGGER dashboards_delete_through_view ON api.dashboards;
DROP TRIGGER memories_delete_through_view ON api.memories;
DROP TRIGGER reminders_delete_through_view ON api.reminders;
DROP TRIGGER actions_delete_through_view ON api.actions;
DROP TRIGGER tasks_delete_through_view ON api.tasks;
DROP TRIGGER messages_delete_through_view ON api.messages;
DROP TRIGGER conversations_delete_through_view ON api.conversations;
DROP TRIGGER credentials_delete_through_view ON api.credentials;

DO $$
DECLARE
    v_table regclass;
    v_part regclass;
BEGIN
    FOREACH v_table IN ARRAY ARRAY['core.credentials', 'core.conversations', 'core.messages', 'core.tasks',
                                   'core.actions', 'core.reminders', 'core.memories', 'ops.dashboards']::regclass[] LOOP
        FOR v_part IN SELECT v_table UNION SELECT t.relid FROM pg_partition_tree(v_table) AS t LOOP
            EXECUTE format('GRANT DELETE ON %s TO assistant_app', v_part);
        END LOOP;
    END LOOP;
END
$$;

-- the function loaded before the migration's statements
DROP FUNCTION api.tg__delete_through_view();
