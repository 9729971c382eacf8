-- Create user-owned dashboards and the activity views over conversations and messages: most
-- active users, common intents, latency per source, conversations per day, daily active users.
-- depends: 0017_add_index_on_conversations_started_at
--
-- Runs in one transaction as assistant_owner.
-- Partner: 0018_create_dashboards_and_activity_views.rollback.sql undoes each statement here, in reverse order.
-- Dashboards follow the core's ownership rule and row-level security (0003_create_users).

CREATE TABLE ops.dashboards (
    user_id uuid NOT NULL DEFAULT core.current_user_id(),
    id uuid NOT NULL DEFAULT util.uuid_generate_v7(),
    name text NOT NULL,
    description text,
    period text NOT NULL DEFAULT '24h',
    widgets jsonb NOT NULL DEFAULT '[]',
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT dashboards_pkey PRIMARY KEY (user_id, id),
    CONSTRAINT dashboards_user_id_name_key UNIQUE (user_id, name),
    CONSTRAINT dashboards_user_id_fkey FOREIGN KEY (user_id) REFERENCES core.users (id) ON DELETE CASCADE,
    CONSTRAINT dashboards_name_check CHECK (btrim(name) <> '' AND length(name) <= 200),
    CONSTRAINT dashboards_period_check CHECK (period IN ('24h', '7d', '30d', 'all')),
    CONSTRAINT dashboards_widgets_check CHECK (jsonb_typeof(widgets) = 'array')
);

COMMENT ON TABLE ops.dashboards IS
    'Dashboards a user composed from the operations views and the AI metrics. User-owned: apps see their user''s dashboards (row-level security on app.user_id), the read-only role all of them.';
COMMENT ON COLUMN ops.dashboards.user_id IS 'Owner of the dashboard (core.users).';
COMMENT ON COLUMN ops.dashboards.name IS 'Name, unique per user.';
COMMENT ON COLUMN ops.dashboards.description IS 'What the dashboard is for.';
COMMENT ON COLUMN ops.dashboards.period IS 'Default period of its charts, as api.ai_metrics_for_period() takes it: 24h, 7d, 30d or all.';
COMMENT ON COLUMN ops.dashboards.widgets IS 'Its widgets, as a JSON array (the front end''s layout: view or function, position, options).';

CREATE TRIGGER dashboards_set_updated_at
    BEFORE UPDATE ON ops.dashboards
    FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION util.tg__set_updated_at();

ALTER TABLE ops.dashboards ENABLE ROW LEVEL SECURITY;

CREATE POLICY dashboards_app_own_rows ON ops.dashboards
    FOR ALL TO assistant_app
    USING (user_id = (SELECT core.current_user_id()))
    WITH CHECK (user_id = (SELECT core.current_user_id()));
CREATE POLICY dashboards_readonly_all_rows ON ops.dashboards
    FOR SELECT TO assistant_readonly
    USING (true);
CREATE POLICY dashboards_service_all_rows ON ops.dashboards
    FOR ALL TO assistant_service
    USING (true)
    WITH CHECK (true);

COMMENT ON POLICY dashboards_app_own_rows ON ops.dashboards IS 'assistant_app sees and writes only the dashboards of app.user_id.';
COMMENT ON POLICY dashboards_readonly_all_rows ON ops.dashboards IS 'assistant_readonly reads every user''s dashboards.';
COMMENT ON POLICY dashboards_service_all_rows ON ops.dashboards IS 'assistant_service, the trusted backend, reads and writes every dashboard.';

SELECT ops.enable_audit('ops.dashboards');

REVOKE ALL ON ops.dashboards FROM PUBLIC;
GRANT SELECT, INSERT (user_id, id, name, description, period, widgets), UPDATE (name, description, period, widgets), DELETE
   ON ops.dashboards TO assistant_app, assistant_service;
GRANT SELECT ON ops.dashboards TO assistant_readonly;

CREATE VIEW api.dashboards WITH (security_invoker = true) AS
SELECT user_id, id, name, description, period, widgets, created_at, updated_at
  FROM ops.dashboards;

COMMENT ON VIEW api.dashboards IS
    'The caller''s dashboards (all of them for the read-only role); apps create, change and delete them through this view.';
COMMENT ON COLUMN api.dashboards.user_id IS 'Owner (defaults to app.user_id).';
COMMENT ON COLUMN api.dashboards.name IS 'Name, unique per user.';
COMMENT ON COLUMN api.dashboards.description IS 'What the dashboard is for.';
COMMENT ON COLUMN api.dashboards.period IS 'Default period: 24h, 7d, 30d or all.';
COMMENT ON COLUMN api.dashboards.widgets IS 'Widgets, as a JSON array.';

GRANT SELECT, INSERT, UPDATE, DELETE ON api.dashboards TO assistant_app, assistant_service;
GRANT SELECT ON api.dashboards TO assistant_readonly;

-- The activity views read a window of days out of monthly partitions. Messages arrive in
-- created_at order, so a BRIN index (a few pages a partition, next to nothing per insert)
-- lets a window read its days instead of the whole month. CONCURRENTLY does not exist for a
-- partitioned table; on a large live table, build it CONCURRENTLY on each partition first, then
-- CREATE INDEX ... ON ONLY the parent and ATTACH PARTITION each one (no long lock).
-- squawk-ignore require-concurrent-index-creation
CREATE INDEX messages_created_at_idx ON core.messages USING brin (created_at);

CREATE VIEW api.most_active_users_7d WITH (security_invoker = true) AS
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

COMMENT ON VIEW api.most_active_users_7d IS
    'Users by what they said in the last 7 days: their messages (role user) and the conversations they spoke in, most active first.';
COMMENT ON COLUMN api.most_active_users_7d.user_id IS 'The user.';
COMMENT ON COLUMN api.most_active_users_7d.name IS 'The user''s name.';
COMMENT ON COLUMN api.most_active_users_7d.conversations IS 'Conversations the user wrote in during the window.';
COMMENT ON COLUMN api.most_active_users_7d.messages IS 'Messages the user wrote during the window.';
COMMENT ON COLUMN api.most_active_users_7d.last_message_at IS 'The user''s latest message.';

CREATE VIEW api.common_intents_30d WITH (security_invoker = true) AS
SELECT m.intent,
       count(*) AS messages,
       count(DISTINCT m.user_id) AS users,
       round(avg(m.confidence)::numeric, 3) AS avg_confidence
  FROM core.messages AS m
 WHERE m.created_at >= now() - interval '30 days'
   AND m.intent IS NOT NULL
 GROUP BY m.intent
 ORDER BY count(*) DESC, m.intent;

COMMENT ON VIEW api.common_intents_30d IS 'Intents recognised in the last 30 days, most common first, with their average confidence.';
COMMENT ON COLUMN api.common_intents_30d.intent IS 'Intent recognised.';
COMMENT ON COLUMN api.common_intents_30d.messages IS 'Messages with this intent.';
COMMENT ON COLUMN api.common_intents_30d.users IS 'Distinct users among them.';
COMMENT ON COLUMN api.common_intents_30d.avg_confidence IS 'Average recognition confidence (0-1).';

CREATE VIEW api.latency_by_source_24h WITH (security_invoker = true) AS
SELECT coalesce(m.agent, m.role::text) AS source,
       count(*) AS messages,
       round(avg(m.latency_ms), 1) AS avg_latency_ms,
       max(m.latency_ms) AS max_latency_ms
  FROM core.messages AS m
 WHERE m.created_at >= now() - interval '24 hours'
   AND m.latency_ms IS NOT NULL
 GROUP BY 1
 ORDER BY 3 DESC;

COMMENT ON VIEW api.latency_by_source_24h IS
    'Response latency per source (the agent that answered, else the message role) over the last 24 hours: average and maximum.';
COMMENT ON COLUMN api.latency_by_source_24h.source IS 'Agent that produced the messages (their role when no agent is named).';
COMMENT ON COLUMN api.latency_by_source_24h.messages IS 'Messages with a measured latency.';
COMMENT ON COLUMN api.latency_by_source_24h.avg_latency_ms IS 'Average latency, ms.';
COMMENT ON COLUMN api.latency_by_source_24h.max_latency_ms IS 'Highest latency, ms.';

-- The last 30 UTC days, today included, every day listed (0 when nothing happened) so a chart
-- has no holes. The window predicate is on the indexed column, the day arithmetic outside it.
CREATE VIEW api.conversations_per_day WITH (security_invoker = true) AS
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

COMMENT ON VIEW api.conversations_per_day IS 'Conversations started per UTC day over the last 30 days (today included, empty days as 0).';
COMMENT ON COLUMN api.conversations_per_day.day IS 'UTC day.';
COMMENT ON COLUMN api.conversations_per_day.conversations IS 'Conversations started that day.';
COMMENT ON COLUMN api.conversations_per_day.users IS 'Distinct users who started them.';

CREATE VIEW api.daily_active_users WITH (security_invoker = true) AS
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

COMMENT ON VIEW api.daily_active_users IS
    'Daily active users (who wrote at least one message) per UTC day over the last 30 days (today included, empty days as 0).';
COMMENT ON COLUMN api.daily_active_users.day IS 'UTC day.';
COMMENT ON COLUMN api.daily_active_users.active_users IS 'Distinct users who wrote a message that day.';
COMMENT ON COLUMN api.daily_active_users.messages IS 'Messages they wrote that day.';

GRANT SELECT ON api.most_active_users_7d, api.common_intents_30d, api.latency_by_source_24h,
                api.conversations_per_day, api.daily_active_users
    TO assistant_readonly, assistant_service;
