-- Create the DBA views: slowest statements, largest tables, unused indexes, active queries.
-- depends: 0015_create_ai_metrics_and_operator_views
-- functions: slowest_statements
--
-- Runs in one transaction as assistant_owner.
-- Partner: 0016_create_dba_views.rollback.sql undoes each statement here, in reverse order.
-- They read the statistics and catalog views, whose size follows the number of objects and
-- sessions, not the data; assistant_readonly sees every session through pg_read_all_stats (0010).

CREATE VIEW api.dba_slowest_statements WITH (security_invoker = true) AS
SELECT s.query, s.calls, s.total_exec_ms, s.mean_exec_ms, s.max_exec_ms, s.rows_returned, s.cache_hit_percent
  FROM ops.slowest_statements(20) AS s;

COMMENT ON VIEW api.dba_slowest_statements IS
    'The 20 statements of this database with the highest mean execution time since pg_stat_statements was last reset (empty without the extension).';
COMMENT ON COLUMN api.dba_slowest_statements.query IS 'Normalized statement text (constants as $n).';
COMMENT ON COLUMN api.dba_slowest_statements.calls IS 'Times executed.';
COMMENT ON COLUMN api.dba_slowest_statements.total_exec_ms IS 'Total execution time, ms.';
COMMENT ON COLUMN api.dba_slowest_statements.mean_exec_ms IS 'Mean execution time, ms.';
COMMENT ON COLUMN api.dba_slowest_statements.max_exec_ms IS 'Longest execution, ms.';
COMMENT ON COLUMN api.dba_slowest_statements.rows_returned IS 'Rows returned or affected, in total.';
COMMENT ON COLUMN api.dba_slowest_statements.cache_hit_percent IS 'Shared-buffer hits among the blocks it read, percent.';

CREATE VIEW api.dba_largest_tables WITH (security_invoker = true) AS
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

COMMENT ON VIEW api.dba_largest_tables IS
    'The 20 largest tables of the database (a partitioned table counts all its partitions), with indexes and TOAST.';
COMMENT ON COLUMN api.dba_largest_tables.schema_name IS 'Schema.';
COMMENT ON COLUMN api.dba_largest_tables.table_name IS 'Table (the parent for a partitioned table).';
COMMENT ON COLUMN api.dba_largest_tables.is_partitioned IS 'Whether the table is partitioned.';
COMMENT ON COLUMN api.dba_largest_tables.partitions IS 'Number of partitions (0 for a plain table).';
COMMENT ON COLUMN api.dba_largest_tables.total_bytes IS 'Size with indexes and TOAST, bytes.';
COMMENT ON COLUMN api.dba_largest_tables.total_size IS 'total_bytes, human readable.';
COMMENT ON COLUMN api.dba_largest_tables.index_bytes IS 'Size of the indexes, bytes.';
COMMENT ON COLUMN api.dba_largest_tables.estimated_rows IS 'Row estimate from the last ANALYZE.';

CREATE VIEW api.dba_unused_indexes WITH (security_invoker = true) AS
SELECT s.schemaname AS schema_name, s.relname AS table_name, s.indexrelname AS index_name,
       pg_relation_size(s.indexrelid) AS index_bytes,
       pg_size_pretty(pg_relation_size(s.indexrelid)) AS index_size
  FROM pg_stat_user_indexes AS s
  JOIN pg_index AS i ON i.indexrelid = s.indexrelid
 WHERE s.idx_scan = 0
   AND NOT i.indisunique
   AND NOT EXISTS (SELECT FROM pg_constraint AS con WHERE con.conindid = s.indexrelid)
 ORDER BY pg_relation_size(s.indexrelid) DESC, 1, 2, 3;

COMMENT ON VIEW api.dba_unused_indexes IS
    'Indexes never scanned since the statistics were last reset, unique and constraint indexes left out (they enforce rules). Read with the statistics'' age in mind: a fresh server has used nothing.';
COMMENT ON COLUMN api.dba_unused_indexes.schema_name IS 'Schema.';
COMMENT ON COLUMN api.dba_unused_indexes.table_name IS 'Table (a partition for partitioned indexes).';
COMMENT ON COLUMN api.dba_unused_indexes.index_name IS 'Index never scanned.';
COMMENT ON COLUMN api.dba_unused_indexes.index_bytes IS 'Its size, bytes.';
COMMENT ON COLUMN api.dba_unused_indexes.index_size IS 'Its size, human readable.';

CREATE VIEW api.dba_active_queries WITH (security_invoker = true) AS
SELECT a.pid, a.usename AS login_role, a.application_name, a.client_addr, a.state,
       a.wait_event_type, a.wait_event, a.xact_start, a.query_start,
       clock_timestamp() - a.query_start AS running_for,
       -- a statement passing a secret as a literal must not show it here
       CASE WHEN a.query ~* 'config_secret' THEN '<hidden: statement handles a secret configuration value>'
            ELSE a.query END AS query
  FROM pg_stat_activity AS a
 WHERE a.datname = current_database()
   AND a.state IS DISTINCT FROM 'idle'
   AND a.backend_type = 'client backend'
   AND a.pid <> pg_backend_pid()
 ORDER BY a.query_start;

COMMENT ON VIEW api.dba_active_queries IS
    'Client sessions of this database that are not idle (running, or idle in transaction), oldest statement first; the viewer''s own session left out. Statements handling a secret configuration value are hidden.';
COMMENT ON COLUMN api.dba_active_queries.pid IS 'Backend process id (for pg_cancel_backend).';
COMMENT ON COLUMN api.dba_active_queries.login_role IS 'Login of the session.';
COMMENT ON COLUMN api.dba_active_queries.application_name IS 'application_name the client set.';
COMMENT ON COLUMN api.dba_active_queries.client_addr IS 'Client address (NULL for a Unix socket).';
COMMENT ON COLUMN api.dba_active_queries.state IS 'active, idle in transaction, ...';
COMMENT ON COLUMN api.dba_active_queries.wait_event_type IS 'What it waits on (Lock, IO, ...), if anything.';
COMMENT ON COLUMN api.dba_active_queries.wait_event IS 'The wait event.';
COMMENT ON COLUMN api.dba_active_queries.xact_start IS 'Start of its transaction.';
COMMENT ON COLUMN api.dba_active_queries.query_start IS 'Start of its current (or last) statement.';
COMMENT ON COLUMN api.dba_active_queries.running_for IS 'How long the statement has run.';
COMMENT ON COLUMN api.dba_active_queries.query IS 'Statement text (hidden when it handles a secret).';

GRANT SELECT ON api.dba_slowest_statements, api.dba_largest_tables, api.dba_unused_indexes, api.dba_active_queries
    TO assistant_readonly;
