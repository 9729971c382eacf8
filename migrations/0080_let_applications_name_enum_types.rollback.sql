-- The earlier function versions (naming core) are re-loaded by the runner.
REVOKE USAGE ON TYPE api.user_role, api.credential_kind, api.message_role, api.task_status, api.action_type, api.action_status, api.reminder_status, api.memory_tier FROM assistant_app, assistant_service, assistant_readonly, assistant_personal_reader;
ALTER TYPE api.memory_tier SET SCHEMA core;
ALTER TYPE api.reminder_status SET SCHEMA core;
ALTER TYPE api.action_status SET SCHEMA core;
ALTER TYPE api.action_type SET SCHEMA core;
ALTER TYPE api.task_status SET SCHEMA core;
ALTER TYPE api.message_role SET SCHEMA core;
ALTER TYPE api.credential_kind SET SCHEMA core;
ALTER TYPE api.user_role SET SCHEMA core;

-- 0040 created api.search_messages with CREATE FUNCTION (it dropped the 6-argument one first):
-- the runner re-loads that version after these statements, so the function goes first
DROP FUNCTION api.search_messages(text, uuid, timestamptz, timestamptz, integer, integer, boolean);
