-- ops.period_start(period): where a dashboard period begins. An unknown period is an error,
-- never a silent default: a dashboard asking for '1y' must learn that it gets nothing.
CREATE OR REPLACE FUNCTION ops.period_start(p_period text)
RETURNS timestamptz
LANGUAGE plpgsql
STABLE
SET search_path = pg_catalog, ops, pg_temp
AS $$
BEGIN
    CASE p_period
        WHEN '24h' THEN RETURN now() - interval '24 hours';
        WHEN '7d' THEN RETURN now() - interval '7 days';
        WHEN '30d' THEN RETURN now() - interval '30 days';
        WHEN 'all' THEN RETURN '-infinity'::timestamptz;
        ELSE
            RAISE EXCEPTION 'unknown period %', coalesce(quote_literal(p_period), 'NULL')
                USING ERRCODE = '22023', HINT = 'Valid periods: 24h, 7d, 30d, all.';
    END CASE;
END;
$$;

COMMENT ON FUNCTION ops.period_start(text) IS
    'Start of a dashboard period ending now: 24h, 7d, 30d, or all (-infinity). Any other period (or NULL) raises 22023 with the valid ones in the hint.';

GRANT EXECUTE ON FUNCTION ops.period_start(text) TO assistant_app, assistant_readonly, assistant_service;
