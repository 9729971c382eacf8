"""The operations functions an app calls refuse bad input with the documented SQLSTATE, a message
naming the function and the argument, and a hint, and store nothing; normal input in any case
(levels, severities, methods) is accepted. Called as a login that is only in assistant_app, with
bind parameters, as an app does."""
import psycopg
import pytest
from psycopg.types.json import Jsonb

MB = 1024 * 1024


@pytest.fixture
def app(connect):
    return connect(role="assistant_app")


def refused(conn, sqlstate, statement, params):
    with pytest.raises(psycopg.Error) as error:
        conn.execute(statement, params)
    assert error.value.sqlstate == sqlstate, error.value
    assert error.value.diag.message_hint, f"no hint for {error.value}"
    return str(error.value)


def test_log_levels_are_accepted_in_any_case(app, sql):
    for level in ("info", "Warn", "warning", " ERROR "):
        assert app.execute("SELECT api.write_log(%s, 'voz', %s)", (level, f"nível {level}")).fetchone()[0]
    assert sql("SELECT level::text FROM ops.system_logs ORDER BY id") == [("INFO",), ("WARN",), ("WARN",), ("ERROR",)]


@pytest.mark.parametrize("argument, args, sqlstate, words", [
    ("p_message", ("INFO", "voz", "x" * (20 * MB), None), "22001", "api.write_log: p_message has 20971520 characters"),
    ("p_source", ("INFO", "v" * 201, "ok", None), "22001", "p_source has 201 characters"),
    ("p_fields", ("INFO", "voz", "ok", Jsonb({"k": "x" * 70000})), "22001", "p_fields has"),
    ("p_fields", ("INFO", "voz", "ok", Jsonb([1, 2])), "22023", "p_fields must be a JSON object, not array"),
    ("line", ("INFO", "voz", "ok", Jsonb({"line": "doze"})), "22023", "p_fields.line must be a non-negative integer, not doze"),
    ("process_id", ("INFO", "voz", "ok", Jsonb({"process_id": 1e12})), "22023", "p_fields.process_id"),
    ("thread_id", ("INFO", "voz", "ok", Jsonb({"thread_id": -4})), "22023", "p_fields.thread_id"),
    ("line", ("INFO", "voz", "ok", Jsonb({"line": 0})), "22023", "p_fields.line must be at least 1"),
    ("p_message", ("INFO", "voz", None, None), "22023", "got NULL for p_message"),
])
def test_write_log_names_the_bad_argument_and_stores_nothing(app, sql, argument, args, sqlstate, words):
    message = refused(app, sqlstate, "SELECT api.write_log(%s, %s, %s, coalesce(%s::jsonb, '{}'))", args)
    assert words in message
    assert sql("SELECT count(*) FROM ops.system_logs") == [(0,)]


def test_integer_fields_given_as_numbers_or_digit_strings_are_stored(app, sql):
    app.execute("SELECT api.write_log('error', 'erp', 'falhou', %s)", (Jsonb({"line": "42", "process_id": 7}),))
    assert sql("SELECT line, process_id FROM ops.system_logs") == [(42, 7)]


@pytest.mark.parametrize("args, sqlstate, words", [
    (("rate_limit", "urgent", "t", "", None), "22023", "api.raise_alert: p_severity 'urgent' is not a severity"),
    (("Rate Limit", "info", "t", "", None), "22023", "p_alert_type 'Rate Limit' is not an alert type"),
    (("rate_limit", "info", "t" * 501, "", None), "22001", "p_title has 501 characters"),
    (("rate_limit", "info", "t", "m" * 10001, None), "22001", "p_message has 10001 characters"),
    (("rate_limit", "info", "t", "", Jsonb("texto")), "22023", "p_context must be a JSON object, not string"),
    (("rate_limit", "info", "t", "", Jsonb({"x": "y" * 70000})), "22001", "p_context has"),
])
def test_raise_alert_names_the_bad_argument_and_stores_nothing(app, sql, args, sqlstate, words):
    message = refused(app, sqlstate, "SELECT api.raise_alert(%s, %s, %s, %s, coalesce(%s::jsonb, '{}'))", args)
    assert words in message
    assert sql("SELECT count(*) FROM ops.alerts") == [(0,)]


def test_raise_alert_takes_the_severity_in_any_case(app, sql):
    app.execute("SELECT api.raise_alert('rate_limit', %s, 'limite do ERP atingido')", ("CRITICAL",))
    assert sql("SELECT severity::text FROM ops.alerts") == [("critical",)]


@pytest.mark.parametrize("args, sqlstate, words", [
    (("emitir_nota", Jsonb({"x": "y" * (10 * MB)}), None), "22001", "api.start_process: p_params has"),
    (("emitir_nota", Jsonb([1]), None), "22023", "p_params must be a JSON object, not array"),
    (("emitir_nota", None, "https://erp/" + "a" * 2000), "22001", "p_endpoint has 2012 characters"),
    (("Emitir Nota", None, None), "22023", "p_process_type 'Emitir Nota' is not a process type"),
])
def test_start_process_names_the_bad_argument_and_stores_nothing(app, sql, args, sqlstate, words):
    message = refused(app, sqlstate, "SELECT api.start_process(%s, %s, %s)", args)
    assert words in message
    assert sql("SELECT count(*) FROM ops.process_executions") == [(0,)]


@pytest.mark.parametrize("args, words", [
    (("/v1/estoque", "FETCH", 10, 200, None), "p_method 'FETCH' is not an HTTP method"),
    (("/v1/estoque", "get", -1, 200, None), "p_response_time_ms -1 is out of range"),
    (("/v1/estoque", "get", 10, 999, None), "p_status_code 999 is not an HTTP status"),
    (("/v1/estoque", "get", 10, 200, -5), "p_request_size_bytes must not be negative"),
])
def test_record_api_call_names_the_bad_argument_and_stores_nothing(app, sql, args, words):
    message = refused(app, "22023", "SELECT api.record_api_call(%s, %s, %s, %s, p_request_size_bytes => %s)", args)
    assert words in message
    assert sql("SELECT count(*) FROM ops.api_metrics") == [(0,)]


def test_record_api_call_takes_the_method_in_any_case(app, sql):
    app.execute("SELECT api.record_api_call('/v1/estoque', 'post', 120, 201)")
    assert sql("SELECT method, success FROM ops.api_metrics") == [("POST", True)]


def test_complete_process_refuses_an_oversized_response_and_leaves_the_execution_running(app, sql):
    execution = app.execute("SELECT api.start_process('emitir_nota', %s)", (Jsonb({"pedido": 17}),)).fetchone()[0]
    message = refused(app, "22001", "SELECT api.complete_process(%s, true, %s)", (execution, Jsonb({"x": "y" * (2 * MB)})))
    assert "api.complete_process: p_response has" in message
    assert sql("SELECT status::text FROM ops.process_executions WHERE execution_id = %s", (execution,)) == [("running",)]
    assert app.execute("SELECT api.complete_process(%s, true, %s)", (execution, Jsonb({"nota": "NF-1"}))).fetchone()[0] >= 0
