-- maint.expired_partitions(regclass): the range partitions of a registered table whose whole
-- range is older than its retention (upper bound at or before now() - retention), oldest first.
CREATE OR REPLACE FUNCTION maint.expired_partitions(p_parent regclass)
RETURNS SETOF regclass
LANGUAGE sql
STABLE
STRICT
SET search_path = pg_catalog, pg_temp
AS $$
    -- a partition leaves only when its upper bound, its newest possible row, is past the cutoff
    SELECT b.partition
      FROM maint.partition_policies p
     CROSS JOIN LATERAL maint.partition_bounds(p.parent) b
     WHERE p.parent = p_parent AND p.retention IS NOT NULL AND b.upper_bound <= now() - p.retention
     ORDER BY b.lower_bound
$$;

COMMENT ON FUNCTION maint.expired_partitions(regclass) IS
    'Partitions of a registered table past its retention (upper bound at or before now() - retention), oldest first; none without retention. What maint.retire_partition is called for.';
