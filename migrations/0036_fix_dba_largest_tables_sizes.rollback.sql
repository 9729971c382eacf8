-- Undo 0036_fix_dba_largest_tables_sizes: the view and its comment as 0016_create_dba_views made them.

COMMENT ON VIEW api.dba_largest_tables IS
    'The 20 largest tables of the database (a partitioned table counts all its partitions), with indexes and TOAST.';

CREATE OR REPLACE VIEW api.dba_largest_tables WITH (security_invoker = true) AS
SELECT n.nspname AS schema_name, c.relname AS table_name,
       c.relkind = 'p' AS is_partitioned,
       t.partitions,
       t.total_bytes,
       pg_size_pretty(t.total_bytes) AS total_size,
       t.index_bytes,
       t.estimated_rows
  FROM pg_class AS c
  JOIN pg_namespace AS n ON n.oid = c.relnamespace
 CROSS JOIN LATERAL (
        -- a partitioned table is the sum of its partitions (pg_partition_tree lists the table itself otherwise)
        SELECT count(*) FILTER (WHERE pt.isleaf AND pt.relid <> c.oid) AS partitions,
               sum(pg_total_relation_size(pt.relid))::bigint AS total_bytes,
               sum(pg_indexes_size(pt.relid))::bigint AS index_bytes,
               sum(greatest(pc.reltuples, 0))::bigint AS estimated_rows
          FROM pg_partition_tree(c.oid) AS pt
          JOIN pg_class AS pc ON pc.oid = pt.relid) AS t
 WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
   AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_toast'
 ORDER BY t.total_bytes DESC
 LIMIT 20;
