-- maint.run_cleanup(): `make cleanup`, cron and pg_cron entry point: retention of every
-- registered table, then the other areas' cleanups when they exist, each committed on its own.
--
-- A PROCEDURE so a dropped partition's ACCESS EXCLUSIVE lock on its parent ends with that
-- table's own transaction, not after every other cleanup; no SET clause is allowed with
-- transaction control, so every name is qualified (see repair_default_partition).
CREATE OR REPLACE PROCEDURE maint.run_cleanup()
LANGUAGE plpgsql
AS $$
DECLARE
    v_parents regclass[];
    v_parent regclass;
    v_row record;
    v_step text;
    v_kind "char";
    v_result text;
    v_failed integer := 0;
BEGIN
    v_parents := ARRAY(SELECT p.parent FROM maint.partition_policies p
                        WHERE p.retention IS NOT NULL AND pg_catalog.to_regclass(p.parent::text) IS NOT NULL
                        ORDER BY p.parent::text);
    FOREACH v_parent IN ARRAY v_parents LOOP
        BEGIN
            FOR v_row IN SELECT * FROM maint.apply_retention(v_parent) LOOP
                RAISE NOTICE '% % % %', v_row.parent, v_row.action, v_row.partition, v_row.detail;
            END LOOP;
        EXCEPTION WHEN OTHERS THEN
            v_failed := v_failed + 1;
            RAISE WARNING 'retention of % failed: % (SQLSTATE %)', v_parent, SQLERRM, SQLSTATE;
        END;
        COMMIT;
    END LOOP;

    -- Written by the other areas; called only when present, whatever they return (a count,
    -- a row, void), with no argument (their parameters, if any, have defaults).
    FOREACH v_step IN ARRAY ARRAY['core.cleanup_expired_memories', 'ops.cleanup_system_logs'] LOOP
        SELECT pr.prokind INTO v_kind
          FROM pg_catalog.pg_proc pr
          JOIN pg_catalog.pg_namespace n ON n.oid = pr.pronamespace
         WHERE n.nspname = pg_catalog.split_part(v_step, '.', 1)
           AND pr.proname = pg_catalog.split_part(v_step, '.', 2)
         ORDER BY pr.pronargs
         LIMIT 1;
        IF NOT FOUND THEN
            RAISE NOTICE '% not installed: skipped', v_step;
            CONTINUE;
        END IF;
        BEGIN
            IF v_kind = 'p' THEN
                EXECUTE pg_catalog.format('CALL %s()', v_step);
                v_result := 'done';
            ELSE
                EXECUTE pg_catalog.format('SELECT pg_catalog.string_agg(r::text, '', '') FROM %s() AS r', v_step)
                   INTO v_result;
            END IF;
            RAISE NOTICE '%: %', v_step, coalesce(nullif(v_result, ''), 'done');
        EXCEPTION WHEN OTHERS THEN
            v_failed := v_failed + 1;
            RAISE WARNING '% failed: % (SQLSTATE %)', v_step, SQLERRM, SQLSTATE;
        END;
        COMMIT;
    END LOOP;

    IF v_failed > 0 THEN
        RAISE EXCEPTION 'cleanup failed in % step(s)', v_failed
              USING ERRCODE = 'P0001', HINT = 'The warnings above name them; the other steps ran and committed.';
    END IF;
END;
$$;

COMMENT ON PROCEDURE maint.run_cleanup() IS
    'Cleanup entry point (make cleanup, cron, pg_cron): retention of every registered table, then core.cleanup_expired_memories() and ops.cleanup_system_logs() when installed, each step in its own transaction. Reports by NOTICE; fails at the end if a step failed. CALL it outside a transaction block.';
