-- assistant_readonly becomes the dashboards' role: aggregates and operational views, never a
-- message, memory, email or credential number. Reading personal content moves to
-- assistant_personal_reader; the DBA views move to assistant_dba.
-- depends: 0025_create_dba_and_personal_reader_roles
-- functions: ops.most_active_users_7d ops.common_intents_30d ops.latency_by_source_24h
-- functions: ops.conversations_per_day ops.daily_active_users ops.slowest_statements
--
-- The activity views (most active users, intents, latency, conversations and active users per
-- day) aggregate every user's messages: they now read them through SECURITY DEFINER functions of
-- ops, so a role that may see the aggregate needs no access to a single row. Privileges on the
-- existing partitions of the user-owned tables and the audit log are changed too (maintenance
-- copies a parent's privileges to each partition it makes; partitions have no policies, so they
-- were unreadable directly, but the grants go all the same).

-- 1. personal content: from assistant_readonly to assistant_personal_reader, table by table
--    (every partition included) and view by view
DO $$
DECLARE
    v_table regclass;
    v_part regclass;
BEGIN
    FOREACH v_table IN ARRAY ARRAY['core.users', 'core.credentials', 'core.conversations', 'core.messages',
                                   'core.tasks', 'core.events', 'core.actions', 'core.reminders', 'core.memories',
                                   'ops.audit_log']::regclass[] LOOP
        -- pg_partition_tree lists nothing for a table that is not partitioned: the table itself first
        FOR v_part IN SELECT v_table UNION SELECT t.relid FROM pg_partition_tree(v_table) AS t LOOP
            EXECUTE format('REVOKE SELECT ON %s FROM assistant_readonly', v_part);
            EXECUTE format('GRANT SELECT ON %s TO assistant_personal_reader', v_part);
        END LOOP;
    END LOOP;
END
$$;
GRANT SELECT ON core.conversation_message_deltas TO assistant_personal_reader;

REVOKE SELECT
    ON api.users, api.credentials, api.conversations, api.messages, api.tasks, api.open_tasks, api.events,
       api.actions, api.pending_actions, api.reminders, api.due_reminders, api.memories, api.audit_trail
  FROM assistant_readonly;
GRANT SELECT
    ON api.users, api.credentials, api.conversations, api.messages, api.tasks, api.open_tasks, api.events,
       api.actions, api.pending_actions, api.reminders, api.due_reminders, api.memories, api.audit_trail
    TO assistant_personal_reader;
GRANT EXECUTE ON FUNCTION api.conversation_history(uuid, timestamptz, uuid, integer) TO assistant_personal_reader;
REVOKE EXECUTE ON FUNCTION api.conversation_history(uuid, timestamptz, uuid, integer) FROM assistant_readonly;
GRANT EXECUTE ON FUNCTION api.search_messages(text, uuid, timestamptz, timestamptz, integer, integer) TO assistant_personal_reader;
REVOKE EXECUTE ON FUNCTION api.search_messages(text, uuid, timestamptz, timestamptz, integer, integer) FROM assistant_readonly;

GRANT USAGE ON SCHEMA api, util TO assistant_personal_reader;
GRANT USAGE ON SCHEMA ops TO assistant_personal_reader;
GRANT EXECUTE ON FUNCTION core.current_user_id() TO assistant_personal_reader;

-- 2. row-level security: the read-everything policies of assistant_readonly go to the new role
DROP POLICY users_readonly_all_rows ON core.users;
DROP POLICY credentials_readonly_all_rows ON core.credentials;
DROP POLICY conversations_readonly_all_rows ON core.conversations;
DROP POLICY messages_readonly_all_rows ON core.messages;
DROP POLICY tasks_readonly_all_rows ON core.tasks;
DROP POLICY events_readonly_all_rows ON core.events;
DROP POLICY actions_readonly_all_rows ON core.actions;
DROP POLICY reminders_readonly_all_rows ON core.reminders;
DROP POLICY memories_readonly_all_rows ON core.memories;

CREATE POLICY users_personal_reader_all_rows ON core.users FOR SELECT TO assistant_personal_reader USING (true);
CREATE POLICY credentials_personal_reader_all_rows ON core.credentials FOR SELECT TO assistant_personal_reader USING (true);
CREATE POLICY conversations_personal_reader_all_rows ON core.conversations FOR SELECT TO assistant_personal_reader USING (true);
CREATE POLICY conversation_message_deltas_personal_reader_all_rows ON core.conversation_message_deltas
    FOR SELECT TO assistant_personal_reader USING (true);
CREATE POLICY messages_personal_reader_all_rows ON core.messages FOR SELECT TO assistant_personal_reader USING (true);
CREATE POLICY tasks_personal_reader_all_rows ON core.tasks FOR SELECT TO assistant_personal_reader USING (true);
CREATE POLICY events_personal_reader_all_rows ON core.events FOR SELECT TO assistant_personal_reader USING (true);
CREATE POLICY actions_personal_reader_all_rows ON core.actions FOR SELECT TO assistant_personal_reader USING (true);
CREATE POLICY reminders_personal_reader_all_rows ON core.reminders FOR SELECT TO assistant_personal_reader USING (true);
CREATE POLICY memories_personal_reader_all_rows ON core.memories FOR SELECT TO assistant_personal_reader USING (true);

COMMENT ON POLICY users_personal_reader_all_rows ON core.users IS 'assistant_personal_reader reads every user (support, data protection).';
COMMENT ON POLICY credentials_personal_reader_all_rows ON core.credentials IS 'assistant_personal_reader reads every user''s rows.';
COMMENT ON POLICY conversations_personal_reader_all_rows ON core.conversations IS 'assistant_personal_reader reads every user''s rows.';
COMMENT ON POLICY conversation_message_deltas_personal_reader_all_rows ON core.conversation_message_deltas IS 'assistant_personal_reader reads every pending count (through api.conversations).';
COMMENT ON POLICY messages_personal_reader_all_rows ON core.messages IS 'assistant_personal_reader reads every user''s rows.';
COMMENT ON POLICY tasks_personal_reader_all_rows ON core.tasks IS 'assistant_personal_reader reads every user''s rows.';
COMMENT ON POLICY events_personal_reader_all_rows ON core.events IS 'assistant_personal_reader reads every user''s rows.';
COMMENT ON POLICY actions_personal_reader_all_rows ON core.actions IS 'assistant_personal_reader reads every user''s rows.';
COMMENT ON POLICY reminders_personal_reader_all_rows ON core.reminders IS 'assistant_personal_reader reads every user''s rows.';
COMMENT ON POLICY memories_personal_reader_all_rows ON core.memories IS 'assistant_personal_reader reads every user''s rows.';

-- 3. the activity views read through the ops functions (same columns, same order of rows)
CREATE OR REPLACE VIEW api.most_active_users_7d WITH (security_invoker = true) AS
SELECT a.user_id, a.name, a.conversations, a.messages, a.last_message_at FROM ops.most_active_users_7d() AS a;
CREATE OR REPLACE VIEW api.common_intents_30d WITH (security_invoker = true) AS
SELECT a.intent, a.messages, a.users, a.avg_confidence FROM ops.common_intents_30d() AS a;
CREATE OR REPLACE VIEW api.latency_by_source_24h WITH (security_invoker = true) AS
SELECT a.source, a.messages, a.avg_latency_ms, a.max_latency_ms FROM ops.latency_by_source_24h() AS a;
CREATE OR REPLACE VIEW api.conversations_per_day WITH (security_invoker = true) AS
SELECT a.day, a.conversations, a.users FROM ops.conversations_per_day() AS a;
CREATE OR REPLACE VIEW api.daily_active_users WITH (security_invoker = true) AS
SELECT a.day, a.active_users, a.messages FROM ops.daily_active_users() AS a;
GRANT SELECT ON api.most_active_users_7d, api.common_intents_30d, api.latency_by_source_24h,
                api.conversations_per_day, api.daily_active_users
    TO assistant_personal_reader;

-- 4. the DBA views: to assistant_dba (which also holds everything assistant_readonly reads)
REVOKE SELECT ON api.dba_slowest_statements, api.dba_largest_tables, api.dba_unused_indexes, api.dba_active_queries
    FROM assistant_readonly;
GRANT SELECT ON api.dba_slowest_statements, api.dba_largest_tables, api.dba_unused_indexes, api.dba_active_queries
    TO assistant_dba;
GRANT USAGE ON SCHEMA maint TO assistant_dba;
