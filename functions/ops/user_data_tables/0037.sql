-- ops.user_data_tables(): every table holding rows a user owns, found in the catalog, so a table
-- added later (or a partition detached into archive) is covered without a list to keep: every
-- table or partitioned table (not a partition: its parent covers it), in any schema but the
-- system ones, with a column user_id of type uuid — the core's ownership rule (0003).
-- depth orders the deletions: a table comes after every table whose foreign keys point at it
-- (depth 0 = nothing references it), so each DELETE counts its own rows and none is removed by a
-- cascade first. core.users, the root, is not listed (its key is id). table_name is always
-- schema-qualified (a regclass prints bare when its schema is on the search_path).
CREATE OR REPLACE FUNCTION ops.user_data_tables()
RETURNS TABLE (relid regclass, table_name text, depth integer)
LANGUAGE sql
STABLE
SET search_path = pg_catalog, pg_temp
AS $$
    WITH RECURSIVE owned AS (
        SELECT c.oid
          FROM pg_class AS c
          JOIN pg_namespace AS n ON n.oid = c.relnamespace
          JOIN pg_attribute AS a ON a.attrelid = c.oid AND a.attname = 'user_id' AND a.attnum > 0
                                AND NOT a.attisdropped AND a.atttypid = 'uuid'::regtype
         WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
           AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_(toast|temp)'
    ), edge AS (
        SELECT DISTINCT con.conrelid AS child, con.confrelid AS parent
          FROM pg_constraint AS con
         WHERE con.contype = 'f' AND con.conrelid <> con.confrelid
           AND con.conrelid IN (SELECT oid FROM owned) AND con.confrelid IN (SELECT oid FROM owned)
    ), chain (oid, depth) AS (
        SELECT oid, 0 FROM owned
        UNION ALL
        SELECT e.parent, chain.depth + 1 FROM chain JOIN edge AS e ON e.child = chain.oid
         WHERE chain.depth < 32   -- a cycle of foreign keys cannot loop forever
    )
    SELECT c.oid::regclass, format('%I.%I', n.nspname, c.relname), max(chain.depth)
      FROM chain
      JOIN pg_class AS c ON c.oid = chain.oid
      JOIN pg_namespace AS n ON n.oid = c.relnamespace
     GROUP BY c.oid, n.nspname, c.relname
     ORDER BY 3, 2
$$;

COMMENT ON FUNCTION ops.user_data_tables() IS
    'Every table (or partitioned table, or table detached into archive) with a user_id uuid column, from the catalog, its schema-qualified name, and the depth of the foreign keys pointing at it (delete in increasing depth). Used by api.erase_user and api.export_user.';

REVOKE EXECUTE ON FUNCTION ops.user_data_tables() FROM PUBLIC;
