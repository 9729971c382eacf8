-- maint.default_partition_periods(regclass): the periods (day or month starts, UTC) of the rows
-- sitting in a registered table's default partition, oldest first.
CREATE OR REPLACE FUNCTION maint.default_partition_periods(p_parent regclass)
RETURNS SETOF timestamptz
LANGUAGE plpgsql
STABLE
STRICT
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_interval text;
    v_default regclass;
    v_key name;
BEGIN
    SELECT p.partition_interval, nullif(pt.partdefid, 0)::regclass, a.attname
      INTO v_interval, v_default, v_key
      FROM maint.partition_policies p
      JOIN pg_partitioned_table pt ON pt.partrelid = p.parent
      JOIN pg_attribute a ON a.attrelid = pt.partrelid AND a.attnum = pt.partattrs[0]
     WHERE p.parent = p_parent;
    IF v_interval IS NULL THEN
        RAISE EXCEPTION 'table % has no partition policy', p_parent
              USING ERRCODE = 'P0002', HINT = 'Register it first: SELECT * FROM maint.register_partitioned_table(...).';
    END IF;
    IF v_default IS NULL THEN
        RETURN;
    END IF;
    -- NULL and infinite keys have no period: they stay in the default partition
    RETURN QUERY EXECUTE format(
        'SELECT DISTINCT maint.partition_period_start(%I, $1, 0) FROM %s WHERE isfinite(%I) ORDER BY 1',
        v_key, v_default, v_key) USING v_interval;
END;
$$;

COMMENT ON FUNCTION maint.default_partition_periods(regclass) IS
    'Distinct period starts (UTC) of the rows in the default partition of a registered table: the partitions maint.repair_default_partition must create. Rows with a NULL or infinite key are not counted: no partition can take them.';
