-- ops.end_stuck_app_sessions(idle, running): the server-side guard of the app's time bounds.
-- api.act_as sets statement_timeout, lock_timeout and idle_in_transaction_session_timeout for an
-- app's transaction (core.bound_app_transaction), but those are settings the session itself may
-- change (SET LOCAL statement_timeout = 0), and a session that never names a user gets the
-- server's defaults. This ends, in this database, the backends of logins in assistant_app (and
-- not in assistant_service or assistant_owner) that sit idle in a transaction longer than p_idle
-- or run one transaction longer than p_running, so none holds its locks past those bounds,
-- whatever it set. Run every minute (deploy/crontab.example: make end-stuck-sessions; or pg_cron).
-- Runs with the caller's rights: assistant_dba, who reads every session (pg_read_all_stats) and
-- may end them (pg_signal_backend, granted by 0085 where the migrating login may grant it); a
-- backend the caller may not signal is reported, not fatal.
CREATE OR REPLACE FUNCTION ops.end_stuck_app_sessions(p_idle interval DEFAULT '60 seconds',
                                                      p_running interval DEFAULT '5 minutes')
RETURNS TABLE (pid integer, login name, reason text, ended boolean)
LANGUAGE plpgsql
VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v record;
    v_ended boolean;
BEGIN
    IF p_idle IS NULL OR p_running IS NULL OR p_idle < interval '0' OR p_running < interval '0' THEN
        RAISE EXCEPTION 'ops.end_stuck_app_sessions: p_idle and p_running must be intervals of 0 or more'
            USING ERRCODE = '22023', HINT = 'The defaults, 60 seconds idle and 5 minutes running, match the bounds api.act_as sets.';
    END IF;
    FOR v IN
        SELECT a.pid, a.usename,
               CASE WHEN a.state IN ('idle in transaction', 'idle in transaction (aborted)')
                         AND now() - a.state_change > p_idle
                    THEN format('idle in a transaction for %s', date_trunc('second', now() - a.state_change))
                    ELSE format('in one transaction for %s', date_trunc('second', now() - a.xact_start)) END AS why
          FROM pg_stat_activity AS a
         WHERE a.datname = current_database()
           AND a.pid <> pg_backend_pid()
           AND a.backend_type = 'client backend'
           AND a.xact_start IS NOT NULL
           AND pg_has_role(a.usesysid, 'assistant_app', 'USAGE')
           AND NOT pg_has_role(a.usesysid, 'assistant_service', 'USAGE')
           AND NOT pg_has_role(a.usesysid, 'assistant_owner', 'USAGE')
           AND ((a.state IN ('idle in transaction', 'idle in transaction (aborted)') AND now() - a.state_change > p_idle)
                OR now() - a.xact_start > p_running)
    LOOP
        BEGIN
            v_ended := pg_terminate_backend(v.pid);
        EXCEPTION WHEN insufficient_privilege THEN
            v_ended := false;
            v.why := v.why || ' (not ended: the caller needs pg_signal_backend)';
        END;
        pid := v.pid; login := v.usename; reason := v.why; ended := v_ended;
        RETURN NEXT;
    END LOOP;
END;
$$;

COMMENT ON FUNCTION ops.end_stuck_app_sessions(interval, interval) IS
    'Ends the backends of app logins (in assistant_app, not service or owner) in this database idle in a transaction longer than p_idle (default 60 s) or in one transaction longer than p_running (default 5 min), whatever timeouts they set; returns each with the reason and whether it was ended. For make end-stuck-sessions (every minute) and assistant_dba.';

REVOKE EXECUTE ON FUNCTION ops.end_stuck_app_sessions(interval, interval) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION ops.end_stuck_app_sessions(interval, interval) TO assistant_dba;
