-- maint.run_cleanup(): `make cleanup`, cron and pg_cron entry point: retention of every
-- registered table, one partition per transaction, then the other areas' cleanups when they
-- exist, each committed on its own; recorded in maint.maintenance_runs and summarised.
--
-- A PROCEDURE so that a dropped partition's ACCESS EXCLUSIVE lock on its parent ends with that
-- partition's own transaction, before the next partition is waited for; no SET clause is
-- allowed with transaction control, so every name is qualified (see run_maintenance).
-- 0084: also applies each conversation's own retention (maint.apply_conversation_retention, 0081).
CREATE OR REPLACE PROCEDURE maint.run_cleanup()
LANGUAGE plpgsql
AS $$
DECLARE
    v_run record;
    v_parents regclass[];
    v_parent regclass;
    v_parts regclass[];
    v_part regclass;
    v_step text;
    v_kind "char";
    v_result text;
    v_actions jsonb := '[]';
    v_status text;
    v_line text;
BEGIN
    SELECT * INTO v_run FROM maint.begin_run('cleanup');
    COMMIT;
    IF v_run.status <> 'running' THEN
        FOR v_line IN SELECT * FROM maint.run_summary(v_run.run_id, v_run.detail) LOOP
            RAISE NOTICE '%', v_line;
        END LOOP;
        RETURN;
    END IF;

    v_parents := ARRAY(SELECT p.parent FROM maint.partition_policies p
                        WHERE p.retention IS NOT NULL AND EXISTS (SELECT FROM pg_catalog.pg_class c WHERE c.oid = p.parent)
                        ORDER BY p.parent::text);
    FOREACH v_parent IN ARRAY v_parents LOOP
        v_parts := ARRAY(SELECT maint.expired_partitions(v_parent));
        FOREACH v_part IN ARRAY v_parts LOOP
            v_actions := v_actions || maint.run_step(v_parent, pg_catalog.format('retention of %s', v_part), pg_catalog.format(
                'SELECT pg_catalog.jsonb_agg(pg_catalog.to_jsonb(r)) FROM maint.retire_partition(%L::regclass, %L::regclass) r',
                v_parent, v_part));
            COMMIT;
        END LOOP;
    END LOOP;
    PERFORM maint.record_run(v_run.run_id, v_actions, false);
    COMMIT;

    -- Written by the other areas; called only when present, whatever they return (a count,
    -- a row, void), with no argument (their parameters, if any, have defaults). The system
    -- logs' cleanup finds nothing left to drop: retention above already went through them.
    FOREACH v_step IN ARRAY ARRAY['core.cleanup_expired_memories', 'ops.cleanup_system_logs', 'maint.apply_conversation_retention'] LOOP
        SELECT pr.prokind INTO v_kind
          FROM pg_catalog.pg_proc pr
          JOIN pg_catalog.pg_namespace n ON n.oid = pr.pronamespace
         WHERE n.nspname = pg_catalog.split_part(v_step, '.', 1)
           AND pr.proname = pg_catalog.split_part(v_step, '.', 2)
         ORDER BY pr.pronargs
         LIMIT 1;
        IF NOT FOUND THEN
            v_actions := v_actions || pg_catalog.jsonb_build_array(pg_catalog.jsonb_build_object(
                'parent', NULL, 'action', 'cleanup', 'partition', NULL, 'rows', NULL,
                'detail', pg_catalog.format('%s not installed: skipped', v_step)));
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
            v_actions := v_actions || pg_catalog.jsonb_build_array(pg_catalog.jsonb_build_object(
                'parent', NULL, 'action', 'cleanup', 'partition', NULL, 'rows', NULL,
                'detail', pg_catalog.format('%s: %s', v_step, coalesce(nullif(v_result, ''), 'done'))));
        EXCEPTION
            WHEN lock_not_available OR deadlock_detected THEN
                v_actions := v_actions || pg_catalog.jsonb_build_array(pg_catalog.jsonb_build_object(
                    'parent', NULL, 'action', 'skip', 'partition', NULL, 'rows', NULL,
                    'detail', pg_catalog.format('%s: %s (SQLSTATE %s); the next run retries', v_step, SQLERRM, SQLSTATE)));
            WHEN OTHERS THEN
                v_actions := v_actions || pg_catalog.jsonb_build_array(pg_catalog.jsonb_build_object(
                    'parent', NULL, 'action', 'fail', 'partition', NULL, 'rows', NULL,
                    'detail', pg_catalog.format('%s: %s (SQLSTATE %s)', v_step, SQLERRM, SQLSTATE)));
        END;
        COMMIT;
    END LOOP;

    v_status := maint.record_run(v_run.run_id, v_actions, true);
    COMMIT;
    FOR v_line IN SELECT * FROM maint.run_summary(v_run.run_id) LOOP
        RAISE NOTICE '%', v_line;
    END LOOP;
    IF v_status = 'failed' THEN
        RAISE EXCEPTION 'cleanup run % failed in % step(s)', v_run.run_id,
              (SELECT pg_catalog.count(*) FROM pg_catalog.jsonb_array_elements(v_actions) e WHERE e ->> 'action' = 'fail')
              USING ERRCODE = 'P0001', HINT = 'The summary above names them; the other steps ran and committed.';
    END IF;
END;
$$;

COMMENT ON PROCEDURE maint.run_cleanup() IS
    'Cleanup entry point (make cleanup, cron, pg_cron): retention of every registered table, one partition per transaction (maint.retire_partition), then core.cleanup_expired_memories(), ops.cleanup_system_logs() and maint.apply_conversation_retention() (each conversation''s keep_latest_messages / keep_days) when installed, each in its own transaction. Skips on a replica or when another cleanup run is live; recorded in maint.maintenance_runs; prints its summary (NOTICE); fails at the end if a step failed. CALL it outside a transaction block.';
