-- api.ai_metrics_for_period(period): the series and the aggregates of the AI metrics for a
-- dashboard period, as one JSON document.
CREATE OR REPLACE FUNCTION api.ai_metrics_for_period(p_period text)
RETURNS jsonb
LANGUAGE plpgsql
STABLE
SET search_path = pg_catalog, ops, pg_temp
AS $$
DECLARE
    v_from timestamptz := ops.period_start(p_period);  -- 22023 for an unknown period
    v_series jsonb;
    v_aggregates jsonb;
BEGIN
    SELECT jsonb_build_object(
               'samples', count(*),
               'ia_efficiency', jsonb_build_object('avg', round(avg(ia_efficiency), 2), 'min', min(ia_efficiency), 'max', max(ia_efficiency)),
               'model_accuracy', jsonb_build_object('avg', round(avg(model_accuracy), 2), 'min', min(model_accuracy), 'max', max(model_accuracy)),
               'processing_time_ms', jsonb_build_object('avg', round(avg(processing_time_ms), 2), 'min', min(processing_time_ms), 'max', max(processing_time_ms)),
               'memory_usage_mb', jsonb_build_object('avg', round(avg(memory_usage_mb), 2), 'min', min(memory_usage_mb), 'max', max(memory_usage_mb)),
               'error_rate', jsonb_build_object('avg', round(avg(error_rate), 2), 'min', min(error_rate), 'max', max(error_rate)))
      INTO v_aggregates
      FROM ops.ai_metrics
     WHERE measured_at >= v_from;

    IF p_period = 'all' THEN
        -- the whole history: one point a day keeps the document small
        SELECT coalesce(jsonb_agg(jsonb_build_object(
                   'measured_at', d.day, 'ia_efficiency', d.ia_efficiency, 'model_accuracy', d.model_accuracy,
                   'processing_time_ms', d.processing_time_ms, 'memory_usage_mb', d.memory_usage_mb,
                   'error_rate', d.error_rate) ORDER BY d.day), '[]')
          INTO v_series
          FROM (SELECT date_trunc('day', measured_at) AS day,
                       round(avg(ia_efficiency), 2) AS ia_efficiency, round(avg(model_accuracy), 2) AS model_accuracy,
                       round(avg(processing_time_ms), 2) AS processing_time_ms,
                       round(avg(memory_usage_mb), 2) AS memory_usage_mb, round(avg(error_rate), 2) AS error_rate
                  FROM ops.ai_metrics
                 GROUP BY 1) AS d;
    ELSE
        SELECT coalesce(jsonb_agg(jsonb_build_object(
                   'measured_at', measured_at, 'ia_efficiency', ia_efficiency, 'model_accuracy', model_accuracy,
                   'processing_time_ms', processing_time_ms, 'memory_usage_mb', memory_usage_mb,
                   'error_rate', error_rate) ORDER BY measured_at), '[]')
          INTO v_series
          FROM ops.ai_metrics
         WHERE measured_at >= v_from;
    END IF;

    RETURN jsonb_build_object('period', p_period,
                              'from', CASE WHEN isfinite(v_from) THEN to_jsonb(v_from) END,
                              'to', now(),
                              'aggregates', v_aggregates,
                              'series', v_series);
END;
$$;

COMMENT ON FUNCTION api.ai_metrics_for_period(text) IS
    'AI metrics for a period (24h, 7d, 30d, all): {period, from, to, aggregates: {samples, <metric>: {avg, min, max}}, series: [...]}; the series holds every sample, or daily averages for all. An unknown period raises 22023.';

GRANT EXECUTE ON FUNCTION api.ai_metrics_for_period(text) TO assistant_app, assistant_readonly, assistant_service;
