-- Undo 0060_create_write_api in reverse order: the schema comment back, then the write API's
-- functions and their helpers.
COMMENT ON SCHEMA api IS 'The only schema applications use: security_invoker views and functions.';
DROP FUNCTION api.add_memory(text, text, double precision, uuid, timestamptz, jsonb);
DROP FUNCTION api.add_reminder(text, timestamptz, text, uuid, jsonb);
DROP FUNCTION api.add_action(uuid, text, text, jsonb, timestamptz, uuid);
DROP FUNCTION api.add_event(text, text, jsonb, uuid, uuid, timestamptz);
DROP FUNCTION api.add_task(text, uuid, text, text, jsonb);
DROP FUNCTION api.add_messages(uuid, text[], text[], text[], jsonb[]);
DROP FUNCTION api.add_messages(uuid, jsonb);
DROP FUNCTION api.add_message(uuid, text, text, jsonb, jsonb, text, text, double precision, integer, jsonb, integer, text, timestamptz);
DROP FUNCTION api.rename_conversation(uuid, text);
DROP FUNCTION api.end_conversation(uuid, timestamptz, text, double precision);
DROP FUNCTION api.start_conversation(text, jsonb, timestamptz);
DROP FUNCTION core.require_own_conversation(uuid, uuid, text, text);
DROP FUNCTION core.require_enum_label(regtype, text, text, text);
