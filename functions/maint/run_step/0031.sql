-- maint.run_step(regclass, text, text): run one maintenance step (a query returning a JSON array
-- of action objects) for the procedures, turning its error into an action: skip when it could
-- not lock or met a deadlock (retried by the next run), fail otherwise (the run fails at its end).
CREATE OR REPLACE FUNCTION maint.run_step(p_parent regclass, p_step text, p_query text)
RETURNS jsonb
LANGUAGE plpgsql
VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_result jsonb;
BEGIN
    -- the step's work is a subtransaction: an error undoes it alone, and the procedure's COMMIT
    -- right after keeps what the step did (or nothing) and releases its locks
    EXECUTE p_query INTO v_result;
    RETURN coalesce(v_result, '[]');
EXCEPTION
    WHEN lock_not_available OR deadlock_detected OR serialization_failure THEN
        RETURN jsonb_build_array(jsonb_build_object('parent', p_parent::text, 'action', 'skip', 'partition', NULL,
            'detail', format('%s: %s (SQLSTATE %s); the next run retries', p_step, SQLERRM, SQLSTATE), 'rows', NULL));
    WHEN OTHERS THEN
        RETURN jsonb_build_array(jsonb_build_object('parent', p_parent::text, 'action', 'fail', 'partition', NULL,
            'detail', format('%s: %s (SQLSTATE %s)', p_step, SQLERRM, SQLSTATE), 'rows', NULL));
END;
$$;

COMMENT ON FUNCTION maint.run_step(regclass, text, text) IS
    'Internal to the maintenance procedures: executes one step''s query (returning a jsonb array of actions: parent, action, partition, detail, rows) and returns its actions; a lock timeout, deadlock or serialization failure becomes one skip action, any other error one fail action, the step''s work undone. Runs with the caller''s rights.';
