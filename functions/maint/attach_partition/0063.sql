-- 0063: the probes of a partition's rows select a constant (SELECT 1 FROM ...), not an empty
-- select list, which Citus cannot plan on a distributed partition ("a column definition list is
-- required for functions returning record"); the same answer on one server.
-- maint.attach_partition(regclass, timestamptz): the second half of creating a partition (the
-- first is maint.prepare_partition, made here when missing): move the period's rows out of the
-- default partition and ATTACH the prepared table, in one short transaction whose locks are all
-- asked for at its start. Returns what it did, with the number of rows moved.
CREATE OR REPLACE FUNCTION maint.attach_partition(p_parent regclass, p_start timestamptz)
RETURNS TABLE (parent text, action text, partition text, detail text, rows bigint)
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
    v_overlap text;
    v_waiting bigint;
    v_has boolean;
    v_moved bigint;
    v_mode text;
    v_ref regclass;
    v_trigger_names name[];
    v_trigger_modes "char"[];
    v_step text;
    v_error text;
    v_done boolean := false;
    v_retries integer := coalesce(nullif(current_setting('maint.lock_retries', true), '')::integer, 20);
    v_max_move bigint := coalesce(nullif(current_setting('maint.max_move_rows', true), '')::bigint, 50000);
BEGIN
    IF NOT EXISTS (SELECT FROM maint.partition_policies p WHERE p.parent = p_parent) THEN
        RAISE EXCEPTION 'table % has no partition policy', p_parent
              USING ERRCODE = 'P0002', HINT = 'Register it first: SELECT * FROM maint.register_partitioned_table(...).';
    END IF;
    IF NOT isfinite(p_start) THEN
        RAISE EXCEPTION 'cannot create a partition of % for %', p_parent, p_start
              USING ERRCODE = '22023', HINT = 'Rows with an infinite time stay in the default partition.';
    END IF;
    PERFORM set_config('lock_timeout', coalesce(nullif(current_setting('maint.lock_timeout', true), ''), '250ms'), true);

    FOR v_attempt IN 1 .. v_retries LOOP
        BEGIN
            -- one maintainer per parent: its policy row, which no application role can lock
            v_step := format('the row of %s in maint.partition_policies', p_parent);
            SELECT p.partition_interval INTO STRICT v_interval
              FROM maint.partition_policies p WHERE p.parent = p_parent FOR UPDATE;
            v_lo := maint.partition_period_start(p_start, v_interval, 0);
            v_hi := maint.partition_period_start(p_start, v_interval, 1);

            -- already there (exactly, or covered by a partition someone made by hand): nothing
            -- to do; a partial overlap is reported, never "fixed" by guessing
            SELECT string_agg(b.partition::text, ', ') INTO v_overlap
              FROM maint.partition_bounds(p_parent) b
             WHERE b.lower_bound < v_hi AND b.upper_bound > v_lo
               AND NOT (b.lower_bound <= v_lo AND b.upper_bound >= v_hi);
            IF v_overlap IS NOT NULL THEN
                RETURN QUERY SELECT p_parent::text, 'conflict', NULL::text,
                    format('[%s, %s) overlaps %s partly; create or split it by hand', v_lo, v_hi, v_overlap), 0::bigint;
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

            -- the table prepared by an earlier transaction (maint.run_maintenance commits it
            -- first), else made now, in this one
            v_step := format('ACCESS SHARE on %s (preparing the partition)', p_parent);
            v_new := maint.prepare_partition(p_parent, p_start, false);

            -- Rows of the period waiting in the default partition, counted before any lock: they
            -- decide the lock on the parent, and a move too large to be a moment is refused.
            v_waiting := 0;
            IF v_default IS NOT NULL THEN
                v_step := format('ACCESS SHARE on %s (counting its rows)', v_default);
                EXECUTE format('SELECT count(*) FROM ONLY %s WHERE %I >= $1 AND %I < $2', v_default, v_key, v_key)
                   INTO v_waiting USING v_lo, v_hi;
                IF v_waiting > v_max_move THEN
                    RETURN QUERY SELECT p_parent::text, 'skip', v_new::text,
                        format('%s rows of [%s, %s) wait in %s, more than maint.max_move_rows (%s) moved while writes wait;'
                               ' move them in a quiet hour: SET maint.max_move_rows = %s; CALL maint.repair_default_partition(%L)',
                               v_waiting, v_lo, v_hi, v_default, v_max_move, v_waiting, p_parent::text), 0::bigint;
                    RETURN;
                END IF;
            END IF;

            -- Every lock this transaction needs, asked for here, parent first, each under the
            -- short lock_timeout: waiting late in the transaction (after a move) for a lock an
            -- application transaction holds could close a cycle with it, and deadlock_timeout
            -- (1 s) would make the application the victim. Asked for at once, maintenance's
            -- lock_timeout always expires first and it is maintenance that gives way.
            --   parent: a lock conflicting with ROW EXCLUSIVE, so that writers wait at the parent,
            --   where a statement locks before it routes or plans: once this commits, they route
            --   and plan against the new partition (an INSERT of the period is not refused by the
            --   default's new constraint, an UPDATE or DELETE finds the moved row). EXCLUSIVE
            --   lets reads go on; ACCESS EXCLUSIVE when rows move, because a read planned before
            --   the commit but run after it would see the moved rows in neither partition.
            v_mode := CASE WHEN v_default IS NULL THEN 'SHARE UPDATE EXCLUSIVE'
                           WHEN v_waiting > 0 THEN 'ACCESS EXCLUSIVE' ELSE 'EXCLUSIVE' END;
            v_step := format('%s on %s', v_mode, p_parent);
            EXECUTE format('LOCK TABLE ONLY %s IN %s MODE', p_parent, v_mode);
            v_has := false;
            IF v_default IS NOT NULL THEN
                -- exact now: no writer can add to the default while the parent is held
                EXECUTE format('SELECT EXISTS (SELECT 1 FROM ONLY %s WHERE %I >= $1 AND %I < $2)', v_default, v_key, v_key)
                   INTO v_has USING v_lo, v_hi;
                IF v_has AND v_mode <> 'ACCESS EXCLUSIVE' THEN
                    v_mode := 'ACCESS EXCLUSIVE';
                    v_step := format('%s on %s', v_mode, p_parent);
                    EXECUTE format('LOCK TABLE ONLY %s IN ACCESS EXCLUSIVE MODE', p_parent);
                END IF;
                --   the default partition: ATTACH scans it for rows of the new range
                v_step := format('ACCESS EXCLUSIVE on %s', v_default);
                EXECUTE format('LOCK TABLE ONLY %s IN ACCESS EXCLUSIVE MODE', v_default);
            END IF;
            v_step := format('ACCESS EXCLUSIVE on %s', v_new);
            EXECUTE format('LOCK TABLE ONLY %s IN ACCESS EXCLUSIVE MODE', v_new);
            --   the tables at the other end of the parent's foreign keys: ATTACH clones each
            --   foreign key onto the partition under SHARE ROW EXCLUSIVE on them
            FOR v_ref IN
                SELECT DISTINCT r.rel::regclass
                  FROM (SELECT c.confrelid AS rel FROM pg_constraint c
                         WHERE c.conrelid = p_parent AND c.contype = 'f' AND c.conparentid = 0
                        UNION
                        SELECT c.conrelid FROM pg_constraint c
                         WHERE c.confrelid = p_parent AND c.contype = 'f' AND c.conparentid = 0) r
                 WHERE r.rel <> p_parent::oid
                 ORDER BY 1
            LOOP
                v_step := format('SHARE ROW EXCLUSIVE on %s', v_ref);
                EXECUTE format('LOCK TABLE ONLY %s IN SHARE ROW EXCLUSIVE MODE', v_ref);
            END LOOP;

            v_moved := 0;
            IF v_has THEN
                -- Moving a row is not a change: the default's row triggers (the clones of the
                -- parent's: audit, append-only guards) are switched off for the move only, inside
                -- this transaction, so no other session ever sees them off, and back to exactly
                -- their mode. Only the table's owner can do this; no application role can use it
                -- to hide its own writes. Internal (foreign key) triggers stay on. DML on a
                -- partition fires none of the parent's statement triggers (the messages counters).
                SELECT coalesce(array_agg(t.tgname ORDER BY t.tgname), '{}'), coalesce(array_agg(t.tgenabled ORDER BY t.tgname), '{}')
                  INTO v_trigger_names, v_trigger_modes
                  FROM pg_trigger t WHERE t.tgrelid = v_default AND NOT t.tgisinternal AND t.tgenabled <> 'D';
                FOR i IN 1 .. cardinality(v_trigger_names) LOOP
                    EXECUTE format('ALTER TABLE %s DISABLE TRIGGER %I', v_default, v_trigger_names[i]);
                END LOOP;
                SELECT string_agg(format('%I', a.attname), ', ' ORDER BY a.attnum) INTO v_cols
                  FROM pg_attribute a
                 WHERE a.attrelid = p_parent AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = '';
                EXECUTE format('WITH moved AS (DELETE FROM ONLY %s WHERE %I >= $1 AND %I < $2 RETURNING %s) '
                               'INSERT INTO %s (%s) SELECT %s FROM moved',
                               v_default, v_key, v_key, v_cols, v_new, v_cols, v_cols)
                  USING v_lo, v_hi;
                GET DIAGNOSTICS v_moved = ROW_COUNT;
                FOR i IN 1 .. cardinality(v_trigger_names) LOOP
                    EXECUTE format('ALTER TABLE %s ENABLE %sTRIGGER %I', v_default,
                                   CASE v_trigger_modes[i] WHEN 'A' THEN 'ALWAYS ' WHEN 'R' THEN 'REPLICA ' ELSE '' END,
                                   v_trigger_names[i]);
                END LOOP;
            END IF;

            -- adopts the indexes, skips the scan of the new table (its CHECK constraint proves
            -- the bound), scans the default for rows of the range (none are left)
            v_step := format('ATTACH PARTITION %s', v_new);
            EXECUTE format('ALTER TABLE %I.%I ATTACH PARTITION %s FOR VALUES FROM (%L) TO (%L)',
                           v_schema, v_table, v_new, v_lo, v_hi);
            EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', v_new,
                           maint.partition_name((SELECT relname FROM pg_class WHERE oid = v_new), format('_%s_check', v_key)));
            v_done := true;
            EXIT;
        EXCEPTION WHEN lock_not_available OR deadlock_detected THEN
            -- everything this attempt took is released with its subtransaction
            v_error := CASE SQLSTATE WHEN '40P01' THEN 'deadlock' ELSE 'lock' END;
            IF v_attempt < v_retries THEN
                PERFORM pg_sleep(least(0.05 * v_attempt, 0.5) + random() * 0.05);
            END IF;
        END;
    END LOOP;

    IF NOT v_done THEN
        RETURN QUERY SELECT p_parent::text, 'skip', NULL::text,
            CASE v_error WHEN 'deadlock'
                 THEN format('partition from %s: a deadlock on %s in the last of %s tries; the next run retries', p_start, v_step, v_retries)
                 ELSE format('partition from %s: %s not granted in %s tries of %s; the next run retries',
                             p_start, v_step, v_retries, current_setting('lock_timeout')) END,
            0::bigint;
        RETURN;
    END IF;
    RETURN QUERY SELECT format('%I.%I', v_schema, v_table), 'create', v_new::text,
        format('FROM %s TO %s', v_lo, v_hi)
        || CASE WHEN v_moved > 0 THEN format('; moved %s rows from %s', v_moved, v_default) ELSE '' END,
        v_moved;
END;
$$;

COMMENT ON FUNCTION maint.attach_partition(regclass, timestamptz) IS
    'Creates the partition of the day/month (UTC) holding p_start: the table made by maint.prepare_partition (made now when missing) receives the period''s rows from the default partition, with the default''s user triggers off for the move only, and is attached. Locks, all asked for at the start under maint.lock_timeout: the parent EXCLUSIVE (ACCESS EXCLUSIVE when rows move), the default and the new table ACCESS EXCLUSIVE, the tables of the parent''s foreign keys SHARE ROW EXCLUSIVE; held for the move and the ATTACH only. More than maint.max_move_rows (default 50000) rows to move, or a lock still refused after maint.lock_retries tries, or a deadlock: returns skip. Returns one row per action, rows = rows moved.';
