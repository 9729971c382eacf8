-- ops.common_intents_30d(): the aggregate api.common_intents_30d shows, over every user's messages and
-- conversations. SECURITY DEFINER, so the dashboards' role (assistant_readonly) reads the
-- aggregate without reading any message, conversation or user row itself (0026 took that away
-- from it); it returns counts, times and names, never content or emails.
CREATE OR REPLACE FUNCTION ops.common_intents_30d()
RETURNS TABLE (intent text, messages bigint, users bigint, avg_confidence numeric)
LANGUAGE sql
STABLE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
SELECT m.intent,
       count(*) AS messages,
       count(DISTINCT m.user_id) AS users,
       round(avg(m.confidence)::numeric, 3) AS avg_confidence
  FROM core.messages AS m
 WHERE m.created_at >= now() - interval '30 days'
   AND m.intent IS NOT NULL
 GROUP BY m.intent
 ORDER BY count(*) DESC, m.intent
$$;

COMMENT ON FUNCTION ops.common_intents_30d() IS
    'Intents recognised in the last 30 days with their counts and average confidence: the aggregate behind api.common_intents_30d.';

REVOKE EXECUTE ON FUNCTION ops.common_intents_30d() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION ops.common_intents_30d() TO assistant_readonly, assistant_service, assistant_personal_reader;
