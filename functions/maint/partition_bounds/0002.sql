-- maint.partition_bounds(regclass): the range partitions of a timestamptz-partitioned table with
-- their bounds as timestamptz (MINVALUE/MAXVALUE as -infinity/infinity); the default is left out.
CREATE OR REPLACE FUNCTION maint.partition_bounds(p_parent regclass)
RETURNS TABLE (partition regclass, lower_bound timestamptz, upper_bound timestamptz)
LANGUAGE sql
STABLE
STRICT
SET search_path = pg_catalog, pg_temp
AS $$
    -- pg_get_expr prints the bounds as literals in the session's TimeZone with their offset, so
    -- casting them back to timestamptz gives the stored instants whatever the zone.
    SELECT c.oid::regclass,
           CASE WHEN m[1] = 'MINVALUE' THEN '-infinity' ELSE btrim(m[1], '''') END::timestamptz,
           CASE WHEN m[2] = 'MAXVALUE' THEN 'infinity' ELSE btrim(m[2], '''') END::timestamptz
      FROM pg_inherits i
      JOIN pg_class c ON c.oid = i.inhrelid
     CROSS JOIN LATERAL regexp_match(pg_get_expr(c.relpartbound, c.oid),
                                     '^FOR VALUES FROM \((.*)\) TO \((.*)\)$') AS m
     WHERE i.inhparent = p_parent
       AND m IS NOT NULL
     ORDER BY 2
$$;

COMMENT ON FUNCTION maint.partition_bounds(regclass) IS
    'Range partitions of a table partitioned on one timestamptz column, with lower (inclusive) and upper (exclusive) bounds; the default partition is not listed.';
