-- maint.run_maintenance(): `make rotate`, cron and pg_cron entry point: maintenance of every
-- registered table, committed table by table, with repair of any default partition holding rows.
--
-- A PROCEDURE so each table's work commits on its own (a lock taken for one table is not held
-- while the next is maintained) and one broken table does not stop the others; no SET clause is
-- allowed with transaction control, so every name is qualified (see repair_default_partition).
CREATE OR REPLACE PROCEDURE maint.run_maintenance()
LANGUAGE plpgsql
AS $$
DECLARE
    v_parents regclass[];
    v_parent regclass;
    v_row record;
    v_failed integer := 0;
    v_stuck boolean;
    v_periods timestamptz[];
    v_period timestamptz;
BEGIN
    v_parents := ARRAY(SELECT p.parent FROM maint.partition_policies p ORDER BY p.parent::text);
    FOREACH v_parent IN ARRAY v_parents LOOP
        -- Default repair (as maint.repair_default_partition does, inlined so that a period
        -- that cannot move is counted and the other tables still get their turn), then a second
        -- pass: the partitions the repair made may leave gaps, which maintenance fills.
        FOR v_pass IN 1 .. 2 LOOP
            v_stuck := false;
            BEGIN
                FOR v_row IN SELECT * FROM maint.maintain_partitions(v_parent) LOOP
                    RAISE NOTICE '% % % %', v_row.parent, v_row.action, coalesce(v_row.partition, '-'), v_row.detail;
                    v_stuck := v_stuck OR v_row.action = 'warn';
                END LOOP;
            EXCEPTION WHEN OTHERS THEN
                v_failed := v_failed + 1;
                RAISE WARNING 'maintenance of % failed: % (SQLSTATE %)', v_parent, SQLERRM, SQLSTATE;
            END;
            COMMIT;
            EXIT WHEN NOT v_stuck OR v_pass = 2;
            v_periods := ARRAY(SELECT maint.default_partition_periods(v_parent));
            FOREACH v_period IN ARRAY v_periods LOOP
                BEGIN
                    FOR v_row IN SELECT * FROM maint.create_partition(v_parent, v_period) LOOP
                        RAISE NOTICE '% % % %', v_row.parent, v_row.action, coalesce(v_row.partition, '-'), v_row.detail;
                    END LOOP;
                EXCEPTION WHEN OTHERS THEN
                    v_failed := v_failed + 1;
                    RAISE WARNING '% repair of the period from % failed: % (SQLSTATE %)', v_parent, v_period, SQLERRM, SQLSTATE;
                END;
                COMMIT;
            END LOOP;
        END LOOP;
    END LOOP;
    IF v_failed > 0 THEN
        RAISE EXCEPTION 'partition maintenance failed in % step(s)', v_failed
              USING ERRCODE = 'P0001', HINT = 'The warnings above name them; the other tables were maintained and committed.';
    END IF;
END;
$$;

COMMENT ON PROCEDURE maint.run_maintenance() IS
    'Runs maint.maintain_partitions for every registered table, committing after each; where a default partition holds rows, maint.repair_default_partition and a second maintenance pass (to fill gaps the repair left). Reports by NOTICE; fails at the end (after doing the rest) if any table failed. Used by make rotate and the pg_cron job; CALL it outside a transaction block.';
