-- maint.default_partition_periods(regclass): the periods (day or month starts, UTC) of the rows
-- sitting in a registered table's default partition inside its window, oldest first.
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
    v_lo timestamptz;
    v_hi timestamptz;
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
    SELECT w.lower_bound, w.upper_bound INTO v_lo, v_hi FROM maint.partition_window(p_parent) w;
    -- outside the window (and NULL or infinite keys) the rows stay: maint.default_partition_strays
    -- reports them; the period of a row dated 294276 AD is never computed (its end overflows)
    RETURN QUERY EXECUTE format(
        'SELECT DISTINCT maint.partition_period_start(%I, $1, 0) FROM ONLY %s WHERE %I >= $2 AND %I < $3 ORDER BY 1',
        v_key, v_default, v_key, v_key) USING v_interval, v_lo, v_hi;
END;
$$;

COMMENT ON FUNCTION maint.default_partition_periods(regclass) IS
    'Distinct period starts (UTC) of the rows in the default partition of a registered table that lie inside its window (maint.partition_window): the partitions maintenance creates to move them into. Rows outside the window, or with a NULL or infinite key, are not counted: they stay (maint.default_partition_strays).';
