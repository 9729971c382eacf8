-- The enum types an application meets (roles, statuses, tiers) move from core, which apps may
-- not use, to api, so an app can write what the hints and the README say: `%s::api.memory_tier[]`,
-- `unnest(%s::api.message_role[])` in a bulk insert, an ORM's ENUM(name=..., schema='api'). Columns
-- keep their type (the same type, by its oid); the functions that name a type by its schema get
-- a version that names api. ALTER TYPE ... SET SCHEMA only renames the type in the catalog: no
-- table is rewritten or scanned.
-- depends: 0040_search_portuguese_forms_online 0079_claim_reminders_as_the_owner
-- functions-after: api.add_action api.add_memory api.add_message api.add_messages api.add_task api.conversation_history api.recall_memories api.search_messages

-- squawk: the move is the point (apps could not name the types where they were); columns,
-- views and stored function bodies follow by oid, only text naming core.<type> changes
-- squawk-ignore ban-set-schema
ALTER TYPE core.user_role SET SCHEMA api;
-- squawk-ignore ban-set-schema
ALTER TYPE core.credential_kind SET SCHEMA api;
-- squawk-ignore ban-set-schema
ALTER TYPE core.message_role SET SCHEMA api;
-- squawk-ignore ban-set-schema
ALTER TYPE core.task_status SET SCHEMA api;
-- squawk-ignore ban-set-schema
ALTER TYPE core.action_type SET SCHEMA api;
-- squawk-ignore ban-set-schema
ALTER TYPE core.action_status SET SCHEMA api;
-- squawk-ignore ban-set-schema
ALTER TYPE core.reminder_status SET SCHEMA api;
-- squawk-ignore ban-set-schema
ALTER TYPE core.memory_tier SET SCHEMA api;

-- USAGE on types is PUBLIC by default; said explicitly, as Citus does not propagate default privileges
GRANT USAGE ON TYPE api.user_role, api.credential_kind, api.message_role, api.task_status, api.action_type, api.action_status, api.reminder_status, api.memory_tier TO assistant_app, assistant_service, assistant_readonly, assistant_personal_reader;
