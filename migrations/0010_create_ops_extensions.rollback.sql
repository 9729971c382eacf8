-- Undo 0010_create_ops_extensions: one statement per statement of the migration, in reverse order.

-- the pg_read_all_stats membership is cluster-wide (other databases of the cluster may rely on
-- it): it stays, like the roles of 0001.

-- only the copy this migration made (in ext); one a DBA had installed elsewhere stays
DO $$
BEGIN
    IF EXISTS (SELECT FROM pg_extension WHERE extname = 'pg_stat_statements'
                                          AND extnamespace = 'ext'::regnamespace) THEN
        DROP EXTENSION pg_stat_statements;
    END IF;
END
$$;
