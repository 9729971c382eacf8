"""Operators' and dashboards' views: the expected numbers on a small known data set, their
time windows, the read-only role's access, and the period function."""
import json
from decimal import Decimal

import psycopg
import pytest

OPS_VIEWS = ["api.audit_trail", "api.config", "api.active_processes", "api.process_success_rate_24h",
             "api.endpoint_response_times_1h", "api.unresolved_alerts", "api.unresolved_alerts_by_severity",
             "api.tool_usage_7d", "api.ai_metrics_by_period"]
DBA_VIEWS = ["api.dba_slowest_statements", "api.dba_largest_tables", "api.dba_unused_indexes", "api.dba_active_queries"]


@pytest.fixture
def executions(sql):
    """Known executions: in the last hour, earlier today, and two days ago."""
    sql("""
        INSERT INTO ops.process_executions (execution_id, process_type, status, started_at, completed_at)
        VALUES ('a_1', 'consultar_estoque', 'completed', now() - interval '10 minutes', now() - interval '10 minutes' + interval '200 ms'),
               ('a_2', 'consultar_estoque', 'failed',    now() - interval '20 minutes', now() - interval '20 minutes' + interval '400 ms'),
               ('a_3', 'consultar_estoque', 'running',   now() - interval '5 minutes', NULL),
               ('a_4', 'consultar_estoque', 'completed', now() - interval '3 hours',   now() - interval '3 hours' + interval '600 ms'),
               ('b_1', 'emitir_nota',       'timeout',   now() - interval '2 hours',   now() - interval '1 hour'),
               ('b_2', 'emitir_nota',       'running',   now() - interval '3 hours',   NULL),
               ('c_1', 'emitir_nota',       'completed', now() - interval '2 days',    now() - interval '2 days' + interval '1 s')
    """)


def test_active_processes_are_the_last_hour_and_whatever_still_runs(executions, connect):
    rows = connect(role="assistant_readonly").execute(
        "SELECT execution_id, status::text FROM api.active_processes ORDER BY execution_id").fetchall()
    assert rows == [("a_1", "completed"), ("a_2", "failed"), ("a_3", "running"), ("b_2", "running")]


def test_success_rate_per_process_type_over_24_hours(executions, connect):
    rows = connect(role="assistant_readonly").execute(
        "SELECT process_type, executions, completed, failed, timed_out, running, success_rate, avg_duration_ms, "
        "max_duration_ms FROM api.process_success_rate_24h ORDER BY 1").fetchall()
    assert rows == [
        ("consultar_estoque", 4, 2, 1, 0, 1, Decimal("66.67"), Decimal("400.00"), 600),
        ("emitir_nota", 2, 0, 0, 1, 1, Decimal("0.00"), Decimal("3600000.00"), 3600000),
    ]


def test_endpoint_response_times_over_the_last_hour(sql, connect):
    sql("INSERT INTO ops.api_metrics (recorded_at, endpoint, method, response_time_ms, status_code, success, rate_limit_remaining) "
        "SELECT now() - interval '1 minute' * ms / 100, '/v1/stock', 'GET', ms, 200, ms < 500, 100 - ms / 100 "
        "FROM unnest(ARRAY[100, 200, 300, 400, 500]) AS ms")
    sql("INSERT INTO ops.api_metrics (recorded_at, endpoint, method, response_time_ms, status_code, success) VALUES "
        "(now() - interval '2 minutes', '/v1/orders', 'POST', 50, 201, true), "
        "(now() - interval '61 minutes', '/v1/orders', 'POST', 9000, 504, false), "
        "(now() - interval '3 days', '/v1/stock', 'GET', 9000, 504, false)")
    rows = connect(role="assistant_readonly").execute(
        "SELECT endpoint, requests, errors, avg_response_time_ms, p95_response_time_ms, max_response_time_ms, "
        "min_rate_limit_remaining FROM api.endpoint_response_times_1h ORDER BY 1").fetchall()
    assert rows == [("/v1/orders", 1, 0, Decimal("50.00"), Decimal("50.00"), 50, None),
                    ("/v1/stock", 5, 1, Decimal("300.00"), Decimal("480.00"), 500, 95)]


def test_unresolved_alerts_by_severity(sql, connect):
    sql("INSERT INTO ops.alerts (alert_type, severity, title, created_at) VALUES "
        "('rate_limit', 'critical', 'a', now() - interval '2 hours'), ('rate_limit', 'critical', 'b', now()), "
        "('api_timeout', 'warning', 'c', now()), ('system_resource', 'info', 'd', now())")
    sql("INSERT INTO ops.alerts (alert_type, severity, title, resolved, resolved_at, resolved_by) VALUES "
        "('api_timeout', 'warning', 'done', true, now(), 'ana')")
    ro = connect(role="assistant_readonly")
    assert ro.execute("SELECT v.severity::text, v.alerts FROM api.unresolved_alerts_by_severity AS v "
                      "ORDER BY v.severity").fetchall() == [("info", 1), ("warning", 1), ("critical", 2)]
    assert ro.execute("SELECT count(*) FROM api.unresolved_alerts").fetchone() == (4,)


def test_tool_usage_view_carries_category_and_keeps_seven_days(sql, connect):
    sql("INSERT INTO ops.tools (name, category, complexity) VALUES ('consultar_estoque', 'produtos', 'basica')")
    sql("INSERT INTO ops.tool_usage_hourly (tool_name, usage_date, usage_hour, usage_count, success_count, error_count, "
        "total_response_time_ms) VALUES ('consultar_estoque', current_date, 9, 4, 3, 1, 1000), "
        "('consultar_estoque', current_date - 30, 9, 9, 9, 0, 900), ('sync_clientes', current_date, 10, 2, 2, 0, 50)")
    rows = connect(role="assistant_readonly").execute(
        "SELECT tool_name, category::text, complexity::text, usage_count, avg_response_time_ms, success_rate "
        "FROM api.tool_usage_7d ORDER BY 1").fetchall()
    assert rows == [("consultar_estoque", "produtos", "basica", 4, Decimal("250.00"), Decimal("75.00")),
                    ("sync_clientes", None, None, 2, Decimal("25.00"), Decimal("100.00"))]


@pytest.fixture
def metrics(sql):
    """One sample an hour for 40 days: values that make the averages easy to check."""
    sql("INSERT INTO ops.ai_metrics (measured_at, ia_efficiency, model_accuracy, processing_time_ms, memory_usage_mb, error_rate) "
        "SELECT now() - h * interval '1 hour' - interval '1 minute', CASE WHEN h < 24 THEN 90 ELSE 80 END, 95, "
        "CASE WHEN h < 24 THEN 100 ELSE 300 END, 512, CASE WHEN h < 168 THEN 1 ELSE 3 END "
        "FROM generate_series(0, 959) AS h")


def test_metrics_by_period(metrics, connect):
    rows = connect(role="assistant_readonly").execute(
        "SELECT period, samples, avg_ia_efficiency, avg_processing_time_ms, max_processing_time_ms, avg_error_rate "
        "FROM api.ai_metrics_by_period").fetchall()
    assert rows == [
        ("24h", 24, Decimal("90.00"), Decimal("100.00"), 100, Decimal("1.00")),
        ("7d", 168, Decimal("81.43"), Decimal("271.43"), 300, Decimal("1.00")),
        ("30d", 720, Decimal("80.33"), Decimal("293.33"), 300, Decimal("2.53")),
    ]


def test_period_function_returns_series_and_aggregates(metrics, connect):
    ro = connect(role="assistant_readonly")
    day = ro.execute("SELECT api.ai_metrics_for_period('24h')").fetchone()[0]
    assert day["period"] == "24h" and len(day["series"]) == 24
    assert day["aggregates"]["samples"] == 24
    assert day["aggregates"]["processing_time_ms"] == {"avg": 100.00, "min": 100, "max": 100}
    assert day["series"][0]["measured_at"] < day["series"][-1]["measured_at"]
    month = ro.execute("SELECT api.ai_metrics_for_period('30d')").fetchone()[0]
    assert len(month["series"]) == 720 and month["aggregates"]["error_rate"]["max"] == 3
    everything = ro.execute("SELECT api.ai_metrics_for_period('all')").fetchone()[0]
    assert everything["from"] is None and everything["aggregates"]["samples"] == 960
    assert 40 <= len(everything["series"]) <= 41  # one point a day


@pytest.mark.parametrize("period", ["1y", "24H", "", None])
def test_period_function_rejects_an_unknown_period(connect, period):
    with pytest.raises(psycopg.errors.InvalidParameterValue, match="unknown period") as exc:
        connect(role="assistant_readonly").execute("SELECT api.ai_metrics_for_period(%s)", (period,))
    assert exc.value.sqlstate == "22023"
    assert exc.value.diag.message_hint == "Valid periods: 24h, 7d, 30d, all."


def test_readonly_role_reads_every_operations_view(connect):
    ro = connect(role="assistant_readonly")
    for view in [v for v in OPS_VIEWS if v != "api.audit_trail"]:
        ro.execute(f"SELECT * FROM {view} LIMIT 1").fetchall()


@pytest.mark.parametrize("view", DBA_VIEWS + ["api.audit_trail"])
def test_readonly_role_reads_neither_dba_views_nor_the_audit_trail(connect, view):
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        connect(role="assistant_readonly").execute(f"SELECT * FROM {view} LIMIT 1")


def test_dba_role_reads_every_operations_and_dba_view(connect):
    dba = connect(role="assistant_dba")
    for view in [v for v in OPS_VIEWS if v != "api.audit_trail"] + DBA_VIEWS:
        dba.execute(f"SELECT * FROM {view} LIMIT 1").fetchall()


@pytest.mark.parametrize("role", ["assistant_app", "assistant_readonly", "assistant_service"])
def test_no_role_but_the_dba_reads_other_sessions_statistics(connect, role):
    other = connect(role="assistant_service", autocommit=False)
    other.execute("SELECT 'a statement of another session'")
    conn = connect(role=role)
    texts = [q for (q,) in conn.execute("SELECT query FROM pg_stat_activity WHERE pid = %s", (other.info.backend_pid,))]
    assert texts in ([], ["<insufficient privilege>"]), texts
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute("SELECT * FROM ext.pg_stat_statements LIMIT 1")
    other.rollback()
    dba = connect(role="assistant_dba")
    assert dba.execute("SELECT count(*) FROM ext.pg_stat_statements").fetchone()[0] > 0


@pytest.mark.parametrize("statement", [
    "INSERT INTO ops.alerts (alert_type, severity, title) VALUES ('x', 'info', 'x')",
    "UPDATE ops.process_executions SET status = 'cancelled'",
    "DELETE FROM ops.ai_metrics",
    "INSERT INTO ops.system_logs (level, source, message) VALUES ('INFO', 'x', 'y')",
    "SELECT api.start_process('consultar_estoque')",
    "SELECT api.raise_alert('x', 'info', 'x')",
    "SELECT api.record_ai_metrics(1, 1, 1, 1, 1)",
    "SELECT api.write_log('INFO', 'x', 'y')",
    "SELECT ops.mark_timed_out_processes()",
    "SELECT * FROM ops.cleanup_system_logs()",
    "SELECT * FROM ops.config_secrets",
])
def test_readonly_role_cannot_write_anything_or_read_secrets(connect, statement):
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        connect(role="assistant_readonly").execute(statement)


def test_dba_views_show_statements_tables_indexes_and_sessions(sql, connect):
    sql("CREATE TABLE ops.scratch (id int, v text)")
    sql("CREATE INDEX scratch_v_idx ON ops.scratch (v)")
    sql("INSERT INTO ops.scratch SELECT g, g::text FROM generate_series(1, 20000) AS g")
    idle = connect(autocommit=False)
    idle.execute("SELECT 'left idle in transaction'")
    ro = connect(role="assistant_dba")
    assert ("ops", "scratch") in ro.execute("SELECT schema_name, table_name FROM api.dba_largest_tables").fetchall()
    assert ("ops", "scratch", "scratch_v_idx") in ro.execute(
        "SELECT schema_name, table_name, index_name FROM api.dba_unused_indexes").fetchall()
    states = ro.execute("SELECT state, query FROM api.dba_active_queries").fetchall()
    assert ("idle in transaction", "SELECT 'left idle in transaction'") in states
    assert ro.execute("SELECT count(*) > 0 FROM api.dba_slowest_statements WHERE query <> '<insufficient privilege>'").fetchone() == (True,)


def test_active_queries_hide_a_statement_handling_a_secret(sql, connect):
    busy = connect(role="assistant_service", autocommit=False)
    busy.execute("SELECT set_config('assistant.secrets_key', %s, false)", ("5e" * 32,))  # the service's key
    busy.execute("SELECT api.set_config_secret('erp.api_token', '\"literal-secret-9\"')")
    texts = [q for (q,) in connect(role="assistant_dba").execute("SELECT query FROM api.dba_active_queries")]
    assert texts and not any("literal-secret-9" in q for q in texts)
    busy.rollback()


def test_partitioned_largest_table_counts_its_partitions(sql, one):
    row = sql("SELECT is_partitioned, partitions >= 4 FROM api.dba_largest_tables WHERE table_name = 'system_logs'")
    assert row in ([(True, True)], [])  # listed when among the 20 largest
    assert one("SELECT count(*) FROM api.dba_largest_tables WHERE table_name LIKE 'system_logs_p%%'") == 0


def plan(sql, query):
    return json.dumps(sql("EXPLAIN (ANALYZE, FORMAT JSON, COSTS OFF, TIMING OFF) " + query)[0][0])


def test_windowed_views_read_only_their_window(sql, executions):
    # older daily partitions of API metrics: pruned when the view runs
    sql("SELECT maint.create_partition('ops.api_metrics', now() - k * interval '1 day') FROM generate_series(2, 6) AS k")
    p = plan(sql, "SELECT * FROM api.endpoint_response_times_1h")
    assert "Subplans Removed" in p
    old = [r[0] for r in sql("SELECT c.relname FROM maint.partition_bounds('ops.api_metrics') b "
                             "JOIN pg_class c ON c.oid = b.partition WHERE b.upper_bound < now() - interval '1 day'")]
    assert old and not any(f'"{name}"' in p for name in old)
    # the execution views go through the started_at indexes once sequential scans are off
    sql("SET enable_seqscan = off")
    for view in ("api.active_processes", "api.process_success_rate_24h"):
        p = plan(sql, f"SELECT * FROM {view}")
        assert "process_executions_started_at_idx" in p, view
    p = plan(sql, "SELECT * FROM api.unresolved_alerts_by_severity")
    assert "alerts_severity_created_at_idx" in p
    p = plan(sql, "SELECT * FROM api.ai_metrics_by_period")
    assert "ai_metrics_measured_at_idx" in p
    sql("RESET enable_seqscan")
