-- Column-privilege errors that name the column. PostgreSQL refuses a column the app lacks the
-- privilege on with "permission denied for table conversations", naming neither the column nor the
-- view the app wrote to. For every column of an api view an app may not write (ids, owners,
-- created_at/updated_at, the service's users.email/roles/is_active, what is fixed at insert),
-- the app gets the column privilege on core (an explicit column list: a column added later stays
-- denied by PostgreSQL) and a BEFORE trigger refuses the change with 42501
-- 'cannot update column "created_at" of view api.conversations', a DETAIL saying who keeps it and
-- a HINT listing the columns it may write. Unchanged write-backs (ORMs) and defaults pass.
-- The triggers are named to fire before every other BEFORE trigger of their table.
-- depends: 0086_audit_conversation_retention_settings
-- functions: util.tg__refuse_app_column_write
-- Locks: CREATE TRIGGER takes SHARE ROW EXCLUSIVE on each table (and each messages partition) for a
-- moment, no scan; GRANT takes none that blocks writes.

GRANT UPDATE (user_id, id, conversation_id, message_created_at, message_id, type, name, created_at, updated_at) ON core.actions TO assistant_app;
CREATE TRIGGER actions_app_updates_only_its_columns
    BEFORE UPDATE ON core.actions
    FOR EACH ROW
    WHEN ((OLD.user_id, OLD.id, OLD.conversation_id, OLD.message_created_at, OLD.message_id, OLD.type, OLD.name, OLD.created_at, OLD.updated_at) IS DISTINCT FROM (NEW.user_id, NEW.id, NEW.conversation_id, NEW.message_created_at, NEW.message_id, NEW.type, NEW.name, NEW.created_at, NEW.updated_at)
          AND pg_has_role(current_user, 'assistant_app', 'USAGE'))
    EXECUTE FUNCTION util.tg__refuse_app_column_write('user_id', 'id', 'conversation_id', 'message_created_at', 'message_id', 'type', 'name', 'created_at', 'updated_at');
COMMENT ON TRIGGER actions_app_updates_only_its_columns ON core.actions IS
    'Refuses, naming the column (42501), an app login''s change of user_id, id, conversation_id, message_created_at, message_id, type, name, created_at, updated_at through api.actions.';

GRANT INSERT (created_at, updated_at) ON core.actions TO assistant_app;
CREATE TRIGGER actions_app_inserts_only_its_columns
    BEFORE INSERT ON core.actions
    FOR EACH ROW
    WHEN ((NEW.created_at, NEW.updated_at) IS DISTINCT FROM (now(), now())
          AND pg_has_role(current_user, 'assistant_app', 'USAGE'))
    EXECUTE FUNCTION util.tg__refuse_app_column_write('created_at', 'updated_at');
COMMENT ON TRIGGER actions_app_inserts_only_its_columns ON core.actions IS
    'Refuses, naming the column (42501), an app login''s INSERT through api.actions that sets created_at, updated_at (the database sets them).';

GRANT UPDATE (user_id, id, created_at, updated_at) ON core.conversations TO assistant_app;
CREATE TRIGGER conversations_app_updates_only_its_columns
    BEFORE UPDATE ON core.conversations
    FOR EACH ROW
    WHEN ((OLD.user_id, OLD.id, OLD.created_at, OLD.updated_at) IS DISTINCT FROM (NEW.user_id, NEW.id, NEW.created_at, NEW.updated_at)
          AND pg_has_role(current_user, 'assistant_app', 'USAGE'))
    EXECUTE FUNCTION util.tg__refuse_app_column_write('user_id', 'id', 'created_at', 'updated_at');
COMMENT ON TRIGGER conversations_app_updates_only_its_columns ON core.conversations IS
    'Refuses, naming the column (42501), an app login''s change of user_id, id, created_at, updated_at through api.conversations.';

GRANT INSERT (created_at, updated_at) ON core.conversations TO assistant_app;
CREATE TRIGGER conversations_app_inserts_only_its_columns
    BEFORE INSERT ON core.conversations
    FOR EACH ROW
    WHEN ((NEW.created_at, NEW.updated_at) IS DISTINCT FROM (now(), now())
          AND pg_has_role(current_user, 'assistant_app', 'USAGE'))
    EXECUTE FUNCTION util.tg__refuse_app_column_write('created_at', 'updated_at');
COMMENT ON TRIGGER conversations_app_inserts_only_its_columns ON core.conversations IS
    'Refuses, naming the column (42501), an app login''s INSERT through api.conversations that sets created_at, updated_at (the database sets them).';

GRANT UPDATE (user_id, id, created_at, updated_at) ON core.credentials TO assistant_app;
CREATE TRIGGER credentials_app_updates_only_its_columns
    BEFORE UPDATE ON core.credentials
    FOR EACH ROW
    WHEN ((OLD.user_id, OLD.id, OLD.created_at, OLD.updated_at) IS DISTINCT FROM (NEW.user_id, NEW.id, NEW.created_at, NEW.updated_at)
          AND pg_has_role(current_user, 'assistant_app', 'USAGE'))
    EXECUTE FUNCTION util.tg__refuse_app_column_write('user_id', 'id', 'created_at', 'updated_at');
COMMENT ON TRIGGER credentials_app_updates_only_its_columns ON core.credentials IS
    'Refuses, naming the column (42501), an app login''s change of user_id, id, created_at, updated_at through api.credentials.';

GRANT UPDATE (user_id, id, source_conversation_id, created_at, updated_at) ON core.memories TO assistant_app;
CREATE TRIGGER memories_app_updates_only_its_columns
    BEFORE UPDATE ON core.memories
    FOR EACH ROW
    WHEN ((OLD.user_id, OLD.id, OLD.source_conversation_id, OLD.created_at, OLD.updated_at) IS DISTINCT FROM (NEW.user_id, NEW.id, NEW.source_conversation_id, NEW.created_at, NEW.updated_at)
          AND pg_has_role(current_user, 'assistant_app', 'USAGE'))
    EXECUTE FUNCTION util.tg__refuse_app_column_write('user_id', 'id', 'source_conversation_id', 'created_at', 'updated_at');
COMMENT ON TRIGGER memories_app_updates_only_its_columns ON core.memories IS
    'Refuses, naming the column (42501), an app login''s change of user_id, id, source_conversation_id, created_at, updated_at through api.memories.';

GRANT INSERT (created_at, updated_at, access_count, last_accessed_at) ON core.memories TO assistant_app;
CREATE TRIGGER memories_app_inserts_only_its_columns
    BEFORE INSERT ON core.memories
    FOR EACH ROW
    WHEN ((NEW.created_at, NEW.updated_at, NEW.access_count, NEW.last_accessed_at) IS DISTINCT FROM (now(), now(), 0, NULL)
          AND pg_has_role(current_user, 'assistant_app', 'USAGE'))
    EXECUTE FUNCTION util.tg__refuse_app_column_write('created_at', 'updated_at', 'access_count', 'last_accessed_at');
COMMENT ON TRIGGER memories_app_inserts_only_its_columns ON core.memories IS
    'Refuses, naming the column (42501), an app login''s INSERT through api.memories that sets created_at, updated_at, access_count, last_accessed_at (the database sets them).';

GRANT UPDATE (user_id, conversation_id, created_at, id, role) ON core.messages TO assistant_app;
CREATE TRIGGER messages_app_updates_only_its_columns
    BEFORE UPDATE ON core.messages
    FOR EACH ROW
    WHEN ((OLD.user_id, OLD.conversation_id, OLD.created_at, OLD.id, OLD.role) IS DISTINCT FROM (NEW.user_id, NEW.conversation_id, NEW.created_at, NEW.id, NEW.role)
          AND pg_has_role(current_user, 'assistant_app', 'USAGE'))
    EXECUTE FUNCTION util.tg__refuse_app_column_write('user_id', 'conversation_id', 'created_at', 'id', 'role');
COMMENT ON TRIGGER messages_app_updates_only_its_columns ON core.messages IS
    'Refuses, naming the column (42501), an app login''s change of user_id, conversation_id, created_at, id, role through api.messages.';

GRANT UPDATE (user_id, id, conversation_id, created_at, updated_at) ON core.reminders TO assistant_app;
CREATE TRIGGER reminders_app_updates_only_its_columns
    BEFORE UPDATE ON core.reminders
    FOR EACH ROW
    WHEN ((OLD.user_id, OLD.id, OLD.conversation_id, OLD.created_at, OLD.updated_at) IS DISTINCT FROM (NEW.user_id, NEW.id, NEW.conversation_id, NEW.created_at, NEW.updated_at)
          AND pg_has_role(current_user, 'assistant_app', 'USAGE'))
    EXECUTE FUNCTION util.tg__refuse_app_column_write('user_id', 'id', 'conversation_id', 'created_at', 'updated_at');
COMMENT ON TRIGGER reminders_app_updates_only_its_columns ON core.reminders IS
    'Refuses, naming the column (42501), an app login''s change of user_id, id, conversation_id, created_at, updated_at through api.reminders.';

GRANT INSERT (created_at, updated_at) ON core.reminders TO assistant_app;
CREATE TRIGGER reminders_app_inserts_only_its_columns
    BEFORE INSERT ON core.reminders
    FOR EACH ROW
    WHEN ((NEW.created_at, NEW.updated_at) IS DISTINCT FROM (now(), now())
          AND pg_has_role(current_user, 'assistant_app', 'USAGE'))
    EXECUTE FUNCTION util.tg__refuse_app_column_write('created_at', 'updated_at');
COMMENT ON TRIGGER reminders_app_inserts_only_its_columns ON core.reminders IS
    'Refuses, naming the column (42501), an app login''s INSERT through api.reminders that sets created_at, updated_at (the database sets them).';

GRANT UPDATE (user_id, id, conversation_id, created_at, updated_at) ON core.tasks TO assistant_app;
CREATE TRIGGER tasks_app_updates_only_its_columns
    BEFORE UPDATE ON core.tasks
    FOR EACH ROW
    WHEN ((OLD.user_id, OLD.id, OLD.conversation_id, OLD.created_at, OLD.updated_at) IS DISTINCT FROM (NEW.user_id, NEW.id, NEW.conversation_id, NEW.created_at, NEW.updated_at)
          AND pg_has_role(current_user, 'assistant_app', 'USAGE'))
    EXECUTE FUNCTION util.tg__refuse_app_column_write('user_id', 'id', 'conversation_id', 'created_at', 'updated_at');
COMMENT ON TRIGGER tasks_app_updates_only_its_columns ON core.tasks IS
    'Refuses, naming the column (42501), an app login''s change of user_id, id, conversation_id, created_at, updated_at through api.tasks.';

GRANT INSERT (created_at, updated_at) ON core.tasks TO assistant_app;
CREATE TRIGGER tasks_app_inserts_only_its_columns
    BEFORE INSERT ON core.tasks
    FOR EACH ROW
    WHEN ((NEW.created_at, NEW.updated_at) IS DISTINCT FROM (now(), now())
          AND pg_has_role(current_user, 'assistant_app', 'USAGE'))
    EXECUTE FUNCTION util.tg__refuse_app_column_write('created_at', 'updated_at');
COMMENT ON TRIGGER tasks_app_inserts_only_its_columns ON core.tasks IS
    'Refuses, naming the column (42501), an app login''s INSERT through api.tasks that sets created_at, updated_at (the database sets them).';

GRANT UPDATE (id, email, roles, is_active, created_at, updated_at) ON core.users TO assistant_app;
CREATE TRIGGER users_app_updates_only_its_columns
    BEFORE UPDATE ON core.users
    FOR EACH ROW
    WHEN ((OLD.id, OLD.email, OLD.roles, OLD.is_active, OLD.created_at, OLD.updated_at) IS DISTINCT FROM (NEW.id, NEW.email, NEW.roles, NEW.is_active, NEW.created_at, NEW.updated_at)
          AND pg_has_role(current_user, 'assistant_app', 'USAGE'))
    EXECUTE FUNCTION util.tg__refuse_app_column_write('id', 'email', 'roles', 'is_active', 'created_at', 'updated_at');
COMMENT ON TRIGGER users_app_updates_only_its_columns ON core.users IS
    'Refuses, naming the column (42501), an app login''s change of id, email, roles, is_active, created_at, updated_at through api.users.';
