-- maint.partition_plan(regclass): the periods whose partition maintenance should create now, oldest
-- first: every missing period inside the window from the oldest partition still needed to
-- premake ahead, and every period of rows waiting in the default partition inside the window.
CREATE OR REPLACE FUNCTION maint.partition_plan(p_parent regclass)
RETURNS SETOF timestamptz
LANGUAGE plpgsql
STABLE
STRICT
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_policy record;
    v_lo timestamptz;
    v_hi timestamptz;
    v_first timestamptz;
    v_last timestamptz;
    v_periods timestamptz[];
BEGIN
    SELECT p.partition_interval, p.premake, p.retention INTO v_policy
      FROM maint.partition_policies p WHERE p.parent = p_parent;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'table % has no partition policy', p_parent
              USING ERRCODE = 'P0002', HINT = 'Register it first: SELECT * FROM maint.register_partitioned_table(...).';
    END IF;
    SELECT w.lower_bound, w.upper_bound INTO v_lo, v_hi FROM maint.partition_window(p_parent) w;

    -- Gaps: from the oldest partition there is or will be (a missed run leaves holes; rows
    -- waiting in the default for an old period make one), but never before the window nor
    -- before what retention would drop, to premake periods ahead.
    v_periods := ARRAY(SELECT maint.default_partition_periods(p_parent));
    v_last := maint.partition_period_start(now(), v_policy.partition_interval, v_policy.premake);
    SELECT least(maint.partition_period_start(now(), v_policy.partition_interval, 0),
                 maint.partition_period_start(min(b.lower_bound) FILTER (WHERE b.lower_bound >= v_lo AND b.lower_bound < v_hi),
                                              v_policy.partition_interval, 0),
                 v_periods[1])
      INTO v_first
      FROM maint.partition_bounds(p_parent) b;
    v_first := greatest(v_first, v_lo);
    IF v_policy.retention IS NOT NULL THEN
        v_first := greatest(v_first, maint.partition_period_start(now() - v_policy.retention, v_policy.partition_interval, 0));
    END IF;

    RETURN QUERY
    SELECT g.period
      -- stepped in UTC (timestamp arithmetic), as maint.partition_period_start does, whatever
      -- the session's TimeZone
      FROM (SELECT s AT TIME ZONE 'UTC' AS period
              FROM generate_series(v_first AT TIME ZONE 'UTC', v_last AT TIME ZONE 'UTC',
                                   CASE v_policy.partition_interval WHEN 'day' THEN interval '1 day' ELSE interval '1 month' END) s
            UNION
            SELECT d FROM unnest(v_periods) d) g
     WHERE NOT EXISTS (SELECT FROM maint.partition_bounds(p_parent) b
                        WHERE b.lower_bound <= g.period
                          AND b.upper_bound >= maint.partition_period_start(g.period, v_policy.partition_interval, 1))
     ORDER BY 1;
END;
$$;

COMMENT ON FUNCTION maint.partition_plan(regclass) IS
    'Period starts (UTC) whose partitions are missing and due, oldest first: the gaps from the oldest partition still needed (not before the window nor before the retention cutoff) to premake periods ahead, and the periods of rows waiting in the default partition inside the window (maint.partition_window). Never a period outside the window.';
