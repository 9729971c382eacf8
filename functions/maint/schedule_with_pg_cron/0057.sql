-- maint.schedule_with_pg_cron(text, text): schedule maintenance and cleanup inside the database
-- with pg_cron, where it is installed (the crontab in deploy/crontab.example does it elsewhere).
-- 0057: the crontab example lives in deploy/.
CREATE OR REPLACE FUNCTION maint.schedule_with_pg_cron(
    p_maintenance_schedule text DEFAULT '7 * * * *',
    p_cleanup_schedule text DEFAULT '37 3 * * *')
RETURNS TABLE (job_name text, job_id bigint, schedule text, command text)
LANGUAGE plpgsql
VOLATILE
STRICT
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_job record;
BEGIN
    IF NOT EXISTS (SELECT FROM pg_extension WHERE extname = 'pg_cron') THEN
        RAISE EXCEPTION 'pg_cron is not installed in database %', current_database()
              USING ERRCODE = '55000',
                    HINT = 'Set shared_preload_libraries = ''pg_cron'' and cron.database_name = ''' || current_database()
                           || ''' in postgresql.conf, restart, CREATE EXTENSION pg_cron; or schedule the make targets with deploy/crontab.example.';
    END IF;
    -- Jobs run as the user calling this function (pg_cron's rule), who must be able to run the
    -- maintenance: the DBA's login, not the NOLOGIN owner role. A job of the same name is
    -- replaced, so calling this again only changes the schedules.
    FOR v_job IN
        SELECT * FROM (VALUES ('assistant-db partition maintenance', p_maintenance_schedule, 'CALL maint.run_maintenance()'),
                              ('assistant-db cleanup', p_cleanup_schedule, 'CALL maint.run_cleanup()')) AS j (name, sched, cmd)
    LOOP
        job_name := v_job.name;
        schedule := v_job.sched;
        command := v_job.cmd;
        EXECUTE 'SELECT cron.schedule($1, $2, $3)' INTO job_id USING v_job.name, v_job.sched, v_job.cmd;
        RETURN NEXT;
    END LOOP;
END;
$$;

COMMENT ON FUNCTION maint.schedule_with_pg_cron(text, text) IS
    'Schedules CALL maint.run_maintenance() (default hourly at :07) and CALL maint.run_cleanup() (default daily 03:37 UTC) with pg_cron, replacing jobs of the same names; 55000 with a hint when pg_cron is not installed in this database.';
