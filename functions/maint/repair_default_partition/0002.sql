-- maint.repair_default_partition(regclass): move every row stuck in the default partition into
-- the partition of its period, creating it, one transaction per target partition.
--
-- A PROCEDURE, not a function: a function runs inside one transaction, so a large default would
-- be moved under one long lock and one huge commit. CALL commits after each target partition, so
-- each move holds its locks only for its own rows and a failure keeps the moves already done.
-- Transaction control forbids a SET clause on a procedure, hence no fixed search_path here:
-- every name in the body is schema-qualified and the work is done by maint.create_partition,
-- which has one. Call it with CALL outside an explicit transaction block (psql's autocommit).
CREATE OR REPLACE PROCEDURE maint.repair_default_partition(p_parent regclass)
LANGUAGE plpgsql
AS $$
DECLARE
    v_periods timestamptz[];
    v_period timestamptz;
    v_row record;
    v_retries integer := coalesce(nullif(pg_catalog.current_setting('maint.lock_retries', true), '')::integer, 20);
    v_done boolean;
    v_failed integer := 0;
BEGIN
    v_periods := ARRAY(SELECT maint.default_partition_periods(p_parent));
    FOREACH v_period IN ARRAY v_periods LOOP
        v_done := false;
        FOR v_attempt IN 1 .. v_retries LOOP
            BEGIN
                FOR v_row IN SELECT * FROM maint.create_partition(p_parent, v_period) LOOP
                    RAISE NOTICE '% % % %', v_row.parent, v_row.action, coalesce(v_row.partition, '-'), v_row.detail;
                END LOOP;
                v_done := true;
                EXIT;
            EXCEPTION
                WHEN lock_not_available THEN
                    PERFORM pg_catalog.pg_sleep(LEAST(0.05 * v_attempt, 0.5) + pg_catalog.random() * 0.05);
                WHEN OTHERS THEN
                    -- e.g. a foreign key pointing at the parent refuses the DELETE from the
                    -- default: this period's rows stay (its transaction rolled back), others go on
                    RAISE WARNING '% repair of the period from % failed: % (SQLSTATE %)', p_parent, v_period, SQLERRM, SQLSTATE;
                    EXIT;
            END;
        END LOOP;
        IF NOT v_done THEN
            v_failed := v_failed + 1;
            RAISE WARNING '% skip: rows of the period from % stay in the default partition', p_parent, v_period;
        END IF;
        COMMIT;
    END LOOP;
    IF v_failed > 0 THEN
        RAISE EXCEPTION 'rows of % period(s) are still in the default partition of %', v_failed, p_parent
              USING ERRCODE = 'P0001', HINT = 'The warnings above say why; the other periods were moved and committed. Run it again.';
    END IF;
END;
$$;

COMMENT ON PROCEDURE maint.repair_default_partition(regclass) IS
    'Moves the rows of a registered table''s default partition into the partitions of their periods (created as needed), committing after each target partition: no row lost or doubled, locks held per period only. Reports by NOTICE; a period that cannot be moved is warned about, the others still move, and it fails at the end. CALL it outside a transaction block.';
