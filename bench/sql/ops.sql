-- Operations data for the dashboard views and the retention test: process executions of named
-- tools (with their hourly analytics), API call metrics, alerts, AI metric samples, system logs.
-- Loaded in time slices like the messages: the newest tenth of the history first, the rest later,
-- so every view's time window holds the same rows at one tenth and at the whole of the history.
-- Written directly (the api functions write one row a call); session_replication_role = replica
-- while loading skips the audit triggers, which are not what the views' cost depends on.

INSERT INTO ops.tools (name, category, complexity, description)
SELECT 'erp.' || t.area || '.' || t.verb,
       t.category::ops.tool_category, t.complexity::ops.tool_complexity,
       'Ferramenta de ' || t.area || ': ' || t.verb
  FROM (VALUES ('clientes', 'consultar', 'comercial', 'basica'), ('clientes', 'cadastrar', 'comercial', 'intermediaria'),
               ('pedidos', 'consultar', 'comercial', 'basica'), ('pedidos', 'emitir', 'comercial', 'avancada'),
               ('estoque', 'consultar', 'produtos', 'basica'), ('estoque', 'ajustar', 'produtos', 'intermediaria'),
               ('produtos', 'precificar', 'produtos', 'avancada'), ('financeiro', 'boletos', 'financeiro', 'intermediaria'),
               ('financeiro', 'conciliar', 'financeiro', 'especializada'), ('financeiro', 'fluxo', 'financeiro', 'avancada'),
               ('notas', 'emitir', 'financeiro', 'especializada'), ('rh', 'escalas', 'organizacional', 'intermediaria'),
               ('rh', 'ponto', 'organizacional', 'basica'), ('frota', 'manutencao', 'organizacional', 'avancada'),
               ('relatorios', 'vendas', 'relatorios', 'intermediaria'), ('relatorios', 'horas_voo', 'relatorios', 'avancada'),
               ('relatorios', 'combustivel', 'relatorios', 'intermediaria'), ('sistema', 'saude', 'sistema', 'basica'),
               ('sistema', 'backup', 'sistema', 'especializada'), ('sistema', 'usuarios', 'sistema', 'basica'))
       AS t(area, verb, category, complexity);

-- every day partition of a daily-partitioned table between two times, as maintenance made them
CREATE FUNCTION bench.ensure_day_partitions(p_parent regclass, p_from timestamptz, p_to timestamptz)
RETURNS void
LANGUAGE sql
AS $$
    SELECT count(*) FROM (
        SELECT maint.create_partition(p_parent, g)
          FROM generate_series(date_trunc('day', p_from), p_to, interval '1 day') AS g) AS s;
$$;

-- the operations history of [p_from, p_to): p_exec executions and p_api API calls a day (API calls
-- only from p_api_from: ops.api_metrics keeps 90 days), alerts, hourly AI samples
CREATE FUNCTION bench.load_ops(p_tag text, p_from timestamptz, p_to timestamptz, p_exec integer, p_api integer,
                               p_api_from timestamptz)
RETURNS bigint
LANGUAGE plpgsql
AS $$
DECLARE
    v_days numeric := extract(epoch FROM p_to - p_from) / 86400;
    v_n bigint := greatest(1, round(v_days * p_exec));
    v_api_from timestamptz := greatest(p_from, p_api_from);
    v_api_n bigint := greatest(0, round(extract(epoch FROM p_to - greatest(p_from, p_api_from)) / 86400 * p_api));
    v_tools text[] := ARRAY(SELECT name FROM ops.tools ORDER BY name);
    v_endpoints text[] := ARRAY['/v1/clientes', '/v1/clientes/{id}', '/v1/pedidos', '/v1/pedidos/{id}', '/v1/estoque',
                                '/v1/produtos', '/v1/financeiro/boletos', '/v1/financeiro/conciliacao', '/v1/notas',
                                '/v1/rh/escalas', '/v1/frota', '/v1/relatorios/vendas', '/v1/relatorios/horas',
                                '/v1/sistema/saude', '/v1/usuarios'];
    v_rows bigint := 0;
BEGIN
    SET LOCAL session_replication_role = replica;

    INSERT INTO ops.process_executions (execution_id, process_type, status, started_at, completed_at, input_params,
                                        endpoint, status_code, error_message, error_code, session_id)
    SELECT 'bench-' || p_tag || '-' || i,
           v_tools[1 + bench.h(i * 7 + length(p_tag)) % cardinality(v_tools)],
           s.status::ops.process_status,
           s.started_at,
           CASE WHEN s.status <> 'running' THEN s.started_at + (40 + bench.h(i * 13) % 4000) * interval '1 millisecond' END,
           jsonb_build_object('pagina', 1 + i % 5),
           v_endpoints[1 + bench.h(i * 17) % cardinality(v_endpoints)],
           CASE s.status WHEN 'completed' THEN 200 WHEN 'failed' THEN 502 END,
           CASE WHEN s.status = 'failed' THEN 'Bad gateway' END,
           CASE WHEN s.status = 'failed' THEN 'ERP_502' END,
           'sessao-' || (i % 997)
      FROM generate_series(1, v_n) AS i
     CROSS JOIN LATERAL (
            SELECT p_from + (p_to - p_from) * (i::numeric / v_n) AS started_at) AS t0
     CROSS JOIN LATERAL (
            SELECT t0.started_at,
                   CASE WHEN t0.started_at > now() - interval '2 minutes' THEN 'running'
                        WHEN bench.h(i * 3) % 100 < 93 THEN 'completed'
                        WHEN bench.h(i * 3) % 100 < 98 THEN 'failed'
                        ELSE 'timeout' END AS status) AS s;
    GET DIAGNOSTICS v_rows = ROW_COUNT;

    -- the analytics the trigger keeps as executions end, for the executions just written
    INSERT INTO ops.tool_usage_hourly (tool_name, usage_date, usage_hour, usage_count, success_count, error_count,
                                       total_response_time_ms)
    SELECT e.process_type, (e.started_at AT TIME ZONE 'UTC')::date, extract(hour FROM e.started_at AT TIME ZONE 'UTC')::smallint,
           count(*), count(*) FILTER (WHERE e.status = 'completed'), count(*) FILTER (WHERE e.status <> 'completed'),
           coalesce(sum(e.duration_ms), 0)
      FROM ops.process_executions AS e
     WHERE e.execution_id LIKE 'bench-' || p_tag || '-%' AND e.status <> 'running'
     GROUP BY 1, 2, 3
    ON CONFLICT (tool_name, usage_date, usage_hour) DO UPDATE
       SET usage_count = ops.tool_usage_hourly.usage_count + excluded.usage_count,
           success_count = ops.tool_usage_hourly.success_count + excluded.success_count,
           error_count = ops.tool_usage_hourly.error_count + excluded.error_count,
           total_response_time_ms = ops.tool_usage_hourly.total_response_time_ms + excluded.total_response_time_ms;

    IF v_api_n > 0 THEN
        PERFORM bench.ensure_day_partitions('ops.api_metrics', v_api_from, p_to);
        INSERT INTO ops.api_metrics (recorded_at, endpoint, method, response_time_ms, status_code, success,
                                     request_size_bytes, response_size_bytes, rate_limit_remaining, rate_limit_reset_at)
        SELECT t.at, v_endpoints[1 + bench.h(i * 19) % cardinality(v_endpoints)],
               (ARRAY['GET', 'GET', 'GET', 'POST', 'PUT'])[1 + bench.h(i * 23) % 5],
               20 + (bench.h(i * 29) % 1500)::int,
               CASE WHEN bench.h(i * 31) % 100 < 97 THEN 200 ELSE 503 END,
               bench.h(i * 31) % 100 < 97,
               200 + (bench.h(i * 37) % 2000)::int, 500 + (bench.h(i * 41) % 50000)::int,
               (bench.h(i * 43) % 1000)::int, date_trunc('hour', t.at) + interval '1 hour'
          FROM generate_series(1, v_api_n) AS i
         CROSS JOIN LATERAL (SELECT v_api_from + (p_to - v_api_from) * (i::numeric / v_api_n) AS at) AS t
         ORDER BY 1;
    END IF;

    INSERT INTO ops.alerts (alert_type, severity, title, message, context, created_at, resolved, resolved_at, resolved_by)
    SELECT (ARRAY['erp_timeout', 'erp_error_rate', 'rate_limit_low', 'slow_endpoint'])[1 + bench.h(i * 47) % 4],
           (ARRAY['info', 'warning', 'warning', 'critical'])[1 + bench.h(i * 53) % 4]::ops.alert_severity,
           'Alerta ' || i, 'Tempo de resposta acima do limite no ERP', '{}'::jsonb,
           a.at, NOT a.open, CASE WHEN NOT a.open THEN a.at + interval '20 minutes' END,
           CASE WHEN NOT a.open THEN 'operador' END
      FROM generate_series(1, greatest(1, round(v_days * 100))::bigint) AS i
     CROSS JOIN LATERAL (
            SELECT p_from + (p_to - p_from) * (i::numeric / greatest(1, round(v_days * 100))) AS at) AS t
     CROSS JOIN LATERAL (SELECT t.at, t.at > now() - interval '2 days' AND i % 4 = 0 AS open) AS a;

    INSERT INTO ops.ai_metrics (measured_at, ia_efficiency, model_accuracy, processing_time_ms, memory_usage_mb, error_rate)
    SELECT g, 70 + bench.h(extract(epoch FROM g)::bigint) % 30, 80 + bench.h(extract(epoch FROM g)::bigint * 3) % 20,
           (200 + bench.h(extract(epoch FROM g)::bigint * 7) % 3000)::int, 512 + bench.h(extract(epoch FROM g)::bigint) % 2048,
           bench.h(extract(epoch FROM g)::bigint * 11) % 5
      FROM generate_series(date_trunc('hour', p_from) + interval '1 hour', p_to, interval '1 hour') AS g;

    RETURN v_rows;
END;
$$;

-- one day of system logs: p_n lines between p_day and p_day + 1 day
CREATE FUNCTION bench.load_logs(p_day timestamptz, p_n integer)
RETURNS void
LANGUAGE plpgsql
AS $$
BEGIN
    PERFORM bench.ensure_day_partitions('ops.system_logs', p_day, p_day);
    INSERT INTO ops.system_logs (logged_at, level, source, message, log_type, trace_id, module, function_name, line,
                                 process_id, thread_id, metadata)
    SELECT p_day + interval '1 day' * (i::numeric / p_n),
           (ARRAY['DEBUG', 'INFO', 'INFO', 'INFO', 'WARN', 'ERROR'])[1 + bench.h(i * 3) % 6]::ops.log_level,
           (ARRAY['erp_gateway', 'brain', 'tts', 'stt', 'scheduler'])[1 + bench.h(i * 5) % 5],
           'Requisição ' || i || ' processada em ' || (bench.h(i * 7) % 900) || ' ms',
           (ARRAY['request', 'response', 'integration', 'audit'])[1 + bench.h(i * 11) % 4],
           CASE WHEN i % 3 = 0 THEN md5(i::text) END,
           'gateway.handlers', 'handle', 1 + (bench.h(i * 13) % 900)::int, 1000 + i % 8, i % 64,
           '{}'::jsonb
      FROM generate_series(1, p_n) AS i;
END;
$$;
