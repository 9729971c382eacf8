"""System logs: structured lines, a minimum level, daily partitions dropped after 30 days."""
import psycopg
import pytest


def test_write_log_puts_the_platform_fields_in_their_columns(connect, sql):
    app = connect(role="assistant_app")
    log_id = app.execute(
        "SELECT api.write_log('ERROR', 'erp_gateway', 'remote API refused the token', %s)",
        ('{"log_type": "integration", "trace_id": "t-1", "module": "gateway.client", "function": "call", '
         '"line": 88, "process_id": 4121, "thread_id": 140221, "endpoint": "/v1/stock"}',)).fetchone()[0]
    assert sql("SELECT level::text, source, log_type, trace_id, module, function_name, line, process_id, thread_id, "
               "metadata FROM ops.system_logs WHERE id = %s", (log_id,)) == [
        ("ERROR", "erp_gateway", "integration", "t-1", "gateway.client", "call", 88, 4121, 140221,
         {"endpoint": "/v1/stock"})]


def test_lines_below_the_minimum_level_are_discarded(connect, one):
    app = connect(role="assistant_app")
    assert app.execute("SELECT api.write_log('DEBUG', 'brain', 'token 17')").fetchone() == (None,)
    assert app.execute("SELECT api.write_log('INFO', 'brain', 'answered')").fetchone()[0] is not None
    assert one("SELECT count(*) FROM ops.system_logs") == 1


def test_an_unknown_level_is_refused_naming_the_argument(connect):
    with pytest.raises(psycopg.errors.InvalidParameterValue) as refused:
        connect(role="assistant_app").execute("SELECT api.write_log(%s, 'brain', 'x')", ("TRACE",))
    assert "api.write_log: p_level 'TRACE'" in str(refused.value)
    assert "DEBUG, INFO, WARN" in refused.value.diag.message_hint


def test_apps_cannot_read_or_change_log_lines(connect):
    app = connect(role="assistant_app")
    app.execute("SELECT api.write_log('WARN', 'tts', 'slow synthesis')")
    for statement in ("SELECT * FROM ops.system_logs", "DELETE FROM ops.system_logs",
                      "INSERT INTO ops.system_logs (level, source, message) VALUES ('INFO', 'x', 'y')"):
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            app.execute(statement)


def test_retention_drops_exactly_the_partitions_past_30_days(sql, one):
    # daily partitions from 40 days ago to 25 days ago, each with one line
    sql("SELECT maint.create_partition('ops.system_logs', date_trunc('day', now()) - k * interval '1 day') "
        "FROM generate_series(25, 40) AS k")
    sql("INSERT INTO ops.system_logs (logged_at, level, source, message) "
        "SELECT date_trunc('day', now()) - k * interval '1 day' + interval '12 hours', 'INFO', 'test', 'day -' || k "
        "FROM generate_series(0, 40) AS k")
    expected = {r[0] for r in sql(
        "SELECT 'ops.system_logs_p' || to_char(b.lower_bound AT TIME ZONE 'UTC', 'YYYYMMDD') "
        "FROM maint.partition_bounds('ops.system_logs') AS b WHERE b.upper_bound <= now() - interval '30 days'")}
    assert len(expected) in (10, 11)  # days -40 .. -31 (and -30 only if now() is exactly midnight)
    dropped = sql("SELECT action, partition FROM ops.cleanup_system_logs()")
    assert {p for _, p in dropped} == expected and {a for a, _ in dropped} == {"drop"}
    # every line newer than the cutoff is still there; none was deleted row by row
    assert one("SELECT count(*) FROM ops.system_logs") == 41 - len(expected)
    assert one("SELECT min(logged_at) > now() - interval '31 days' FROM ops.system_logs")
    assert one("SELECT coalesce(sum(n_tup_del), 0) FROM pg_stat_user_tables WHERE relname LIKE 'system_logs%%'") == 0
    assert sql("SELECT * FROM ops.cleanup_system_logs()") == []


def test_system_logs_are_partitioned_by_day_with_30_days_of_retention(one):
    assert one("SELECT partition_interval || ' ' || retention::text || ' ' || retention_action "
               "FROM maint.partition_policies WHERE parent = 'ops.system_logs'::regclass") == "day 30 days drop"
