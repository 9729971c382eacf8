-- 0063: the probes of a partition's rows select a constant (SELECT 1 FROM ...), not an empty
-- select list, which Citus cannot plan on a distributed partition ("a column definition list is
-- required for functions returning record"); the same answer on one server.
-- maint.default_partition_rows(regclass, bigint): how many rows a default partition holds, counted
-- when there are few (make partitions): reltuples reads 0 or -1 until the next ANALYZE, while a
-- default partition fills between two runs of maintenance.
CREATE OR REPLACE FUNCTION maint.default_partition_rows(p_partition regclass, p_count_up_to bigint DEFAULT 100000)
RETURNS TABLE (row_count bigint, exact boolean)
LANGUAGE plpgsql
STABLE
STRICT
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    v_counted bigint;
BEGIN
    -- only a default partition may be counted (as maint.default_partition_has_rows: anything else
    -- would tell the readonly role the size of any table of the owner)
    IF NOT EXISTS (SELECT FROM pg_partitioned_table WHERE partdefid = p_partition) THEN
        RAISE EXCEPTION 'relation % is not a default partition', p_partition
              USING ERRCODE = '42809', HINT = 'Pass the default partition of a partitioned table (pg_partitioned_table.partdefid).';
    END IF;
    IF NOT has_table_privilege(p_partition, 'SELECT') THEN
        RETURN;
    END IF;
    -- a bounded count: reads at most p_count_up_to + 1 rows
    EXECUTE format('SELECT count(*) FROM (SELECT 1 FROM ONLY %s LIMIT $1) s', p_partition)
       INTO v_counted USING p_count_up_to + 1;
    IF v_counted <= p_count_up_to THEN
        RETURN QUERY SELECT v_counted, true;
    ELSE
        RETURN QUERY SELECT greatest(v_counted, (SELECT reltuples::bigint FROM pg_class WHERE oid = p_partition)), false;
    END IF;
END;
$$;

COMMENT ON FUNCTION maint.default_partition_rows(regclass, bigint) IS
    'Rows held by a default partition: the exact count when at most p_count_up_to (default 100,000; reads at most that many rows), else the planner''s estimate (exact false), never below the rows counted. SECURITY DEFINER so that make partitions shows it to assistant_readonly; refuses anything but a default partition (42809); nothing when the owner role cannot read it.';

GRANT EXECUTE ON FUNCTION maint.default_partition_rows(regclass, bigint) TO assistant_readonly;
