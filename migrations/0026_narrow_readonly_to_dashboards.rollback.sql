-- Undo 0026_narrow_readonly_to_dashboards in reverse order: assistant_readonly reads personal
-- content again. The runner then restores ops.slowest_statements' previous version (its grants to
-- assistant_readonly and assistant_service).

REVOKE USAGE ON SCHEMA maint FROM assistant_dba;
REVOKE EXECUTE ON FUNCTION ops.slowest_statements(integer) FROM assistant_dba;
REVOKE SELECT ON api.dba_slowest_statements, api.dba_largest_tables, api.dba_unused_indexes, api.dba_active_queries
    FROM assistant_dba;
GRANT SELECT ON api.dba_slowest_statements, api.dba_largest_tables, api.dba_unused_indexes, api.dba_active_queries
    TO assistant_readonly;

REVOKE SELECT ON api.most_active_users_7d, api.common_intents_30d, api.latency_by_source_24h,
                 api.conversations_per_day, api.daily_active_users
    FROM assistant_personal_reader;

CREATE OR REPLACE VIEW api.daily_active_users WITH (security_invoker = true) AS
WITH days AS (
    SELECT d::date AS day
      FROM generate_series(date_trunc('day', now() AT TIME ZONE 'UTC') - interval '29 days',
                           date_trunc('day', now() AT TIME ZONE 'UTC'), interval '1 day') AS d
), active AS (
    SELECT (m.created_at AT TIME ZONE 'UTC')::date AS day, count(DISTINCT m.user_id) AS active_users,
           count(*) AS messages
      FROM core.messages AS m
     WHERE m.created_at >= (date_trunc('day', now() AT TIME ZONE 'UTC') - interval '29 days') AT TIME ZONE 'UTC'
       AND m.role = 'user'
     GROUP BY 1
)
SELECT days.day, coalesce(active.active_users, 0) AS active_users, coalesce(active.messages, 0) AS messages
  FROM days LEFT JOIN active USING (day)
 ORDER BY days.day;
CREATE OR REPLACE VIEW api.conversations_per_day WITH (security_invoker = true) AS
WITH days AS (
    SELECT d::date AS day
      FROM generate_series(date_trunc('day', now() AT TIME ZONE 'UTC') - interval '29 days',
                           date_trunc('day', now() AT TIME ZONE 'UTC'), interval '1 day') AS d
), counted AS (
    SELECT (c.started_at AT TIME ZONE 'UTC')::date AS day, count(*) AS conversations, count(DISTINCT c.user_id) AS users
      FROM core.conversations AS c
     WHERE c.started_at >= (date_trunc('day', now() AT TIME ZONE 'UTC') - interval '29 days') AT TIME ZONE 'UTC'
     GROUP BY 1
)
SELECT days.day, coalesce(counted.conversations, 0) AS conversations, coalesce(counted.users, 0) AS users
  FROM days LEFT JOIN counted USING (day)
 ORDER BY days.day;
CREATE OR REPLACE VIEW api.latency_by_source_24h WITH (security_invoker = true) AS
SELECT coalesce(m.agent, m.role::text) AS source,
       count(*) AS messages,
       round(avg(m.latency_ms), 1) AS avg_latency_ms,
       max(m.latency_ms) AS max_latency_ms
  FROM core.messages AS m
 WHERE m.created_at >= now() - interval '24 hours'
   AND m.latency_ms IS NOT NULL
 GROUP BY 1
 ORDER BY 3 DESC;
CREATE OR REPLACE VIEW api.common_intents_30d WITH (security_invoker = true) AS
SELECT m.intent,
       count(*) AS messages,
       count(DISTINCT m.user_id) AS users,
       round(avg(m.confidence)::numeric, 3) AS avg_confidence
  FROM core.messages AS m
 WHERE m.created_at >= now() - interval '30 days'
   AND m.intent IS NOT NULL
 GROUP BY m.intent
 ORDER BY count(*) DESC, m.intent;
CREATE OR REPLACE VIEW api.most_active_users_7d WITH (security_invoker = true) AS
SELECT a.user_id, u.name, a.conversations, a.messages, a.last_message_at
  FROM (SELECT m.user_id,
               count(DISTINCT m.conversation_id) AS conversations,
               count(*) AS messages,
               max(m.created_at) AS last_message_at
          FROM core.messages AS m
         WHERE m.created_at >= now() - interval '7 days'
           AND m.role = 'user'
         GROUP BY m.user_id) AS a
  JOIN core.users AS u ON u.id = a.user_id
 ORDER BY a.messages DESC, a.conversations DESC, u.name;

DROP POLICY memories_personal_reader_all_rows ON core.memories;
DROP POLICY reminders_personal_reader_all_rows ON core.reminders;
DROP POLICY actions_personal_reader_all_rows ON core.actions;
DROP POLICY events_personal_reader_all_rows ON core.events;
DROP POLICY tasks_personal_reader_all_rows ON core.tasks;
DROP POLICY messages_personal_reader_all_rows ON core.messages;
DROP POLICY conversation_message_deltas_personal_reader_all_rows ON core.conversation_message_deltas;
DROP POLICY conversations_personal_reader_all_rows ON core.conversations;
DROP POLICY credentials_personal_reader_all_rows ON core.credentials;
DROP POLICY users_personal_reader_all_rows ON core.users;

CREATE POLICY memories_readonly_all_rows ON core.memories FOR SELECT TO assistant_readonly USING (true);
CREATE POLICY reminders_readonly_all_rows ON core.reminders FOR SELECT TO assistant_readonly USING (true);
CREATE POLICY actions_readonly_all_rows ON core.actions FOR SELECT TO assistant_readonly USING (true);
CREATE POLICY events_readonly_all_rows ON core.events FOR SELECT TO assistant_readonly USING (true);
CREATE POLICY tasks_readonly_all_rows ON core.tasks FOR SELECT TO assistant_readonly USING (true);
CREATE POLICY messages_readonly_all_rows ON core.messages FOR SELECT TO assistant_readonly USING (true);
CREATE POLICY conversations_readonly_all_rows ON core.conversations FOR SELECT TO assistant_readonly USING (true);
CREATE POLICY credentials_readonly_all_rows ON core.credentials FOR SELECT TO assistant_readonly USING (true);
CREATE POLICY users_readonly_all_rows ON core.users FOR SELECT TO assistant_readonly USING (true);
COMMENT ON POLICY memories_readonly_all_rows ON core.memories IS 'assistant_readonly reads every user''s rows.';
COMMENT ON POLICY reminders_readonly_all_rows ON core.reminders IS 'assistant_readonly reads every user''s rows.';
COMMENT ON POLICY actions_readonly_all_rows ON core.actions IS 'assistant_readonly reads every user''s rows.';
COMMENT ON POLICY events_readonly_all_rows ON core.events IS 'assistant_readonly reads every user''s rows.';
COMMENT ON POLICY tasks_readonly_all_rows ON core.tasks IS 'assistant_readonly reads every user''s rows.';
COMMENT ON POLICY messages_readonly_all_rows ON core.messages IS 'assistant_readonly reads every user''s rows.';
COMMENT ON POLICY conversations_readonly_all_rows ON core.conversations IS 'assistant_readonly reads every user''s rows.';
COMMENT ON POLICY credentials_readonly_all_rows ON core.credentials IS 'assistant_readonly reads every user''s rows.';
COMMENT ON POLICY users_readonly_all_rows ON core.users IS 'assistant_readonly reads every user.';

REVOKE EXECUTE ON FUNCTION core.current_user_id() FROM assistant_personal_reader;
REVOKE USAGE ON SCHEMA ops FROM assistant_personal_reader;
REVOKE USAGE ON SCHEMA api, util FROM assistant_personal_reader;

GRANT EXECUTE ON FUNCTION api.search_messages(text, uuid, timestamptz, timestamptz, integer, integer) TO assistant_readonly;
REVOKE EXECUTE ON FUNCTION api.search_messages(text, uuid, timestamptz, timestamptz, integer, integer) FROM assistant_personal_reader;
GRANT EXECUTE ON FUNCTION api.conversation_history(uuid, timestamptz, uuid, integer) TO assistant_readonly;
REVOKE EXECUTE ON FUNCTION api.conversation_history(uuid, timestamptz, uuid, integer) FROM assistant_personal_reader;

REVOKE SELECT
    ON api.users, api.credentials, api.conversations, api.messages, api.tasks, api.open_tasks, api.events,
       api.actions, api.pending_actions, api.reminders, api.due_reminders, api.memories, api.audit_trail
  FROM assistant_personal_reader;
GRANT SELECT
    ON api.users, api.credentials, api.conversations, api.messages, api.tasks, api.open_tasks, api.events,
       api.actions, api.pending_actions, api.reminders, api.due_reminders, api.memories, api.audit_trail
    TO assistant_readonly;

REVOKE SELECT ON core.conversation_message_deltas FROM assistant_personal_reader;
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
            EXECUTE format('REVOKE SELECT ON %s FROM assistant_personal_reader', v_part);
            EXECUTE format('GRANT SELECT ON %s TO assistant_readonly', v_part);
        END LOOP;
    END LOOP;
END
$$;

-- the functions loaded before the migration's statements (ops.slowest_statements is restored)
DROP FUNCTION ops.daily_active_users();
DROP FUNCTION ops.conversations_per_day();
DROP FUNCTION ops.latency_by_source_24h();
DROP FUNCTION ops.common_intents_30d();
DROP FUNCTION ops.most_active_users_7d();
