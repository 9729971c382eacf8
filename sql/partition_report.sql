-- make partitions: every partitioned table, then each partition with its bounds and size.
-- Read-only; runs as any role that may read maint.partition_report (assistant_readonly may).
\pset footer off
\pset null '-'

\echo 'Partitioned tables'
SELECT parent,
       strategy,
       coalesce(partition_interval, 'not managed') AS "interval",
       premake,
       coalesce(retention_action || ' after ' || retention::text, CASE WHEN partition_interval IS NOT NULL THEN 'keep' END) AS retention,
       count(partition) FILTER (WHERE NOT is_default) AS partitions,
       min(lower_bound) FILTER (WHERE NOT is_default AND lower_bound <> 'MINVALUE') AS oldest_from,
       max(upper_bound) FILTER (WHERE NOT is_default AND upper_bound <> 'MAXVALUE') AS newest_to,
       pg_size_pretty(sum(total_bytes)) AS size,
       CASE WHEN bool_or(default_has_rows) THEN 'ROWS STUCK: make rotate' WHEN bool_or(is_default) THEN 'empty' ELSE 'none' END AS "default"
  FROM maint.partition_report
 GROUP BY parent, strategy, partition_interval, premake, retention, retention_action
 ORDER BY parent;

\echo 'Partitions'
SELECT parent,
       partition,
       CASE WHEN is_default THEN 'DEFAULT' ELSE coalesce(lower_bound || ' .. ' || upper_bound, bound) END AS bounds,
       row_estimate AS rows_est,
       total_size AS size
  FROM maint.partition_report
 WHERE partition IS NOT NULL
 ORDER BY parent, is_default, lower_bound, partition;
