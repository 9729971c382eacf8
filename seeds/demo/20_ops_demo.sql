-- Demo data set, part 2 (make demo): the platforms' operations demonstration: the ERP tools,
-- 720 hourly AI metrics over 30 days, a few process executions with their API calls, an alert,
-- a few log lines and a dashboard. Executions go through api.start_process/api.complete_process,
-- so durations and tool-usage analytics are computed as in production.
-- Idempotent: each part is skipped when its demo rows are already there.

INSERT INTO ops.tools (name, category, complexity, description) VALUES
    ('consultar_estoque', 'produtos', 'basica', 'Stock of a part or product in the ERP.'),
    ('emitir_nota_fiscal', 'financeiro', 'avancada', 'Issues an electronic invoice (NF-e) through the ERP.'),
    ('relatorio_vendas', 'relatorios', 'intermediaria', 'Sales report for a period.'),
    ('consultar_cliente', 'comercial', 'basica', 'Customer record and credit status.'),
    ('listar_colaboradores', 'organizacional', 'basica', 'Staff directory of a department.'),
    ('status_sistema', 'sistema', 'basica', 'Health of the ERP gateway and its remote API.')
ON CONFLICT DO NOTHING;

-- one sample an hour for the last 30 days: daily and weekly waves, reproducible (no random())
INSERT INTO ops.ai_metrics (measured_at, ia_efficiency, model_accuracy, processing_time_ms, memory_usage_mb, error_rate)
SELECT date_trunc('hour', now()) - h * interval '1 hour',
       round((86 + 6 * sin(2 * pi() * h / 24))::numeric, 2),
       round((92 + 3 * cos(2 * pi() * h / 168))::numeric, 2),
       800 + (h * 37) % 400,
       round((2048 + 256 * sin(2 * pi() * h / 24))::numeric, 2),
       round((2 + 1.5 * sin(2 * pi() * h / 12))::numeric, 2)
  FROM generate_series(0, 719) AS h
 WHERE NOT EXISTS (SELECT FROM ops.ai_metrics WHERE measured_at >= now() - interval '30 days');

DO $$
DECLARE
    v_call record;
    v_execution text;
BEGIN
    IF EXISTS (SELECT FROM ops.process_executions WHERE input_params @> '{"demo": true}') THEN
        RAISE NOTICE 'demo executions already loaded';
        RETURN;
    END IF;
    FOR v_call IN
        SELECT * FROM (VALUES
            ('consultar_estoque', '{"demo": true, "codigo": "PN-3321-A"}'::jsonb, '/api/v1/estoque', 'GET', 420, 200, true, 58, NULL::text),
            ('consultar_estoque', '{"demo": true, "codigo": "PN-1187-C"}', '/api/v1/estoque', 'GET', 380, 200, true, 57, NULL),
            ('consultar_cliente', '{"demo": true, "cnpj": "12.345.678/0001-90"}', '/api/v1/clientes', 'GET', 260, 200, true, 56, NULL),
            ('emitir_nota_fiscal', '{"demo": true, "pedido": 48213}', '/api/v1/notas', 'POST', 2100, 502, false, 55, 'SEFAZ indisponível'),
            ('relatorio_vendas', '{"demo": true, "periodo": "2026-10"}', '/api/v1/relatorios/vendas', 'GET', 1500, 200, true, 3, NULL),
            ('consultar_financeiro', '{"demo": true, "conta": "1.01.02"}', '/api/v1/financeiro', 'GET', NULL, NULL, NULL, NULL, NULL)
        ) AS c(tool, params, endpoint, method, ms, status, ok, remaining, error)
    LOOP
        v_execution := api.start_process(v_call.tool, v_call.params, v_call.endpoint,
                                         p_client_ip => '10.20.0.15', p_user_agent => 'erp-gateway/2.4',
                                         p_session_id => 'demo-session-1');
        CONTINUE WHEN v_call.ms IS NULL;  -- left running: shows in api.active_processes
        -- the demo's call took v_call.ms: start it that long ago, then complete it now
        UPDATE ops.process_executions
           SET started_at = started_at - v_call.ms * interval '1 millisecond'
         WHERE execution_id = v_execution;
        PERFORM api.record_api_call(v_call.endpoint, v_call.method, v_call.ms, v_call.status,
                                    p_execution_id => v_execution, p_request_size_bytes => 180,
                                    p_response_size_bytes => CASE WHEN v_call.ok THEN 2400 ELSE 90 END,
                                    p_rate_limit_remaining => v_call.remaining,
                                    p_rate_limit_reset_at => date_trunc('minute', now()) + interval '1 minute');
        PERFORM api.complete_process(v_execution, v_call.ok,
                                     CASE WHEN v_call.ok THEN '{"ok": true}'::jsonb END,
                                     v_call.error, v_call.status,
                                     CASE WHEN NOT v_call.ok THEN 'UPSTREAM_502' END);
        IF v_call.remaining < 5 THEN
            PERFORM api.raise_alert('rate_limit', 'warning',
                                    format('Rate limit almost reached on %s', v_call.endpoint),
                                    format('%s requests left in the window', v_call.remaining),
                                    jsonb_build_object('remaining', v_call.remaining, 'threshold', 5),
                                    v_execution, v_call.endpoint);
        END IF;
    END LOOP;

    PERFORM api.write_log('INFO', 'erp_gateway', 'gateway started',
                          '{"log_type": "system", "module": "gateway.main", "function": "start", "line": 42, "process_id": 3121}');
    PERFORM api.write_log('ERROR', 'erp_gateway', 'emitir_nota_fiscal: upstream answered 502',
                          '{"log_type": "integration", "trace_id": "demo-trace-7", "module": "gateway.tools.notas", "function": "emitir", "line": 118, "process_id": 3121, "thread_id": 7}');
    PERFORM api.write_log('WARN', 'erp_gateway', 'relatorio_vendas: 3 requests left in the rate-limit window',
                          '{"log_type": "integration", "trace_id": "demo-trace-9", "module": "gateway.ratelimit", "function": "check", "line": 27}');
END
$$;

INSERT INTO ops.dashboards (user_id, id, name, description, period, widgets) VALUES
    ('0190f3d4-de00-7000-8000-000000000002', '0190f3d4-de00-7000-8000-000000000401', 'Operações',
     'The instructor''s view of the assistant and the ERP integration.', '7d',
     '[{"source": "api.ai_metrics_for_period", "chart": "line"}, {"source": "api.process_success_rate_24h", "chart": "table"},
       {"source": "api.unresolved_alerts_by_severity", "chart": "badge"}]')
ON CONFLICT DO NOTHING;
