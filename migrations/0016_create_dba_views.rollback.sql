-- Undo 0016_create_dba_views: one statement per statement of the migration, in reverse order.

REVOKE SELECT ON api.dba_slowest_statements, api.dba_largest_tables, api.dba_unused_indexes, api.dba_active_queries
    FROM assistant_readonly;
DROP VIEW api.dba_active_queries;
DROP VIEW api.dba_unused_indexes;
DROP VIEW api.dba_largest_tables;
DROP VIEW api.dba_slowest_statements;

-- the function loaded from functions/ before this migration's statements
DROP FUNCTION ops.slowest_statements(integer);
