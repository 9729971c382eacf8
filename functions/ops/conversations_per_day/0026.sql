-- ops.conversations_per_day(): the aggregate api.conversations_per_day shows, over every user's messages and
-- conversations. SECURITY DEFINER, so the dashboards' role (assistant_readonly) reads the
-- aggregate without reading any message, conversation or user row itself (0026 took that away
-- from it); it returns counts, times and names, never content or emails.
CREATE OR REPLACE FUNCTION ops.conversations_per_day()
RETURNS TABLE (day date, conversations bigint, users bigint)
LANGUAGE sql
STABLE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
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
 ORDER BY days.day
$$;

COMMENT ON FUNCTION ops.conversations_per_day() IS
    'Conversations started per UTC day over the last 30 days (empty days as 0): the aggregate behind api.conversations_per_day.';

REVOKE EXECUTE ON FUNCTION ops.conversations_per_day() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION ops.conversations_per_day() TO assistant_readonly, assistant_service, assistant_personal_reader;
