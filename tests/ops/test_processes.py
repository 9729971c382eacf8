"""Integration process control: start, complete, timeouts, tool-usage analytics, API metrics, alerts."""
import re
from decimal import Decimal

import psycopg
import pytest


@pytest.fixture
def gateway(connect):
    """The ERP gateway's session: the app role."""
    return connect(role="assistant_app")


def start(conn, tool="consultar_estoque", params='{"sku": "A-1"}'):
    return conn.execute("SELECT api.start_process(%s, %s)", (tool, params)).fetchone()[0]


def test_start_returns_a_readable_unique_execution_id(gateway, sql):
    ids = [start(gateway) for _ in range(20)]
    assert len(set(ids)) == 20
    assert all(re.fullmatch(r"consultar_estoque_\d{8}T\d{6}_[0-9a-f]{6}", i) for i in ids)
    assert sql("SELECT status::text, input_params, completed_at, duration_ms FROM ops.process_executions "
               "WHERE execution_id = %s", (ids[0],)) == [("running", {"sku": "A-1"}, None, None)]


def test_start_refuses_an_invalid_process_type(gateway):
    with pytest.raises(psycopg.errors.InvalidParameterValue, match="p_process_type .* is not a process type"):
        start(gateway, tool="Drop Table")


def test_complete_computes_the_duration(gateway, sql):
    eid = start(gateway)
    sql("UPDATE ops.process_executions SET started_at = started_at - interval '2.5 seconds' WHERE execution_id = %s", (eid,))
    duration = gateway.execute("SELECT api.complete_process(%s, true, %s, p_status_code => 200)",
                               (eid, '{"stock": 12}')).fetchone()[0]
    row = sql("SELECT status::text, duration_ms, round(extract(epoch FROM completed_at - started_at) * 1000), "
              "response_payload, status_code FROM ops.process_executions WHERE execution_id = %s", (eid,))[0]
    assert row[0] == "completed" and row[1] == duration == row[2] and duration >= 2500
    assert row[3:] == ({"stock": 12}, 200)


def test_a_failed_completion_keeps_the_error(gateway, sql):
    eid = start(gateway)
    gateway.execute("SELECT api.complete_process(%s, false, NULL, 'token expired', 401, 'AUTH_EXPIRED')", (eid,))
    assert sql("SELECT status::text, error_message, error_code, status_code FROM ops.process_executions "
               "WHERE execution_id = %s", (eid,)) == [("failed", "token expired", "AUTH_EXPIRED", 401)]


def test_completing_twice_fails_with_object_not_in_prerequisite_state(gateway):
    eid = start(gateway)
    gateway.execute("SELECT api.complete_process(%s, true)", (eid,))
    with pytest.raises(psycopg.errors.ObjectNotInPrerequisiteState, match="already finished") as exc:
        gateway.execute("SELECT api.complete_process(%s, false)", (eid,))
    assert exc.value.sqlstate == "55000" and exc.value.diag.message_hint


def test_completing_an_unknown_execution_fails_with_no_data_found(gateway):
    with pytest.raises(psycopg.errors.NoDataFound, match="does not exist") as exc:
        gateway.execute("SELECT api.complete_process('consultar_estoque_20260101T000000_abcdef', true)")
    assert exc.value.sqlstate == "P0002"


def test_completion_updates_the_tool_usage_analytics(gateway, sql):
    sql("INSERT INTO ops.tools (name, category, complexity) VALUES ('consultar_estoque', 'produtos', 'basica')")
    durations = {True: [100, 300], False: [800]}
    for success, times in durations.items():
        for ms in times:
            eid = start(gateway)
            # a known duration: started ms milliseconds before the completion's clock
            sql("UPDATE ops.process_executions SET started_at = date_trunc('hour', now()) + interval '1 minute' "
                "WHERE execution_id = %s", (eid,))
            sql("UPDATE ops.process_executions SET status = CASE WHEN %s THEN 'completed' ELSE 'failed' END::ops.process_status, "
                "completed_at = started_at + %s * interval '1 millisecond' WHERE execution_id = %s", (success, ms, eid))
    start(gateway)  # still running: not counted
    rows = sql("SELECT tool_name, usage_date = (now() AT TIME ZONE 'UTC')::date, "
               "usage_hour = extract(hour FROM now() AT TIME ZONE 'UTC'), usage_count, success_count, error_count, "
               "total_response_time_ms, avg_response_time_ms, success_rate FROM ops.tool_usage_hourly")
    assert rows == [("consultar_estoque", True, True, 3, 2, 1, 1200, Decimal("400.00"), Decimal("66.67"))]


def test_complete_process_feeds_the_analytics_in_its_own_transaction(gateway, sql):
    eid = start(gateway, tool="emitir_nota")
    gateway.execute("SELECT api.complete_process(%s, true)", (eid,))
    eid = start(gateway, tool="emitir_nota")
    gateway.execute("SELECT api.complete_process(%s, false, NULL, 'rejected')", (eid,))
    assert sql("SELECT usage_count, success_count, error_count, success_rate FROM ops.tool_usage_hourly "
               "WHERE tool_name = 'emitir_nota'") == [(2, 1, 1, Decimal("50.00"))]
    total = sql("SELECT sum(duration_ms) FROM ops.process_executions WHERE process_type = 'emitir_nota'")[0][0]
    assert sql("SELECT total_response_time_ms FROM ops.tool_usage_hourly WHERE tool_name = 'emitir_nota'") == [(total,)]


def test_long_running_executions_are_marked_timeout_with_an_alert(gateway, sql, connect):
    old, fresh = start(gateway), start(gateway)
    sql("UPDATE ops.process_executions SET started_at = now() - interval '10 minutes' WHERE execution_id = %s", (old,))
    marked = connect(role="assistant_service").execute(
        "SELECT execution_id, alert_id IS NOT NULL FROM ops.mark_timed_out_processes()").fetchall()
    assert marked == [(old, True)]
    assert sql("SELECT execution_id, status::text, error_code FROM ops.process_executions ORDER BY started_at") == [
        (old, "timeout", "TIMEOUT"), (fresh, "running", None)]
    assert sql("SELECT alert_type, severity::text, execution_id, resolved FROM ops.alerts") == [
        ("api_timeout", "warning", old, False)]
    assert sql("SELECT usage_count, error_count FROM ops.tool_usage_hourly") == [(1, 1)]
    with pytest.raises(psycopg.errors.ObjectNotInPrerequisiteState):
        gateway.execute("SELECT api.complete_process(%s, true)", (old,))


def test_timeout_threshold_comes_from_the_configuration(gateway, sql, one):
    eid = start(gateway)
    sql("UPDATE ops.process_executions SET started_at = now() - interval '2 minutes' WHERE execution_id = %s", (eid,))
    assert sql("SELECT * FROM ops.mark_timed_out_processes()") == []  # default 300 s
    sql("SELECT api.set_config('processes.timeout_seconds', '60')")
    assert one("SELECT count(*) FROM ops.mark_timed_out_processes()") == 1


def test_api_calls_are_recorded_and_linked_to_their_execution(gateway, sql):
    eid = start(gateway)
    gateway.execute("SELECT api.record_api_call('/v1/stock', 'get', 120, 200, p_execution_id => %s, "
                    "p_request_size_bytes => 80, p_response_size_bytes => 1024, p_rate_limit_remaining => 59, "
                    "p_rate_limit_reset_at => now() + interval '1 minute')", (eid,))
    gateway.execute("SELECT api.record_api_call('/v1/stock', 'GET', 5000, NULL)")
    assert sql("SELECT execution_id, method, success, rate_limit_remaining FROM ops.api_metrics ORDER BY id") == [
        (eid, "GET", True, 59), (None, "GET", False, None)]
    with pytest.raises(psycopg.errors.InvalidParameterValue, match="p_response_time_ms -1 is out of range"):
        gateway.execute("SELECT api.record_api_call('/v1/stock', 'GET', -1, 200)")
    with pytest.raises(psycopg.errors.ForeignKeyViolation):
        gateway.execute("SELECT api.record_api_call('/v1/stock', 'GET', 1, 200, p_execution_id => 'nope')")


def test_alerts_are_raised_and_resolved_once(gateway, connect, sql):
    alert = gateway.execute("SELECT api.raise_alert('rate_limit', 'critical', 'ERP rate limit reached', "
                            "p_endpoint => '/v1/stock', p_context => '{\"remaining\": 0}')").fetchone()[0]
    service = connect(role="assistant_service")
    service.execute("SELECT api.resolve_alert(%s, 'ana')", (alert,))
    assert sql("SELECT resolved, resolved_by, resolved_at IS NOT NULL FROM ops.alerts") == [(True, "ana", True)]
    with pytest.raises(psycopg.errors.ObjectNotInPrerequisiteState, match="already resolved"):
        service.execute("SELECT api.resolve_alert(%s)", (alert,))
    with pytest.raises(psycopg.errors.NoDataFound):
        service.execute("SELECT api.resolve_alert('0190f3d4-0000-7000-8000-000000000000')")
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        gateway.execute("SELECT api.resolve_alert(%s)", (alert,))


def test_alert_resolution_is_audited(gateway, connect, sql):
    alert = gateway.execute("SELECT api.raise_alert('system_resource', 'warning', 'disk 90%%')").fetchone()[0]
    connect(role="assistant_service").execute("SELECT api.resolve_alert(%s, 'ana')", (alert,))
    rows = sql("SELECT operation::text, db_role, new_values ->> 'resolved_by' FROM ops.audit_log "
               "WHERE table_name = 'alerts' ORDER BY id")
    assert rows == [("INSERT", "assistant_app", None), ("UPDATE", "assistant_service", "ana")]


def test_apps_cannot_touch_the_process_tables_directly(gateway):
    for statement in ("SELECT * FROM ops.process_executions",
                      "UPDATE ops.process_executions SET status = 'completed'",
                      "INSERT INTO ops.tool_usage_hourly (tool_name, usage_date, usage_hour) VALUES ('x', now(), 1)"):
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            gateway.execute(statement)
