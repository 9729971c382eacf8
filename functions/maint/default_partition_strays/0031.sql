-- maint.default_partition_strays(regclass): the rows a registered table's default partition keeps
-- because no partition will be made for them (outside the window, or a NULL/infinite key),
-- counted with their range, as one 'stray' action row (none when there are none).
CREATE OR REPLACE FUNCTION maint.default_partition_strays(p_parent regclass)
RETURNS TABLE (parent text, action text, partition text, detail text, rows bigint)
LANGUAGE plpgsql
STABLE
STRICT
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    v_default regclass;
    v_key name;
    v_lo timestamptz;
    v_hi timestamptz;
    v_count bigint;
    v_min timestamptz;
    v_max timestamptz;
    v_nulls bigint;
BEGIN
    SELECT nullif(pt.partdefid, 0)::regclass, a.attname INTO v_default, v_key
      FROM pg_partitioned_table pt
      JOIN pg_attribute a ON a.attrelid = pt.partrelid AND a.attnum = pt.partattrs[0]
     WHERE pt.partrelid = p_parent;
    SELECT w.lower_bound, w.upper_bound INTO v_lo, v_hi FROM maint.partition_window(p_parent) w;
    IF v_default IS NULL OR v_lo IS NULL THEN
        RETURN;
    END IF;
    EXECUTE format('SELECT count(*), min(%1$I), max(%1$I), count(*) FILTER (WHERE %1$I IS NULL)'
                   '  FROM ONLY %2$s WHERE %1$I IS NULL OR NOT (%1$I >= $1 AND %1$I < $2)', v_key, v_default)
       INTO v_count, v_min, v_max, v_nulls USING v_lo, v_hi;
    IF v_count = 0 THEN
        RETURN;
    END IF;
    RETURN QUERY SELECT p_parent::text, 'stray', v_default::text,
        format('%s row%s kept in %s, %s: outside the window [%s, %s)%s; fix or delete them, or widen max_past/premake',
               v_count, CASE WHEN v_count = 1 THEN '' ELSE 's' END, v_default,
               CASE WHEN v_min IS NULL THEN 'with no time'
                    WHEN v_min = v_max THEN format('dated %s', v_min)
                    ELSE format('dated %s .. %s', v_min, v_max) END,
               to_char(v_lo AT TIME ZONE 'UTC', 'YYYY-MM-DD'), to_char(v_hi AT TIME ZONE 'UTC', 'YYYY-MM-DD'),
               CASE WHEN v_nulls > 0 THEN format(' (%s with a NULL %I)', v_nulls, v_key) ELSE '' END),
        v_count;
END;
$$;

COMMENT ON FUNCTION maint.default_partition_strays(regclass) IS
    'Stray rows of a registered table''s default partition: those outside its window (maint.partition_window) or with a NULL or infinite key, for which maintenance makes no partition. Returns one action row (action stray, rows = their count, detail with their oldest and newest time and the window), none when there are none. Reads the whole default partition (ACCESS SHARE).';
