-- 0063: the probes of a partition's rows select a constant (SELECT 1 FROM ...), not an empty
-- select list, which Citus cannot plan on a distributed partition ("a column definition list is
-- required for functions returning record"); the same answer on one server.
-- maint.prepare_partition(regclass, timestamptz, boolean): the first half of creating a
-- partition, in a transaction of its own: the standalone table <parent>_pYYYYMM[DD] with its
-- indexes and a CHECK constraint equal to its future bound, so that ATTACH PARTITION (the second
-- half, maint.attach_partition) neither builds an index nor scans the rows moved into it.
CREATE OR REPLACE FUNCTION maint.prepare_partition(p_parent regclass, p_start timestamptz, p_fresh boolean DEFAULT true)
RETURNS regclass
LANGUAGE plpgsql
VOLATILE
STRICT
SET search_path = pg_catalog, pg_temp
SET lock_timeout = '250ms'
AS $$
DECLARE
    v_interval text;
    v_lo timestamptz;
    v_hi timestamptz;
    v_schema name;
    v_table name;
    v_key name;
    v_key_not_null boolean;
    v_name text;
    v_comment text;
    v_old regclass;
    v_new regclass;
    v_empty boolean;
    v_retries integer := coalesce(nullif(current_setting('maint.lock_retries', true), '')::integer, 20);
BEGIN
    IF NOT isfinite(p_start) THEN
        RAISE EXCEPTION 'cannot create a partition of % for %', p_parent, p_start
              USING ERRCODE = '22023', HINT = 'Rows with an infinite time stay in the default partition.';
    END IF;
    PERFORM set_config('lock_timeout', coalesce(nullif(current_setting('maint.lock_timeout', true), ''), '250ms'), true);
    -- called by maint.attach_partition (p_fresh false), which retries the whole: one try here
    IF NOT p_fresh THEN
        v_retries := 1;
    END IF;

    FOR v_attempt IN 1 .. v_retries LOOP
        BEGIN
            -- one maintainer per parent at a time: the policy row, which no application role
            -- may read or lock (an advisory lock would be takeable by any role)
            SELECT p.partition_interval INTO v_interval
              FROM maint.partition_policies p WHERE p.parent = p_parent FOR UPDATE;
            IF NOT FOUND THEN
                RAISE EXCEPTION 'table % has no partition policy', p_parent
                      USING ERRCODE = 'P0002', HINT = 'Register it first: SELECT * FROM maint.register_partitioned_table(...).';
            END IF;
            v_lo := maint.partition_period_start(p_start, v_interval, 0);
            v_hi := maint.partition_period_start(p_start, v_interval, 1);
            -- covered, or partly overlapped by a hand-made partition (maint.attach_partition says so)
            IF EXISTS (SELECT FROM maint.partition_bounds(p_parent) b WHERE b.lower_bound < v_hi AND b.upper_bound > v_lo) THEN
                RETURN NULL;
            END IF;

            SELECT n.nspname, c.relname, a.attname, a.attnotnull
              INTO STRICT v_schema, v_table, v_key, v_key_not_null
              FROM pg_class c
              JOIN pg_namespace n ON n.oid = c.relnamespace
              JOIN pg_partitioned_table pt ON pt.partrelid = c.oid
              JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = pt.partattrs[0]
             WHERE c.oid = p_parent;
            v_name := maint.partition_name(v_table, '_p' || to_char(v_lo AT TIME ZONE 'UTC',
                                                                    CASE v_interval WHEN 'day' THEN 'YYYYMMDD' ELSE 'YYYYMM' END));
            v_comment := format('Partition of %I.%I for %s from %s to %s (UTC), made by partition maintenance.',
                                v_schema, v_table, v_interval, to_char(v_lo AT TIME ZONE 'UTC', 'YYYY-MM-DD'),
                                to_char(v_hi AT TIME ZONE 'UTC', 'YYYY-MM-DD'));

            -- A table left by an earlier run whose ATTACH never came (a lock not granted, a run
            -- stopped): maintenance's own (its comment, not a partition) and empty, since rows
            -- are only ever moved into it in the ATTACH transaction. Made again when fresh, so
            -- it follows any change of the parent since; reused as it is otherwise.
            v_old := to_regclass(format('%I.%I', v_schema, v_name));
            v_empty := NULL;
            IF v_old IS NOT NULL
               AND obj_description(v_old, 'pg_class') IS NOT DISTINCT FROM v_comment
               AND NOT (SELECT relispartition FROM pg_class WHERE oid = v_old)
               AND NOT EXISTS (SELECT FROM pg_inherits WHERE inhrelid = v_old) THEN
                EXECUTE format('SELECT NOT EXISTS (SELECT 1 FROM ONLY %s)', v_old) INTO v_empty;
            END IF;
            IF v_old IS NOT NULL AND coalesce(v_empty, false) THEN
                IF NOT p_fresh THEN
                    RETURN v_old;
                END IF;
                -- only its own locks: it has no foreign key (see maint.create_partition_table)
                EXECUTE format('DROP TABLE %s', v_old);
            END IF;

            v_new := maint.create_partition_table(p_parent, v_name, v_comment);
            -- the partition constraint ATTACH would otherwise verify with a scan
            EXECUTE format('ALTER TABLE %s ADD CONSTRAINT %I CHECK (%s%I >= %L::timestamptz AND %I < %L::timestamptz)',
                           v_new, maint.partition_name(v_name, format('_%s_check', v_key)),
                           CASE WHEN v_key_not_null THEN '' ELSE format('%I IS NOT NULL AND ', v_key) END,
                           v_key, v_lo, v_key, v_hi);
            RETURN v_new;
        EXCEPTION WHEN lock_not_available OR deadlock_detected THEN
            IF v_attempt = v_retries THEN
                RAISE;
            END IF;
            PERFORM pg_sleep(least(0.05 * v_attempt, 0.5) + random() * 0.05);
        END;
    END LOOP;
END;
$$;

COMMENT ON FUNCTION maint.prepare_partition(regclass, timestamptz, boolean) IS
    'First half of creating the partition of the day/month (UTC) holding p_start, meant to commit on its own: the standalone table with the parent''s columns, constraints and indexes, its privileges, and a CHECK constraint equal to its bound (dropped once attached). Its locks: ACCESS SHARE on the parent, its own. NULL when a partition already covers or overlaps the period. An empty table left by an earlier run is made again (p_fresh) or reused. Lock waits are retried (maint.lock_timeout, maint.lock_retries), then raised (55P03).';
