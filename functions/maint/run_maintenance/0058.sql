-- maint.run_maintenance(): `make rotate`, cron and pg_cron entry point: maintenance of every
-- registered table, one short transaction per step, recorded in maint.maintenance_runs and
-- printed at the end as a one-screen summary.
--
-- A PROCEDURE so that every step commits on its own: a lock taken for one partition is never
-- held while the next is waited for, and one broken table does not stop the others. No SET
-- clause is allowed with transaction control, so every name is qualified; the steps are
-- functions that have one. Per table:
--   1. its default partition, when missing;
--   2. each partition of maint.partition_plan (missing inside the window, or with rows waiting in
--      the default): maint.prepare_partition in its own transaction, then maint.attach_partition,
--      the short one that moves the rows and attaches (at most maint.max_new_partitions a run);
--   3. retention, one maint.retire_partition per transaction;
--   4. the stray rows left in the default partition, reported.
-- A step that cannot lock, or meets a deadlock, is reported skip and retried by the next run; a
-- step that fails is reported and makes the run fail at its end, after every other table.
-- 0058: only a lock skip leaves the later periods of a table to the next run.
CREATE OR REPLACE PROCEDURE maint.run_maintenance()
LANGUAGE plpgsql
AS $$
DECLARE
    v_run record;
    v_parents regclass[];
    v_parent regclass;
    v_periods timestamptz[];
    v_period timestamptz;
    v_parts regclass[];
    v_part regclass;
    v_step jsonb;
    v_actions jsonb := '[]';
    v_status text;
    v_line text;
    v_max integer := coalesce(nullif(pg_catalog.current_setting('maint.max_new_partitions', true), '')::integer, 100);
BEGIN
    SELECT * INTO v_run FROM maint.begin_run('maintenance');
    COMMIT;
    IF v_run.status <> 'running' THEN
        -- a replica, or another run still going: say so and do nothing
        FOR v_line IN SELECT * FROM maint.run_summary(v_run.run_id, v_run.detail) LOOP
            RAISE NOTICE '%', v_line;
        END LOOP;
        RETURN;
    END IF;

    v_parents := ARRAY(SELECT p.parent FROM maint.partition_policies p ORDER BY p.parent::text);
    FOREACH v_parent IN ARRAY v_parents LOOP
        IF NOT EXISTS (SELECT FROM pg_catalog.pg_class c WHERE c.oid = v_parent) THEN
            v_actions := v_actions || pg_catalog.jsonb_build_array(pg_catalog.jsonb_build_object(
                'parent', v_parent::text, 'action', 'skip', 'partition', NULL, 'rows', NULL,
                'detail', 'the table no longer exists; remove its policy with maint.unregister_partitioned_table'));
            CONTINUE;
        END IF;

        v_actions := v_actions || maint.run_step(v_parent, 'default partition', pg_catalog.format(
            'SELECT pg_catalog.jsonb_agg(pg_catalog.to_jsonb(r)) FROM maint.ensure_default_partition(%L::regclass) r', v_parent));
        COMMIT;

        v_step := maint.run_step(v_parent, 'planning', pg_catalog.format(
            'SELECT pg_catalog.jsonb_build_array(pg_catalog.jsonb_build_object(''periods'', pg_catalog.to_jsonb(ARRAY(SELECT maint.partition_plan(%L::regclass)))))',
            v_parent));
        COMMIT;
        IF (v_step -> 0) ? 'periods' THEN
            v_periods := ARRAY(SELECT pg_catalog.jsonb_array_elements_text(v_step -> 0 -> 'periods')::timestamptz);
        ELSE
            v_periods := '{}';
            v_actions := v_actions || v_step;
        END IF;
        IF pg_catalog.cardinality(v_periods) > v_max THEN
            v_actions := v_actions || pg_catalog.jsonb_build_array(pg_catalog.jsonb_build_object(
                'parent', v_parent::text, 'action', 'skip', 'partition', NULL, 'rows', NULL,
                'detail', pg_catalog.format('%s partitions are due, more than maint.max_new_partitions (%s) a run: the next runs go on from %s',
                                            pg_catalog.cardinality(v_periods), v_max, v_periods[v_max + 1])));
            v_periods := v_periods[1:v_max];
        END IF;
        FOREACH v_period IN ARRAY v_periods LOOP
            -- the table, its indexes and CHECK in a transaction of their own (ACCESS SHARE on
            -- the parent) ...
            v_step := maint.run_step(v_parent, pg_catalog.format('preparing the partition from %s', v_period), pg_catalog.format(
                'SELECT CASE WHEN maint.prepare_partition(%L::regclass, %L::timestamptz) IS NULL THEN NULL END::jsonb',
                v_parent, v_period));
            COMMIT;
            IF v_step <> '[]' THEN
                v_actions := v_actions || v_step;
                CONTINUE;
            END IF;
            -- ... then the move and ATTACH, whose locks last only as long as the rows moved require
            v_step := maint.run_step(v_parent, pg_catalog.format('the partition from %s', v_period), pg_catalog.format(
                'SELECT pg_catalog.jsonb_agg(pg_catalog.to_jsonb(r)) FROM maint.attach_partition(%L::regclass, %L::timestamptz) r',
                v_parent, v_period));
            v_actions := v_actions || v_step;
            COMMIT;
            -- a lock not granted means a transaction holds the table: the next periods would wait
            -- for it too (each for its retries, while writers queue behind the lock request), so
            -- they are left to the next run
            -- (0058: only a lock skip; a period skipped for its size, maint.max_move_rows, says
            -- nothing about the next ones, which are made as usual)
            IF EXISTS (SELECT FROM pg_catalog.jsonb_array_elements(v_step) AS e
                        WHERE e ->> 'action' = 'skip'
                          AND e ->> 'detail' ~ '(not granted|deadlock|SQLSTATE (55P03|40P01|40001))')
               AND v_period < v_periods[pg_catalog.cardinality(v_periods)] THEN
                v_actions := v_actions || pg_catalog.jsonb_build_array(pg_catalog.jsonb_build_object(
                    'parent', v_parent::text, 'action', 'skip', 'partition', NULL, 'rows', NULL,
                    'detail', pg_catalog.format('%s later partition(s) left to the next run: the table is locked',
                                                (SELECT pg_catalog.count(*) FROM pg_catalog.unnest(v_periods) AS p WHERE p > v_period))));
                EXIT;
            END IF;
        END LOOP;

        -- retention, one partition per transaction: each drop's locks end before the next waits
        v_parts := ARRAY(SELECT maint.expired_partitions(v_parent));
        FOREACH v_part IN ARRAY v_parts LOOP
            v_actions := v_actions || maint.run_step(v_parent, pg_catalog.format('retention of %s', v_part), pg_catalog.format(
                'SELECT pg_catalog.jsonb_agg(pg_catalog.to_jsonb(r)) FROM maint.retire_partition(%L::regclass, %L::regclass) r',
                v_parent, v_part));
            COMMIT;
        END LOOP;

        v_actions := v_actions || maint.run_step(v_parent, 'counting stray rows', pg_catalog.format(
            'SELECT pg_catalog.jsonb_agg(pg_catalog.to_jsonb(r)) FROM maint.default_partition_strays(%L::regclass) r', v_parent));
        PERFORM maint.record_run(v_run.run_id, v_actions, false);
        COMMIT;
    END LOOP;

    v_status := maint.record_run(v_run.run_id, v_actions, true);
    COMMIT;
    FOR v_line IN SELECT * FROM maint.run_summary(v_run.run_id) LOOP
        RAISE NOTICE '%', v_line;
    END LOOP;
    IF v_status = 'failed' THEN
        RAISE EXCEPTION 'partition maintenance run % failed in % step(s)', v_run.run_id,
              (SELECT pg_catalog.count(*) FROM pg_catalog.jsonb_array_elements(v_actions) e WHERE e ->> 'action' = 'fail')
              USING ERRCODE = 'P0001', HINT = 'The summary above names them; every other step ran and committed.';
    END IF;
END;
$$;

COMMENT ON PROCEDURE maint.run_maintenance() IS
    'Partition maintenance of every registered table (make rotate, cron, pg_cron), one short transaction per step: default partition, missing partitions inside the window (maint.partition_plan; prepare, then move and attach), retention one partition at a time, stray rows reported. Does nothing on a replica, skips when another run is live (maint.begin_run); records the run in maint.maintenance_runs and prints its summary (NOTICE). A step that cannot lock is skip (retried next run); a failed step makes it fail at the end (P0001), after the rest. CALL it outside a transaction block.';
