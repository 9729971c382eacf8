-- Create the agents' work: tasks, events, actions (linked to their conversation and message) and
-- reminders, with the partial indexes behind "open tasks", "pending actions" and "due now".
-- depends: 0004_create_conversations_and_messages
-- functions: tg_actions__check_message tg_messages__unlink_actions
--
-- Ownership rule and row-level security as in 0003_create_users. Links to a conversation that
-- may go away (tasks, events, reminders) are ON DELETE SET NULL on the conversation column only
-- (PostgreSQL 15's column list), so the user_id half of the composite key stays.

CREATE TYPE core.task_status AS ENUM ('pending', 'in_progress', 'completed', 'failed', 'cancelled');
COMMENT ON TYPE core.task_status IS
    'Life of a task: pending and in_progress are open; completed, failed and cancelled are final.';

CREATE TABLE core.tasks (
    user_id uuid NOT NULL DEFAULT core.current_user_id(),
    id uuid NOT NULL DEFAULT util.uuid_generate_v7(),
    conversation_id uuid,
    agent text,
    description text NOT NULL,
    status core.task_status NOT NULL DEFAULT 'pending',
    result jsonb,
    metadata jsonb NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT tasks_pkey PRIMARY KEY (user_id, id),
    CONSTRAINT tasks_user_id_fkey FOREIGN KEY (user_id) REFERENCES core.users (id) ON DELETE CASCADE,
    CONSTRAINT tasks_user_id_conversation_id_fkey FOREIGN KEY (user_id, conversation_id)
        REFERENCES core.conversations (user_id, id) ON DELETE SET NULL (conversation_id),
    CONSTRAINT tasks_agent_check CHECK (btrim(agent) <> '' AND length(agent) <= 100),
    CONSTRAINT tasks_description_check CHECK (description ~ '[^[:space:]]' AND length(description) <= 10000),
    CONSTRAINT tasks_metadata_check CHECK (jsonb_typeof(metadata) = 'object')
);

COMMENT ON TABLE core.tasks IS
    'Work an agent took on for a user: what it did (completed, failed, cancelled) and what it must still do (pending, in_progress). User-owned.';
COMMENT ON COLUMN core.tasks.user_id IS 'Owner (core.users.id); defaults to app.user_id.';
COMMENT ON COLUMN core.tasks.conversation_id IS 'Conversation the task came from; NULL when it had none or the conversation was deleted.';
COMMENT ON COLUMN core.tasks.agent IS 'Agent responsible for the task.';
COMMENT ON COLUMN core.tasks.description IS 'What is to be done, in words.';
COMMENT ON COLUMN core.tasks.status IS 'core.task_status; pending and in_progress are the open tasks.';
COMMENT ON COLUMN core.tasks.result IS 'Outcome of the task as JSON, once it has one.';
COMMENT ON COLUMN core.tasks.metadata IS 'Free-form JSON object (orchestrator ids, plan, priority, ...).';

CREATE INDEX tasks_user_id_conversation_id_idx ON core.tasks (user_id, conversation_id);
-- the open tasks of a user, oldest first; small, because finished tasks leave it
CREATE INDEX tasks_user_id_created_at_idx ON core.tasks (user_id, created_at)
    WHERE status IN ('pending', 'in_progress');

CREATE TRIGGER tasks_set_updated_at
    BEFORE UPDATE ON core.tasks
    FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*)
    EXECUTE FUNCTION util.tg__set_updated_at();

ALTER TABLE core.tasks ENABLE ROW LEVEL SECURITY;

CREATE POLICY tasks_app_own_rows ON core.tasks
    FOR ALL TO assistant_app
    USING (user_id = (SELECT core.current_user_id()))
    WITH CHECK (user_id = (SELECT core.current_user_id()));
CREATE POLICY tasks_readonly_all_rows ON core.tasks
    FOR SELECT TO assistant_readonly
    USING (true);
CREATE POLICY tasks_service_all_rows ON core.tasks
    FOR ALL TO assistant_service
    USING (true)
    WITH CHECK (true);

COMMENT ON POLICY tasks_app_own_rows ON core.tasks IS 'assistant_app sees and writes only the rows of app.user_id.';
COMMENT ON POLICY tasks_readonly_all_rows ON core.tasks IS 'assistant_readonly reads every user''s rows.';
COMMENT ON POLICY tasks_service_all_rows ON core.tasks IS 'assistant_service, the trusted backend, reads and writes every user''s rows.';

GRANT SELECT, INSERT (user_id, id, conversation_id, agent, description, status, result, metadata), UPDATE (agent, description, status, result, metadata), DELETE ON core.tasks TO assistant_app;
GRANT SELECT ON core.tasks TO assistant_readonly;
GRANT SELECT, INSERT, UPDATE, DELETE ON core.tasks TO assistant_service;

CREATE TABLE core.events (
    user_id uuid NOT NULL DEFAULT core.current_user_id(),
    id uuid NOT NULL DEFAULT util.uuid_generate_v7(),
    conversation_id uuid,
    task_id uuid,
    actor text NOT NULL,
    type text NOT NULL,
    content jsonb NOT NULL DEFAULT '{}',
    occurred_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT events_pkey PRIMARY KEY (user_id, id),
    CONSTRAINT events_user_id_fkey FOREIGN KEY (user_id) REFERENCES core.users (id) ON DELETE CASCADE,
    CONSTRAINT events_user_id_conversation_id_fkey FOREIGN KEY (user_id, conversation_id)
        REFERENCES core.conversations (user_id, id) ON DELETE SET NULL (conversation_id),
    CONSTRAINT events_user_id_task_id_fkey FOREIGN KEY (user_id, task_id)
        REFERENCES core.tasks (user_id, id) ON DELETE SET NULL (task_id),
    CONSTRAINT events_actor_check CHECK (btrim(actor) <> '' AND length(actor) <= 100),
    CONSTRAINT events_type_check CHECK (type ~ '^[a-z][a-z0-9_.:-]*$' AND length(type) <= 100),
    CONSTRAINT events_content_check CHECK (jsonb_typeof(content) IN ('object', 'array'))
);

COMMENT ON TABLE core.events IS
    'Append-only log of what happened while agents worked for a user (tool calls, hand-offs, state changes). User-owned; apps insert and read, never change.';
COMMENT ON COLUMN core.events.user_id IS 'Owner (core.users.id); defaults to app.user_id.';
COMMENT ON COLUMN core.events.conversation_id IS 'Conversation the event belongs to, if any (NULL after the conversation is deleted).';
COMMENT ON COLUMN core.events.task_id IS 'Task the event belongs to, if any (NULL after the task is deleted).';
COMMENT ON COLUMN core.events.actor IS 'Who caused the event: an agent name, ''user'', ''system'', a device.';
COMMENT ON COLUMN core.events.type IS 'Event type, lower-case dotted (e.g. ''tool.called'', ''task.handoff'').';
COMMENT ON COLUMN core.events.content IS 'Event payload as a JSON object or array.';
COMMENT ON COLUMN core.events.occurred_at IS 'When the event happened (defaults to the transaction time).';

CREATE INDEX events_user_id_occurred_at_idx ON core.events (user_id, occurred_at);
CREATE INDEX events_user_id_conversation_id_idx ON core.events (user_id, conversation_id);
CREATE INDEX events_user_id_task_id_idx ON core.events (user_id, task_id);

ALTER TABLE core.events ENABLE ROW LEVEL SECURITY;

CREATE POLICY events_app_own_rows ON core.events
    FOR ALL TO assistant_app
    USING (user_id = (SELECT core.current_user_id()))
    WITH CHECK (user_id = (SELECT core.current_user_id()));
CREATE POLICY events_readonly_all_rows ON core.events
    FOR SELECT TO assistant_readonly
    USING (true);
CREATE POLICY events_service_all_rows ON core.events
    FOR ALL TO assistant_service
    USING (true)
    WITH CHECK (true);

COMMENT ON POLICY events_app_own_rows ON core.events IS 'assistant_app sees and writes only the rows of app.user_id.';
COMMENT ON POLICY events_readonly_all_rows ON core.events IS 'assistant_readonly reads every user''s rows.';
COMMENT ON POLICY events_service_all_rows ON core.events IS 'assistant_service, the trusted backend, reads and writes every user''s rows.';

GRANT SELECT, INSERT (user_id, id, conversation_id, task_id, actor, type, content, occurred_at) ON core.events TO assistant_app;
GRANT SELECT ON core.events TO assistant_readonly;
GRANT SELECT, INSERT, DELETE ON core.events TO assistant_service;

CREATE TYPE core.action_type AS ENUM ('iot_control', 'reminder', 'query', 'notification', 'integration');
COMMENT ON TYPE core.action_type IS
    'Kind of an action: iot_control (a device command), reminder (schedule one), query (look something up), notification (tell someone), integration (call an external system).';

CREATE TYPE core.action_status AS ENUM ('pending', 'executing', 'success', 'failed');
COMMENT ON TYPE core.action_status IS
    'Life of an action: pending (decided, not started), executing, then success or failed.';

CREATE TABLE core.actions (
    user_id uuid NOT NULL DEFAULT core.current_user_id(),
    id uuid NOT NULL DEFAULT util.uuid_generate_v7(),
    conversation_id uuid NOT NULL,
    message_created_at timestamptz,
    message_id uuid,
    type core.action_type NOT NULL,
    name text NOT NULL,
    parameters jsonb NOT NULL DEFAULT '{}',
    status core.action_status NOT NULL DEFAULT 'pending',
    result jsonb,
    error_message text,
    executed_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT actions_pkey PRIMARY KEY (user_id, id),
    CONSTRAINT actions_user_id_conversation_id_fkey FOREIGN KEY (user_id, conversation_id)
        REFERENCES core.conversations (user_id, id) ON DELETE CASCADE,
    -- The link to the message (user_id, conversation_id, message_created_at, message_id) is
    -- the message's whole primary key, partition key included, but it is not a declared foreign
    -- key: see the header of functions/tg_actions__check_message.sql for why, and for the two
    -- triggers that keep it honest.
    CONSTRAINT actions_message_id_check CHECK ((message_id IS NULL) = (message_created_at IS NULL)),
    CONSTRAINT actions_name_check CHECK (btrim(name) <> '' AND length(name) <= 200),
    CONSTRAINT actions_parameters_check CHECK (jsonb_typeof(parameters) = 'object'),
    CONSTRAINT actions_error_message_check CHECK (
        (status = 'failed' AND error_message IS NOT NULL AND error_message ~ '[^[:space:]]')
        OR (status <> 'failed' AND error_message IS NULL)),
    CONSTRAINT actions_executed_at_check CHECK (status NOT IN ('success', 'failed') OR executed_at IS NOT NULL)
);

COMMENT ON TABLE core.actions IS
    'Things the assistant does in the world on a user''s behalf (device commands, reminders, queries), linked to the conversation and message that asked for them. User-owned.';
COMMENT ON COLUMN core.actions.user_id IS 'Owner (core.users.id); defaults to app.user_id.';
COMMENT ON COLUMN core.actions.conversation_id IS 'Conversation the action belongs to; deleting it deletes the action.';
COMMENT ON COLUMN core.actions.message_created_at IS 'created_at of the message that asked for the action: with user_id, conversation_id and message_id the message''s primary key (a checked link, not a declared foreign key: see core.tg_actions__check_message). Set with message_id, or neither.';
COMMENT ON COLUMN core.actions.message_id IS 'id of the message that asked for the action; NULL when none, or after the message was deleted (a message dropped with its partition by retention leaves it set).';
COMMENT ON COLUMN core.actions.type IS 'core.action_type.';
COMMENT ON COLUMN core.actions.name IS 'What exactly, e.g. ''cabin_lights.on'' or ''metar.lookup''.';
COMMENT ON COLUMN core.actions.parameters IS 'Arguments of the action as a JSON object.';
COMMENT ON COLUMN core.actions.status IS 'core.action_status; failed requires error_message, success and failed require executed_at.';
COMMENT ON COLUMN core.actions.result IS 'What the action returned, as JSON.';
COMMENT ON COLUMN core.actions.error_message IS 'Why it failed; set exactly when status is failed.';
COMMENT ON COLUMN core.actions.executed_at IS 'When it was executed; required once it succeeded or failed.';

-- serves the conversation foreign key (its prefix) and the message link: "the actions of a
-- message", and clearing the links when messages are deleted
CREATE INDEX actions_user_id_conversation_id_message_created_at_idx
    ON core.actions (user_id, conversation_id, message_created_at, message_id);

CREATE TRIGGER actions_check_message
    BEFORE INSERT OR UPDATE OF user_id, conversation_id, message_created_at, message_id ON core.actions
    -- half a link (one of the two columns) is left to actions_message_id_check
    FOR EACH ROW WHEN (NEW.message_id IS NOT NULL AND NEW.message_created_at IS NOT NULL)
    EXECUTE FUNCTION core.tg_actions__check_message();
CREATE TRIGGER messages_unlink_actions_after_delete
    AFTER DELETE ON core.messages
    REFERENCING OLD TABLE AS old_messages
    FOR EACH STATEMENT
    EXECUTE FUNCTION core.tg_messages__unlink_actions();
-- pending actions of a user, oldest first
CREATE INDEX actions_user_id_created_at_idx ON core.actions (user_id, created_at)
    WHERE status = 'pending';

CREATE TRIGGER actions_set_updated_at
    BEFORE UPDATE ON core.actions
    FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*)
    EXECUTE FUNCTION util.tg__set_updated_at();

ALTER TABLE core.actions ENABLE ROW LEVEL SECURITY;

CREATE POLICY actions_app_own_rows ON core.actions
    FOR ALL TO assistant_app
    USING (user_id = (SELECT core.current_user_id()))
    WITH CHECK (user_id = (SELECT core.current_user_id()));
CREATE POLICY actions_readonly_all_rows ON core.actions
    FOR SELECT TO assistant_readonly
    USING (true);
CREATE POLICY actions_service_all_rows ON core.actions
    FOR ALL TO assistant_service
    USING (true)
    WITH CHECK (true);

COMMENT ON POLICY actions_app_own_rows ON core.actions IS 'assistant_app sees and writes only the rows of app.user_id.';
COMMENT ON POLICY actions_readonly_all_rows ON core.actions IS 'assistant_readonly reads every user''s rows.';
COMMENT ON POLICY actions_service_all_rows ON core.actions IS 'assistant_service, the trusted backend, reads and writes every user''s rows.';

GRANT SELECT, INSERT (user_id, id, conversation_id, message_created_at, message_id, type, name, parameters, status, result, error_message, executed_at), UPDATE (status, result, error_message, executed_at, parameters), DELETE ON core.actions TO assistant_app;
GRANT SELECT ON core.actions TO assistant_readonly;
GRANT SELECT, INSERT, UPDATE, DELETE ON core.actions TO assistant_service;

CREATE TYPE core.reminder_status AS ENUM ('pending', 'triggered', 'cancelled');
COMMENT ON TYPE core.reminder_status IS
    'Life of a reminder: pending until its time, then triggered (delivered), or cancelled.';

CREATE TABLE core.reminders (
    user_id uuid NOT NULL DEFAULT core.current_user_id(),
    id uuid NOT NULL DEFAULT util.uuid_generate_v7(),
    conversation_id uuid,
    title text NOT NULL,
    description text,
    scheduled_at timestamptz NOT NULL,
    status core.reminder_status NOT NULL DEFAULT 'pending',
    triggered_at timestamptz,
    metadata jsonb NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT reminders_pkey PRIMARY KEY (user_id, id),
    CONSTRAINT reminders_user_id_fkey FOREIGN KEY (user_id) REFERENCES core.users (id) ON DELETE CASCADE,
    CONSTRAINT reminders_user_id_conversation_id_fkey FOREIGN KEY (user_id, conversation_id)
        REFERENCES core.conversations (user_id, id) ON DELETE SET NULL (conversation_id),
    CONSTRAINT reminders_title_check CHECK (title ~ '[^[:space:]]' AND length(title) <= 200),
    CONSTRAINT reminders_description_check CHECK (description ~ '[^[:space:]]' AND length(description) <= 10000),
    CONSTRAINT reminders_triggered_at_check CHECK ((status = 'triggered') = (triggered_at IS NOT NULL)),
    CONSTRAINT reminders_metadata_check CHECK (jsonb_typeof(metadata) = 'object')
);

COMMENT ON TABLE core.reminders IS
    'Reminders the assistant must deliver to a user at a time. User-owned.';
COMMENT ON COLUMN core.reminders.user_id IS 'Owner (core.users.id); defaults to app.user_id.';
COMMENT ON COLUMN core.reminders.conversation_id IS 'Conversation it was set in, if any (NULL after the conversation is deleted).';
COMMENT ON COLUMN core.reminders.title IS 'What to remind, short.';
COMMENT ON COLUMN core.reminders.description IS 'Longer text, optional.';
COMMENT ON COLUMN core.reminders.scheduled_at IS 'When it is due.';
COMMENT ON COLUMN core.reminders.status IS 'core.reminder_status; "due now" is status = pending and scheduled_at <= now().';
COMMENT ON COLUMN core.reminders.triggered_at IS 'When it was delivered; set exactly when status is triggered.';
COMMENT ON COLUMN core.reminders.metadata IS 'Free-form JSON object (channel, recurrence hints, ...).';

CREATE INDEX reminders_user_id_conversation_id_idx ON core.reminders (user_id, conversation_id);
-- "due now": partial indexes hold only pending reminders, so they stay small however many were
-- delivered. One per user (the app's due list), one across users (the dispatcher's).
CREATE INDEX reminders_user_id_scheduled_at_idx ON core.reminders (user_id, scheduled_at)
    WHERE status = 'pending';
CREATE INDEX reminders_scheduled_at_idx ON core.reminders (scheduled_at)
    WHERE status = 'pending';

CREATE TRIGGER reminders_set_updated_at
    BEFORE UPDATE ON core.reminders
    FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*)
    EXECUTE FUNCTION util.tg__set_updated_at();

ALTER TABLE core.reminders ENABLE ROW LEVEL SECURITY;

CREATE POLICY reminders_app_own_rows ON core.reminders
    FOR ALL TO assistant_app
    USING (user_id = (SELECT core.current_user_id()))
    WITH CHECK (user_id = (SELECT core.current_user_id()));
CREATE POLICY reminders_readonly_all_rows ON core.reminders
    FOR SELECT TO assistant_readonly
    USING (true);
CREATE POLICY reminders_service_all_rows ON core.reminders
    FOR ALL TO assistant_service
    USING (true)
    WITH CHECK (true);

COMMENT ON POLICY reminders_app_own_rows ON core.reminders IS 'assistant_app sees and writes only the rows of app.user_id.';
COMMENT ON POLICY reminders_readonly_all_rows ON core.reminders IS 'assistant_readonly reads every user''s rows.';
COMMENT ON POLICY reminders_service_all_rows ON core.reminders IS 'assistant_service, the trusted backend, reads and writes every user''s rows.';

GRANT SELECT, INSERT (user_id, id, conversation_id, title, description, scheduled_at, status, triggered_at, metadata), UPDATE (title, description, scheduled_at, status, triggered_at, metadata), DELETE ON core.reminders TO assistant_app;
GRANT SELECT ON core.reminders TO assistant_readonly;
GRANT SELECT, INSERT, UPDATE, DELETE ON core.reminders TO assistant_service;
