-- maint.apply_retention(regclass): drop, or detach into the archive schema, every partition
-- whose whole range is older than its policy's retention (all policies when p_parent is NULL),
-- one maint.retire_partition call each, in the caller's transaction.
CREATE OR REPLACE FUNCTION maint.apply_retention(p_parent regclass DEFAULT NULL)
RETURNS TABLE (parent text, action text, partition text, detail text)
LANGUAGE plpgsql
VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    v_policy record;
    v_parts regclass[];
    v_part regclass;
    v_row record;
    v_held boolean;
BEGIN
    -- A function runs in one transaction: the lock of the first partition it drops is held on
    -- the parent until the caller commits. So only the first partition of a parent is waited
    -- for (maint.lock_retries tries); the next ones are taken if their lock comes in one try,
    -- else skipped for the next run. The procedures (maint.run_cleanup, maint.run_maintenance)
    -- call maint.retire_partition themselves and commit after each partition.
    FOR v_policy IN
        SELECT p.parent
          FROM maint.partition_policies p
          JOIN pg_class c ON c.oid = p.parent
         WHERE p.retention IS NOT NULL AND (p_parent IS NULL OR p.parent = p_parent)
         ORDER BY p.parent::text
    LOOP
        v_parts := ARRAY(SELECT e FROM maint.expired_partitions(v_policy.parent) AS e);
        v_held := false;
        FOREACH v_part IN ARRAY v_parts LOOP
            FOR v_row IN SELECT * FROM maint.retire_partition(v_policy.parent, v_part, CASE WHEN v_held THEN 1 END) LOOP
                v_held := v_held OR v_row.action IN ('drop', 'detach');
                RETURN QUERY SELECT v_row.parent, v_row.action, v_row.partition, v_row.detail;
            END LOOP;
        END LOOP;
    END LOOP;
END;
$$;

COMMENT ON FUNCTION maint.apply_retention(regclass) IS
    'Retention in the caller''s transaction: maint.retire_partition for each partition of maint.expired_partitions, for one policy or all. The first partition of a parent is retried (maint.lock_retries), later ones get one try since the first one''s locks are held until commit; a partition whose lock does not come is skip, one whose name is taken in archive conflict; both stay attached. The procedures commit after each partition instead.';
