-- api.record_ai_metrics(...): one sample of the AI quality metrics.
CREATE OR REPLACE FUNCTION api.record_ai_metrics(p_ia_efficiency numeric, p_model_accuracy numeric,
                                                 p_processing_time_ms integer, p_memory_usage_mb numeric,
                                                 p_error_rate numeric, p_measured_at timestamptz DEFAULT NULL)
RETURNS bigint
LANGUAGE sql
VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, ops, pg_temp
AS $$
    -- the bounds are the table's check constraints (23514); NULLs are refused by NOT NULL (23502)
    INSERT INTO ops.ai_metrics (measured_at, ia_efficiency, model_accuracy, processing_time_ms, memory_usage_mb, error_rate)
    VALUES (coalesce(p_measured_at, now()), p_ia_efficiency, p_model_accuracy, p_processing_time_ms,
            p_memory_usage_mb, p_error_rate)
    RETURNING id
$$;

COMMENT ON FUNCTION api.record_ai_metrics(numeric, numeric, integer, numeric, numeric, timestamptz) IS
    'Records one AI metrics sample (percentages 0-100, processing time 0-600000 ms, memory 0-1048576 MB; out of bounds: 23514) at p_measured_at (default now) and returns its id.';

GRANT EXECUTE ON FUNCTION api.record_ai_metrics(numeric, numeric, integer, numeric, numeric, timestamptz) TO assistant_service;
