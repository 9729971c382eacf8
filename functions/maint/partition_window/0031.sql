-- maint.partition_window(regclass): the range of time maintenance makes partitions for, from
-- max_past periods back to premake periods ahead of the current one (UTC period starts).
CREATE OR REPLACE FUNCTION maint.partition_window(p_parent regclass)
RETURNS TABLE (lower_bound timestamptz, upper_bound timestamptz)
LANGUAGE sql
STABLE
STRICT
SET search_path = pg_catalog, pg_temp
AS $$
    -- A row dated 1970, year 1 or 294276 (a client clock, a parsing bug) would otherwise make
    -- maintenance create every partition from it to now (683 partitions for 1970, "out of shared
    -- memory" for year 1), or overflow timestamptz one period after it: outside the window, rows
    -- stay in the default partition and are reported.
    SELECT maint.partition_period_start(now(), p.partition_interval,
                                        -coalesce(p.max_past, CASE p.partition_interval WHEN 'day' THEN 62 ELSE 24 END)),
           maint.partition_period_start(now(), p.partition_interval, p.premake + 1)
      FROM maint.partition_policies p
     WHERE p.parent = p_parent
$$;

COMMENT ON FUNCTION maint.partition_window(regclass) IS
    'The window of a registered table: [start of the period max_past periods back, end of the period premake ahead), UTC. max_past NULL means 24 months or 62 days. Maintenance creates partitions only inside it; rows of the default partition outside it are stray: kept there and reported.';
