-- Undo 0005_create_agent_work: one statement per statement of the migration, in reverse order.

REVOKE SELECT, INSERT, UPDATE, DELETE ON core.reminders FROM assistant_service;
REVOKE SELECT ON core.reminders FROM assistant_readonly;
REVOKE SELECT, INSERT, UPDATE, DELETE ON core.reminders FROM assistant_app;

DROP POLICY reminders_service_all_rows ON core.reminders;
DROP POLICY reminders_readonly_all_rows ON core.reminders;
DROP POLICY reminders_app_own_rows ON core.reminders;

ALTER TABLE core.reminders DISABLE ROW LEVEL SECURITY;

DROP TRIGGER reminders_set_updated_at ON core.reminders;

DROP INDEX core.reminders_scheduled_at_idx;
DROP INDEX core.reminders_user_id_scheduled_at_idx;
DROP INDEX core.reminders_user_id_conversation_id_idx;

DROP TABLE core.reminders;

DROP TYPE core.reminder_status;

REVOKE SELECT, INSERT, UPDATE, DELETE ON core.actions FROM assistant_service;
REVOKE SELECT ON core.actions FROM assistant_readonly;
REVOKE SELECT, INSERT, UPDATE, DELETE ON core.actions FROM assistant_app;

DROP POLICY actions_service_all_rows ON core.actions;
DROP POLICY actions_readonly_all_rows ON core.actions;
DROP POLICY actions_app_own_rows ON core.actions;

ALTER TABLE core.actions DISABLE ROW LEVEL SECURITY;

DROP TRIGGER actions_set_updated_at ON core.actions;

DROP INDEX core.actions_user_id_created_at_idx;
DROP TRIGGER messages_unlink_actions_after_delete ON core.messages;
DROP TRIGGER actions_check_message ON core.actions;

DROP INDEX core.actions_user_id_conversation_id_message_created_at_idx;

DROP TABLE core.actions;

DROP TYPE core.action_status;
DROP TYPE core.action_type;

REVOKE SELECT, INSERT, DELETE ON core.events FROM assistant_service;
REVOKE SELECT ON core.events FROM assistant_readonly;
REVOKE SELECT, INSERT ON core.events FROM assistant_app;

DROP POLICY events_service_all_rows ON core.events;
DROP POLICY events_readonly_all_rows ON core.events;
DROP POLICY events_app_own_rows ON core.events;

ALTER TABLE core.events DISABLE ROW LEVEL SECURITY;

DROP INDEX core.events_user_id_task_id_idx;
DROP INDEX core.events_user_id_conversation_id_idx;
DROP INDEX core.events_user_id_occurred_at_idx;

DROP TABLE core.events;

REVOKE SELECT, INSERT, UPDATE, DELETE ON core.tasks FROM assistant_service;
REVOKE SELECT ON core.tasks FROM assistant_readonly;
REVOKE SELECT, INSERT, UPDATE, DELETE ON core.tasks FROM assistant_app;

DROP POLICY tasks_service_all_rows ON core.tasks;
DROP POLICY tasks_readonly_all_rows ON core.tasks;
DROP POLICY tasks_app_own_rows ON core.tasks;

ALTER TABLE core.tasks DISABLE ROW LEVEL SECURITY;

DROP TRIGGER tasks_set_updated_at ON core.tasks;

DROP INDEX core.tasks_user_id_created_at_idx;
DROP INDEX core.tasks_user_id_conversation_id_idx;

DROP TABLE core.tasks;

DROP TYPE core.task_status;

-- loaded from functions/ before the migration's statements
DROP FUNCTION core.tg_messages__unlink_actions();
DROP FUNCTION core.tg_actions__check_message();
