-- Show the size of plain tables in api.dba_largest_tables: pg_partition_tree() returns no row for
-- a table that is neither partitioned nor a partition, so every plain table had NULL sizes, and
-- ORDER BY total_bytes DESC put those NULLs first (the "largest" were arbitrary plain tables). And
-- once a partitioned table was analyzed its rows were counted twice (the parent gets a reltuples too).
-- depends: 0035_encrypt_config_secrets
--
-- Runs in one transaction as assistant_owner, under the runner's lock_timeout and statement_timeout.
-- Partner: 0036_fix_dba_largest_tables_sizes.rollback.sql restores 0016's definition.
-- CREATE OR REPLACE VIEW keeps the columns, the comments and the grants.

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
        -- a plain table is itself; a partitioned table is the sum of its partitions
        -- (pg_partition_tree lists the table itself too, with no storage of its own)
        SELECT count(*) FILTER (WHERE r.isleaf AND r.relid <> c.oid) AS partitions,
               coalesce(sum(pg_total_relation_size(r.relid)), 0)::bigint AS total_bytes,
               coalesce(sum(pg_indexes_size(r.relid)), 0)::bigint AS index_bytes,
               -- leaves only: ANALYZE of a partitioned table also gives the parent a reltuples
               coalesce(sum(greatest(pc.reltuples, 0)) FILTER (WHERE r.isleaf), 0)::bigint AS estimated_rows
          FROM (SELECT c.oid AS relid, true AS isleaf WHERE c.relkind = 'r'
                UNION ALL
                SELECT pt.relid, pt.isleaf FROM pg_partition_tree(c.oid) AS pt WHERE c.relkind = 'p') AS r
          JOIN pg_class AS pc ON pc.oid = r.relid) AS t
 WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
   AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_toast'
 ORDER BY t.total_bytes DESC, n.nspname, c.relname
 LIMIT 20;

COMMENT ON VIEW api.dba_largest_tables IS
    'The 20 largest tables of the database, plain or partitioned (a partitioned table counts all its partitions), with indexes and TOAST.';
