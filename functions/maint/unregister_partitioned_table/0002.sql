-- maint.unregister_partitioned_table(regclass): take a table out of partition maintenance (its
-- partitions stay); for the rollback of the migration that registered it.
CREATE OR REPLACE FUNCTION maint.unregister_partitioned_table(p_parent regclass)
RETURNS boolean
LANGUAGE sql
VOLATILE
STRICT
SET search_path = pg_catalog, pg_temp
AS $$
    WITH gone AS (DELETE FROM maint.partition_policies p WHERE p.parent = p_parent RETURNING 1)
    SELECT EXISTS (SELECT FROM gone)
$$;

COMMENT ON FUNCTION maint.unregister_partitioned_table(regclass) IS
    'Deletes the partition policy of a table; its partitions are left as they are. True when a policy was removed, false when there was none (so rollbacks may call it unconditionally).';
