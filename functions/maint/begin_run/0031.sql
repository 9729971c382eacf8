-- maint.begin_run(text): the start of a maintenance or cleanup run: nothing on a replica, a skip
-- when another run of the kind is live (cron and pg_cron both scheduled, a slow run overtaken),
-- else a new row in maint.maintenance_runs for the run to record what it does.
CREATE OR REPLACE FUNCTION maint.begin_run(p_kind text)
RETURNS TABLE (run_id bigint, status text, detail text)
LANGUAGE plpgsql
VOLATILE
STRICT
SET search_path = pg_catalog, pg_temp
SET lock_timeout = '250ms'
AS $$
#variable_conflict use_column
DECLARE
    v_live record;
    v_id bigint;
    v_retries integer := coalesce(nullif(current_setting('maint.lock_retries', true), '')::integer, 20);
    v_locked boolean := false;
BEGIN
    IF p_kind NOT IN ('maintenance', 'cleanup') THEN
        RAISE EXCEPTION 'unknown run kind %', p_kind USING ERRCODE = '22023', HINT = 'maintenance or cleanup.';
    END IF;
    -- A hot standby replays the primary's partitions and cannot write: nothing to do, and no row
    -- to record (the run's summary says so).
    IF pg_is_in_recovery() THEN
        RETURN QUERY SELECT NULL::bigint, 'replica'::text,
            'this server is a replica (pg_is_in_recovery()): nothing done; maintenance runs on the primary and reaches the replicas by replication'::text;
        RETURN;
    END IF;
    PERFORM set_config('lock_timeout', coalesce(nullif(current_setting('maint.lock_timeout', true), ''), '250ms'), true);

    -- Two runs starting at once must not both see "no live run": the check and the insert happen
    -- under EXCLUSIVE on maint.maintenance_runs, held for this moment only. No application role
    -- can take that lock (it has no privilege on the table), so none can stall maintenance the
    -- way an advisory lock, which any role may take on a guessable key, could.
    FOR v_attempt IN 1 .. v_retries LOOP
        BEGIN
            LOCK TABLE maint.maintenance_runs IN EXCLUSIVE MODE;
            v_locked := true;
            EXIT;
        EXCEPTION WHEN lock_not_available THEN
            PERFORM pg_sleep(least(0.05 * v_attempt, 0.5) + random() * 0.05);
        END;
    END LOOP;
    IF NOT v_locked THEN
        RETURN QUERY SELECT NULL::bigint, 'overlap'::text,
            format('maint.maintenance_runs stayed locked for %s tries: another run is recording its work; this run skips', v_retries);
        RETURN;
    END IF;

    -- a run whose session is gone (killed, server restarted) finished without saying so
    UPDATE maint.maintenance_runs r
       SET status = 'abandoned', finished_at = clock_timestamp(),
           detail = format('its session (pid %s) ended before the run finished; found by the run after it', r.backend_pid)
     WHERE r.kind = p_kind AND r.status = 'running'
       AND NOT EXISTS (SELECT FROM pg_stat_activity a
                        WHERE a.pid = r.backend_pid AND a.pid <> pg_backend_pid()
                          -- backend_start is hidden from a role that may not see that session:
                          -- then the pid alone tells (a reused pid delays the next run, never two at once)
                          AND (a.backend_start IS NULL OR r.backend_start IS NULL OR a.backend_start = r.backend_start));

    SELECT r.id, r.backend_pid, r.started_at, r.run_by INTO v_live
      FROM maint.maintenance_runs r WHERE r.kind = p_kind AND r.status = 'running' ORDER BY r.started_at LIMIT 1;
    IF FOUND THEN
        INSERT INTO maint.maintenance_runs AS r (kind, status, finished_at, backend_start, detail)
        VALUES (p_kind, 'overlap', clock_timestamp(),
                (SELECT a.backend_start FROM pg_stat_activity a WHERE a.pid = pg_backend_pid()),
                format('run %s (pid %s, by %s, since %s) is still running: this one skips', v_live.id, v_live.backend_pid,
                       v_live.run_by, v_live.started_at))
        RETURNING r.id INTO v_id;
        RETURN QUERY SELECT r.id, r.status, r.detail FROM maint.maintenance_runs r WHERE r.id = v_id;
        RETURN;
    END IF;

    -- kept 90 days: enough to look back at a quarter of hourly runs
    DELETE FROM maint.maintenance_runs r WHERE r.started_at < now() - interval '90 days' AND r.status <> 'running';
    INSERT INTO maint.maintenance_runs AS r (kind, backend_start)
    VALUES (p_kind, (SELECT a.backend_start FROM pg_stat_activity a WHERE a.pid = pg_backend_pid()))
    RETURNING r.id INTO v_id;
    RETURN QUERY SELECT v_id, 'running'::text, NULL::text;
END;
$$;

COMMENT ON FUNCTION maint.begin_run(text) IS
    'Starts a run of kind maintenance or cleanup (for maint.run_maintenance / maint.run_cleanup, which commit right after): on a replica returns status replica and records nothing; under a moment''s EXCLUSIVE lock on maint.maintenance_runs, marks runs whose session is gone abandoned, then records an overlap row and returns status overlap when a run of the kind is live, else a running row (status running). Prunes runs older than 90 days.';
