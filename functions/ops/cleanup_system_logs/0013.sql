-- ops.cleanup_system_logs(): system-log retention, by dropping whole daily partitions through the
-- partition machinery (policy: 30 days, action drop). maint.run_cleanup() calls it by this name.
CREATE OR REPLACE FUNCTION ops.cleanup_system_logs()
RETURNS TABLE (parent text, action text, partition text, detail text)
LANGUAGE plpgsql
VOLATILE
SET search_path = pg_catalog, ops, pg_temp
AS $$
BEGIN
    -- never DELETE: a DELETE of a day of logs is a day of dead tuples and WAL; a DROP is instant
    RETURN QUERY SELECT r.parent, r.action, r.partition, r.detail
                   FROM maint.apply_retention('ops.system_logs'::regclass) AS r;
END;
$$;

COMMENT ON FUNCTION ops.cleanup_system_logs() IS
    'System-log retention: drops every daily partition of ops.system_logs whose range ended before now() minus the policy''s retention (30 days), through maint.apply_retention(); returns one row per partition dropped (or skipped on a lock).';
