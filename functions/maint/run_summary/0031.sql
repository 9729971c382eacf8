-- maint.run_summary(bigint, text): the one-screen summary of a run, as make rotate and make
-- cleanup print it (the procedures raise it as NOTICE lines at their end).
CREATE OR REPLACE FUNCTION maint.run_summary(p_run_id bigint, p_detail text DEFAULT NULL)
RETURNS SETOF text
LANGUAGE plpgsql
STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_run maint.maintenance_runs;
    v_counts record;
    v_moved text;
BEGIN
    IF p_run_id IS NULL THEN
        -- no row: a replica, or the runs table could not be locked
        RETURN NEXT format('maintenance: %s', coalesce(p_detail, 'nothing done'));
        RETURN;
    END IF;
    SELECT * INTO v_run FROM maint.maintenance_runs r WHERE r.id = p_run_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no maintenance run %', p_run_id USING ERRCODE = 'P0002', HINT = 'SELECT id, kind, started_at FROM maint.maintenance_runs ORDER BY id DESC.';
    END IF;
    IF v_run.status = 'overlap' THEN
        RETURN NEXT format('%s run %s skipped: %s', v_run.kind, v_run.id, v_run.detail);
        RETURN;
    END IF;

    SELECT count(DISTINCT e.a ->> 'parent') AS tables,
           count(*) FILTER (WHERE e.a ->> 'action' = 'create') AS created,
           coalesce(sum((e.a ->> 'rows')::bigint) FILTER (WHERE e.a ->> 'action' = 'create'), 0) AS moved,
           count(*) FILTER (WHERE e.a ->> 'action' IN ('drop', 'detach')) AS retired,
           count(*) FILTER (WHERE e.a ->> 'action' IN ('skip', 'conflict')) AS skipped,
           count(*) FILTER (WHERE e.a ->> 'action' = 'fail') AS failed,
           coalesce(sum((e.a ->> 'rows')::bigint) FILTER (WHERE e.a ->> 'action' = 'stray'), 0) AS stray,
           count(*) FILTER (WHERE e.a ->> 'action' = 'cleanup') AS cleanups,
           string_agg(DISTINCT e.a ->> 'parent', ', ') FILTER (WHERE e.a ->> 'action' = 'create' AND (e.a ->> 'rows')::bigint > 0) AS moved_in
      INTO v_counts
      FROM jsonb_array_elements(v_run.actions) AS e (a);

    RETURN NEXT format('%s run %s, %s%s: %s', v_run.kind, v_run.id,
        to_char(v_run.started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS "UTC"'),
        CASE WHEN v_run.finished_at IS NOT NULL
             THEN format(', %s s', round(extract(epoch FROM v_run.finished_at - v_run.started_at)::numeric, 1)) ELSE ' (running)' END,
        CASE WHEN v_counts.created + v_counts.retired + v_counts.skipped + v_counts.failed + v_counts.stray + v_counts.cleanups = 0
             THEN format('nothing to do (%s tables checked)',
                         (SELECT count(*) FROM maint.partition_policies p
                           WHERE v_run.kind = 'maintenance' OR p.retention IS NOT NULL))
             ELSE concat_ws(', ',
                  CASE WHEN v_counts.created > 0 THEN format('%s created', v_counts.created) END,
                  CASE WHEN v_counts.moved > 0 THEN format('%s row%s moved', v_counts.moved, CASE WHEN v_counts.moved = 1 THEN '' ELSE 's' END) END,
                  CASE WHEN v_counts.retired > 0 THEN format('%s dropped/detached', v_counts.retired) END,
                  CASE WHEN v_counts.skipped > 0 THEN format('%s skipped (retried next run)', v_counts.skipped) END,
                  CASE WHEN v_counts.failed > 0 THEN format('%s FAILED', v_counts.failed) END,
                  CASE WHEN v_counts.stray > 0 THEN format('%s stray row%s left in default partitions', v_counts.stray, CASE WHEN v_counts.stray = 1 THEN '' ELSE 's' END) END,
                  CASE WHEN v_counts.cleanups > 0 THEN format('%s cleanups', v_counts.cleanups) END)
        END);
    RETURN QUERY SELECT * FROM maint.format_actions(v_run.actions);
    IF v_counts.moved_in IS NOT NULL THEN
        RETURN NEXT format('hint: rows moved: ANALYZE %s refreshes the row estimates make partitions shows (autovacuum does it in time)',
                           v_counts.moved_in);
    END IF;
END;
$$;

COMMENT ON FUNCTION maint.run_summary(bigint, text) IS
    'The summary of one run of maint.maintenance_runs, for people: a headline (created, rows moved, dropped/detached, skipped, failed, stray rows, or nothing to do; for an overlap run why it skipped), the lines of maint.format_actions, and a hint to ANALYZE after rows moved. With a NULL id, one line saying p_detail (a replica).';
