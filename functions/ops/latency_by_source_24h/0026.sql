-- ops.latency_by_source_24h(): the aggregate api.latency_by_source_24h shows, over every user's messages and
-- conversations. SECURITY DEFINER, so the dashboards' role (assistant_readonly) reads the
-- aggregate without reading any message, conversation or user row itself (0026 took that away
-- from it); it returns counts, times and names, never content or emails.
CREATE OR REPLACE FUNCTION ops.latency_by_source_24h()
RETURNS TABLE (source text, messages bigint, avg_latency_ms numeric, max_latency_ms integer)
LANGUAGE sql
STABLE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
SELECT coalesce(m.agent, m.role::text) AS source,
       count(*) AS messages,
       round(avg(m.latency_ms), 1) AS avg_latency_ms,
       max(m.latency_ms) AS max_latency_ms
  FROM core.messages AS m
 WHERE m.created_at >= now() - interval '24 hours'
   AND m.latency_ms IS NOT NULL
 GROUP BY 1
 ORDER BY 3 DESC
$$;

COMMENT ON FUNCTION ops.latency_by_source_24h() IS
    'Response latency per source over the last 24 hours: the aggregate behind api.latency_by_source_24h.';

REVOKE EXECUTE ON FUNCTION ops.latency_by_source_24h() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION ops.latency_by_source_24h() TO assistant_readonly, assistant_service, assistant_personal_reader;
