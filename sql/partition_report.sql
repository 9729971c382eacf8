-- make partitions: every partitioned table, then each partition with its bounds, rows and size.
-- Read-only; runs as any role that may read maint.partition_report (assistant_readonly may).
-- Default partitions are counted (maint.default_partition_rows: exact up to 100,000 rows), since
-- the planner's estimate of the other partitions reads 0 there until the next ANALYZE.
\pset footer off
\pset null '-'

\echo 'Partitioned tables'
WITH r AS (
    -- the partitions' oids from the catalog: casting a name to regclass needs USAGE on its
    -- schema, which the readonly role lacks on core
    SELECT r.*, (SELECT c.oid::regclass FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
                  WHERE r.is_default AND pg_catalog.format('%I.%I', n.nspname, c.relname) = r.partition) AS partition_oid
      FROM maint.partition_report r)
SELECT r.parent,
       r.strategy,
       coalesce(r.partition_interval, 'not managed') AS "interval",
       r.premake,
       coalesce(r.retention_action || ' after ' || r.retention::text, CASE WHEN r.partition_interval IS NOT NULL THEN 'keep' END) AS retention,
       count(r.partition) FILTER (WHERE NOT r.is_default) AS partitions,
       min(r.lower_bound) FILTER (WHERE NOT r.is_default AND r.lower_bound <> 'MINVALUE') AS oldest_from,
       max(r.upper_bound) FILTER (WHERE NOT r.is_default AND r.upper_bound <> 'MAXVALUE') AS newest_to,
       pg_size_pretty(sum(r.total_bytes)) AS size,
       CASE WHEN bool_or(r.default_has_rows)
            THEN string_agg((SELECT CASE WHEN d.exact THEN d.row_count::text ELSE '~' || d.row_count END
                               FROM maint.default_partition_rows(r.partition_oid) d), '') FILTER (WHERE r.is_default)
                 || ' rows: make rotate'
            WHEN bool_or(r.is_default) THEN 'empty' ELSE 'none' END AS "default"
  FROM r
 GROUP BY r.parent, r.strategy, r.partition_interval, r.premake, r.retention, r.retention_action
 ORDER BY r.parent;

\echo 'Partitions'
WITH r AS (
    -- the partitions' oids from the catalog: casting a name to regclass needs USAGE on its
    -- schema, which the readonly role lacks on core
    SELECT r.*, (SELECT c.oid::regclass FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
                  WHERE r.is_default AND pg_catalog.format('%I.%I', n.nspname, c.relname) = r.partition) AS partition_oid
      FROM maint.partition_report r)
SELECT r.parent,
       r.partition,
       CASE WHEN r.is_default THEN 'DEFAULT' ELSE coalesce(r.lower_bound || ' .. ' || r.upper_bound, r.bound) END AS bounds,
       CASE WHEN r.is_default
            THEN (SELECT CASE WHEN d.exact THEN d.row_count::text ELSE '~' || d.row_count END
                    FROM maint.default_partition_rows(r.partition_oid) d)
            ELSE '~' || r.row_estimate END AS "rows",
       r.total_size AS size
  FROM r
 WHERE r.partition IS NOT NULL
 ORDER BY r.parent, r.is_default, r.lower_bound, r.partition;

\echo 'rows: counted in default partitions (~ above 100,000: an estimate); elsewhere ~ the planner''s estimate from the last ANALYZE (- before the first).'
\echo 'After maintenance moved rows, ANALYZE <table> (or make vacuum) refreshes the estimates; maint.maintenance_runs records what each run did.'
