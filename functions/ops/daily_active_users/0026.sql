-- ops.daily_active_users(): the aggregate api.daily_active_users shows, over every user's messages and
-- conversations. SECURITY DEFINER, so the dashboards' role (assistant_readonly) reads the
-- aggregate without reading any message, conversation or user row itself (0026 took that away
-- from it); it returns counts, times and names, never content or emails.
CREATE OR REPLACE FUNCTION ops.daily_active_users()
RETURNS TABLE (day date, active_users bigint, messages bigint)
LANGUAGE sql
STABLE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
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
 ORDER BY days.day
$$;

COMMENT ON FUNCTION ops.daily_active_users() IS
    'Daily active users per UTC day over the last 30 days (empty days as 0): the aggregate behind api.daily_active_users.';

REVOKE EXECUTE ON FUNCTION ops.daily_active_users() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION ops.daily_active_users() TO assistant_readonly, assistant_service, assistant_personal_reader;
