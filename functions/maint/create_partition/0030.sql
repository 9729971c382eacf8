-- maint.create_partition(regclass, timestamptz): create and attach the partition of the period
-- holding p_start, moving into it any rows of that period sitting in the default partition.
-- In one transaction (the caller's): maint.run_maintenance instead commits the preparation
-- (maint.prepare_partition) before the short ATTACH transaction (maint.attach_partition).
CREATE OR REPLACE FUNCTION maint.create_partition(p_parent regclass, p_start timestamptz)
RETURNS TABLE (parent text, action text, partition text, detail text)
LANGUAGE sql
VOLATILE
STRICT
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT a.parent, a.action, a.partition, a.detail FROM maint.attach_partition(p_parent, p_start) AS a
$$;

COMMENT ON FUNCTION maint.create_partition(regclass, timestamptz) IS
    'Creates the partition <parent>_pYYYYMM[DD] for the day/month (UTC) holding p_start unless one covers it, in the caller''s transaction: maint.prepare_partition then maint.attach_partition (the period''s rows moved out of the default partition with its triggers off, no row lost, doubled or audited, writers waiting at the parent meanwhile). Returns what it did: create, conflict (partial overlap with a hand-made partition), or skip (a lock not granted in maint.lock_retries tries, or more rows to move than maint.max_move_rows).';
