-- Undo 0007_create_api: one statement per statement of the migration, in reverse order.

-- loaded from functions/ after the migration's statements
DROP FUNCTION api.claim_due_reminders(integer);
DROP FUNCTION api.recall_memories(text, integer, core.memory_tier[]);
DROP FUNCTION api.search_messages(text, uuid, timestamptz, timestamptz, integer, integer);
DROP FUNCTION api.conversation_history(uuid, timestamptz, uuid, integer);

REVOKE SELECT
    ON api.users, api.credentials, api.conversations, api.messages, api.tasks, api.open_tasks, api.events,
       api.actions, api.pending_actions, api.reminders, api.due_reminders, api.memories
  FROM assistant_readonly;
REVOKE SELECT ON api.open_tasks, api.pending_actions, api.due_reminders FROM assistant_app, assistant_service;
REVOKE SELECT, INSERT ON api.events FROM assistant_app, assistant_service;
REVOKE SELECT, INSERT, UPDATE, DELETE ON api.messages FROM assistant_app, assistant_service;
REVOKE SELECT, INSERT, UPDATE, DELETE
    ON api.credentials, api.conversations, api.tasks, api.actions, api.reminders, api.memories
  FROM assistant_app, assistant_service;
REVOKE SELECT, INSERT, UPDATE, DELETE ON api.users FROM assistant_service;
REVOKE SELECT, UPDATE ON api.users FROM assistant_app;

-- (the views' comments go with them)
DROP VIEW api.memories;
DROP VIEW api.due_reminders;
DROP VIEW api.reminders;
DROP VIEW api.pending_actions;
DROP VIEW api.actions;
DROP VIEW api.events;
DROP VIEW api.open_tasks;
DROP VIEW api.tasks;
DROP VIEW api.messages;
DROP VIEW api.conversations;
DROP VIEW api.credentials;
DROP VIEW api.users;

-- loaded from functions/ before the migration's statements
DROP FUNCTION core.to_prefix_tsquery(tsquery);
DROP FUNCTION core.raise_unless(boolean, text, text, text);
