-- maint.repair_default_partition(regclass): move every row waiting in the default partition into
-- the partition of its period, creating it, one short transaction per period; rows outside the
-- table's window stay there (stray) and are reported.
--
-- A PROCEDURE, not a function: a function runs inside one transaction, so a large default would
-- be moved under one long lock and one huge commit. CALL commits after each step, so each move
-- holds its locks only for its own rows and a failure keeps the moves already done. Transaction
-- control forbids a SET clause on a procedure, hence no fixed search_path here: every name in
-- the body is schema-qualified and the work is done by functions that have one. Call it with
-- CALL outside an explicit transaction block (psql's autocommit). SET maint.max_move_rows first
-- to move more rows of one period than the default allows (writes wait during that move).
CREATE OR REPLACE PROCEDURE maint.repair_default_partition(p_parent regclass)
LANGUAGE plpgsql
AS $$
DECLARE
    v_periods timestamptz[];
    v_period timestamptz;
    v_step jsonb;
    v_actions jsonb := '[]';
    v_line text;
    v_failed bigint;
BEGIN
    v_periods := ARRAY(SELECT maint.default_partition_periods(p_parent));
    COMMIT;
    FOREACH v_period IN ARRAY v_periods LOOP
        v_step := maint.run_step(p_parent, pg_catalog.format('preparing the partition from %s', v_period), pg_catalog.format(
            'SELECT CASE WHEN maint.prepare_partition(%L::regclass, %L::timestamptz) IS NULL THEN NULL END::jsonb',
            p_parent, v_period));
        COMMIT;
        IF v_step = '[]' THEN
            -- e.g. a foreign key pointing at the parent refuses the DELETE from the default:
            -- that period's rows stay (its transaction rolled back), the others go on
            v_step := maint.run_step(p_parent, pg_catalog.format('the partition from %s', v_period), pg_catalog.format(
                'SELECT pg_catalog.jsonb_agg(pg_catalog.to_jsonb(r)) FROM maint.attach_partition(%L::regclass, %L::timestamptz) r',
                p_parent, v_period));
            COMMIT;
        END IF;
        v_actions := v_actions || v_step;
    END LOOP;
    v_actions := v_actions || maint.run_step(p_parent, 'counting stray rows', pg_catalog.format(
        'SELECT pg_catalog.jsonb_agg(pg_catalog.to_jsonb(r)) FROM maint.default_partition_strays(%L::regclass) r', p_parent));

    FOR v_line IN SELECT * FROM maint.format_actions(v_actions) LOOP
        RAISE NOTICE '%', v_line;
    END LOOP;
    IF pg_catalog.jsonb_array_length(v_actions) = 0 THEN
        RAISE NOTICE '  %: nothing to do (no rows in the default partition)', p_parent;
    END IF;
    v_failed := (SELECT pg_catalog.count(*) FROM pg_catalog.jsonb_array_elements(v_actions) e WHERE e ->> 'action' = 'fail');
    IF v_failed > 0 THEN
        RAISE EXCEPTION 'rows of % period(s) are still in the default partition of %', v_failed, p_parent
              USING ERRCODE = 'P0001', HINT = 'The lines above say why; the other periods were moved and committed. Run it again once fixed.';
    END IF;
END;
$$;

COMMENT ON PROCEDURE maint.repair_default_partition(regclass) IS
    'Moves the rows of a registered table''s default partition into the partitions of their periods inside its window (created as needed), one short transaction per period (maint.prepare_partition, maint.attach_partition): no row lost, doubled or audited, locks held per period only. Reports by NOTICE, stray rows (outside the window) included; a period that cannot lock is skip (run it again), one that fails makes it fail at the end (P0001) after the others moved. CALL it outside a transaction block.';
