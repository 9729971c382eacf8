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
BEGIN
    v_periods := ARRAY(SELECT maint.default_partition_periods(p_parent));
    FOREACH v_period IN ARRAY v_periods LOOP
        v_done := false;
        FOR v_attempt IN 1 .. v_retries LOOP
            BEGIN
                FOR v_row IN SELECT * FROM maint.create_partition(p_parent, v_period) LOOP
                    RAISE NOTICE '% % % %', v_row.parent, v_row.action, v_row.partition, v_row.detail;
                END LOOP;
                v_done := true;
                EXIT;
            EXCEPTION WHEN lock_not_available THEN
                PERFORM pg_catalog.pg_sleep(LEAST(0.05 * v_attempt, 0.5) + pg_catalog.random() * 0.05);
            END;
        END LOOP;
        IF NOT v_done THEN
            RAISE WARNING '% skip: rows of the period from % stay in the default partition (lock not granted in % tries)',
                          p_parent, v_period, v_retries;
        END IF;
        COMMIT;
    END LOOP;
END;
$$;

COMMENT ON PROCEDURE maint.repair_default_partition(regclass) IS
    'Moves the rows of a registered table''s default partition into the partitions of their periods (created as needed), committing after each target partition: no row lost or doubled, locks held per period only. Reports by NOTICE. CALL it outside a transaction block.';
