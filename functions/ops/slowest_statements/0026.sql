-- ops.slowest_statements(limit): the statements of this database with the highest mean time,
-- from pg_stat_statements. Dynamic because the extension may be missing (a DBA login that may
-- not create it) or live in another schema than ext; then the result is empty, not an error.
CREATE OR REPLACE FUNCTION ops.slowest_statements(p_limit integer DEFAULT 20)
RETURNS TABLE (query text, calls bigint, total_exec_ms numeric, mean_exec_ms numeric, max_exec_ms numeric,
               rows_returned bigint, cache_hit_percent numeric)
LANGUAGE plpgsql
STABLE
STRICT
SET search_path = pg_catalog, ops, pg_temp
AS $$
DECLARE
    v_schema name;
BEGIN
    SELECT n.nspname INTO v_schema
      FROM pg_extension AS e JOIN pg_namespace AS n ON n.oid = e.extnamespace
     WHERE e.extname = 'pg_stat_statements';
    IF NOT FOUND THEN
        RETURN;
    END IF;
    -- statement texts are normalized by pg_stat_statements: constants (a secret passed as a
    -- literal included) read $1, $2
    RETURN QUERY EXECUTE format(
        'SELECT s.query, s.calls, round(s.total_exec_time::numeric, 2), round(s.mean_exec_time::numeric, 2),
                round(s.max_exec_time::numeric, 2), s.rows,
                round(100.0 * s.shared_blks_hit / nullif(s.shared_blks_hit + s.shared_blks_read, 0), 2)
           FROM %I.pg_stat_statements AS s
          WHERE s.dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
          ORDER BY s.mean_exec_time DESC
          LIMIT $1', v_schema)
    USING p_limit;
END;
$$;

COMMENT ON FUNCTION ops.slowest_statements(integer) IS
    'The p_limit statements of this database with the highest mean execution time (pg_stat_statements, since its last reset); empty when the extension is not installed. Executable by assistant_dba (which holds pg_read_all_stats and SELECT on pg_stat_statements).';

-- the statistics of every session are for DBAs (0025/0026): not the dashboards' role, nor the service
REVOKE EXECUTE ON FUNCTION ops.slowest_statements(integer) FROM PUBLIC, assistant_readonly, assistant_service;
GRANT EXECUTE ON FUNCTION ops.slowest_statements(integer) TO assistant_dba;
