-- maint.record_run(bigint, jsonb, boolean): save what a run did so far (after each table, so a
-- run cut short leaves its work on record), and at its end its status.
CREATE OR REPLACE FUNCTION maint.record_run(p_run_id bigint, p_actions jsonb, p_finish boolean DEFAULT false)
RETURNS text
LANGUAGE sql
VOLATILE
STRICT
SET search_path = pg_catalog, pg_temp
AS $$
    UPDATE maint.maintenance_runs r
       SET actions = p_actions,
           status = CASE WHEN NOT p_finish THEN r.status
                         WHEN jsonb_path_exists(p_actions, '$[*] ? (@.action == "fail")') THEN 'failed'
                         ELSE 'done' END,
           finished_at = CASE WHEN p_finish THEN clock_timestamp() END
     WHERE r.id = p_run_id
    RETURNING r.status
$$;

COMMENT ON FUNCTION maint.record_run(bigint, jsonb, boolean) IS
    'Saves the actions of a running run in maint.maintenance_runs; with p_finish, also its end: status failed when an action failed, else done. Returns the status.';
