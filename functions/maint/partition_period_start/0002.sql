-- maint.partition_period_start(timestamptz, text, integer): the start of the day or month holding
-- p_ts, moved p_offset periods, always computed in UTC.
CREATE OR REPLACE FUNCTION maint.partition_period_start(p_ts timestamptz, p_interval text, p_offset integer DEFAULT 0)
RETURNS timestamptz
LANGUAGE sql
IMMUTABLE
STRICT
PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
    -- UTC, never the session's TimeZone: two DBAs in different zones must compute the same
    -- bounds, or their partitions would overlap and maintenance would fail for one of them.
    -- Arithmetic on timestamp (not timestamptz) keeps the function immutable.
    SELECT (date_trunc(p_interval, p_ts AT TIME ZONE 'UTC')
            + p_offset * CASE p_interval WHEN 'day' THEN interval '1 day' WHEN 'month' THEN interval '1 month' END
           ) AT TIME ZONE 'UTC'
$$;

COMMENT ON FUNCTION maint.partition_period_start(timestamptz, text, integer) IS
    'Start (UTC) of the day or month holding p_ts, shifted by p_offset periods: the lower bound of its partition. NULL for an interval other than day or month.';
