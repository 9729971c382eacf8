-- maint.create_partition(regclass, timestamptz): create and attach the partition of the period
-- holding p_start, first moving into it any rows of that period sitting in the default partition.
CREATE OR REPLACE FUNCTION maint.create_partition(p_parent regclass, p_start timestamptz)
RETURNS TABLE (parent text, action text, partition text, detail text)
LANGUAGE plpgsql
VOLATILE
STRICT
SET search_path = pg_catalog, pg_temp
SET lock_timeout = '250ms'
AS $$
#variable_conflict use_column
DECLARE
    v_interval text;
    v_lo timestamptz;
    v_hi timestamptz;
    v_schema name;
    v_table name;
    v_key name;
    v_default regclass;
    v_new regclass;
    v_cols text;
    v_moved bigint := 0;
    v_overlap text;
BEGIN
    SELECT p.partition_interval INTO v_interval FROM maint.partition_policies p WHERE p.parent = p_parent;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'table % has no partition policy', p_parent
              USING ERRCODE = 'P0002', HINT = 'Register it first: SELECT * FROM maint.register_partitioned_table(...).';
    END IF;
    IF NOT isfinite(p_start) THEN
        RAISE EXCEPTION 'cannot create a partition of % for %', p_parent, p_start
              USING ERRCODE = '22023', HINT = 'Rows with an infinite time stay in the default partition.';
    END IF;
    PERFORM set_config('lock_timeout', coalesce(nullif(current_setting('maint.lock_timeout', true), ''), '250ms'), true);
    PERFORM pg_advisory_xact_lock((x'6d6e7470'::bigint << 32) | p_parent::oid::bigint);

    v_lo := maint.partition_period_start(p_start, v_interval, 0);
    v_hi := maint.partition_period_start(p_start, v_interval, 1);

    -- already there (exactly, or covered by a partition someone made by hand): nothing to do;
    -- a partial overlap is reported, never "fixed" by guessing
    SELECT string_agg(b.partition::text, ', ') INTO v_overlap
      FROM maint.partition_bounds(p_parent) b
     WHERE b.lower_bound < v_hi AND b.upper_bound > v_lo
       AND NOT (b.lower_bound <= v_lo AND b.upper_bound >= v_hi);
    IF v_overlap IS NOT NULL THEN
        RETURN QUERY SELECT p_parent::text, 'conflict', NULL::text,
            format('[%s, %s) overlaps %s partly; create or split it by hand', v_lo, v_hi, v_overlap);
        RETURN;
    END IF;
    IF EXISTS (SELECT FROM maint.partition_bounds(p_parent) b WHERE b.lower_bound <= v_lo AND b.upper_bound >= v_hi) THEN
        RETURN;
    END IF;

    SELECT n.nspname, c.relname, a.attname, nullif(pt.partdefid, 0)::regclass
      INTO STRICT v_schema, v_table, v_key, v_default
      FROM pg_class c
      JOIN pg_namespace n ON n.oid = c.relnamespace
      JOIN pg_partitioned_table pt ON pt.partrelid = c.oid
      JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = pt.partattrs[0]
     WHERE c.oid = p_parent;

    v_new := maint.create_partition_table(p_parent,
        maint.partition_name(v_table, '_p' || to_char(v_lo AT TIME ZONE 'UTC',
                                                      CASE v_interval WHEN 'day' THEN 'YYYYMMDD' ELSE 'YYYYMM' END)),
        format('Partition of %I.%I for %s from %s to %s (UTC), made by partition maintenance.',
               v_schema, v_table, v_interval, to_char(v_lo AT TIME ZONE 'UTC', 'YYYY-MM-DD'),
               to_char(v_hi AT TIME ZONE 'UTC', 'YYYY-MM-DD')));

    IF v_default IS NOT NULL THEN
        -- Rows of this period in the default partition would make ATTACH fail (23514), the
        -- failure pg_partman users meet most. Move them in the same transaction: EXCLUSIVE mode
        -- stops writes to the default (reads go on) so no row of the period can slip in between
        -- the move and the attach; the DELETE and INSERT commit or roll back together, so no row
        -- is lost or doubled. Row triggers of the parent fire for the DELETE (not the INSERT: the
        -- table is not attached yet), and a foreign key pointing at the parent refuses the move.
        EXECUTE format('LOCK TABLE %s IN EXCLUSIVE MODE', v_default);
        SELECT string_agg(format('%I', a.attname), ', ' ORDER BY a.attnum) INTO v_cols
          FROM pg_attribute a
         WHERE a.attrelid = p_parent AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = '';
        EXECUTE format('WITH moved AS (DELETE FROM %s WHERE %I >= $1 AND %I < $2 RETURNING %s) '
                       'INSERT INTO %s (%s) SELECT %s FROM moved',
                       v_default, v_key, v_key, v_cols, v_new, v_cols, v_cols)
          USING v_lo, v_hi;
        GET DIAGNOSTICS v_moved = ROW_COUNT;
    END IF;

    -- SHARE UPDATE EXCLUSIVE on the parent; ACCESS EXCLUSIVE on the default partition while it
    -- is checked for rows of the new range (none are left), so only writes to it wait.
    EXECUTE format('ALTER TABLE %I.%I ATTACH PARTITION %s FOR VALUES FROM (%L) TO (%L)',
                   v_schema, v_table, v_new, v_lo, v_hi);

    RETURN QUERY SELECT format('%I.%I', v_schema, v_table), 'create', v_new::text,
        format('FROM %s TO %s', v_lo, v_hi)
        || CASE WHEN v_moved > 0 THEN format('; moved %s rows from %s', v_moved, v_default) ELSE '' END;
END;
$$;

COMMENT ON FUNCTION maint.create_partition(regclass, timestamptz) IS
    'Creates the partition <parent>_pYYYYMM[DD] for the day/month (UTC) holding p_start unless one covers it, moving that period''s rows out of the default partition in the same transaction, and attaches it with SHARE UPDATE EXCLUSIVE on the parent. Returns what it did; a partial overlap with a hand-made partition is reported as a conflict.';
