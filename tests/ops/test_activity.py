"""Activity views over conversations and messages, user-owned dashboards, and the audit of the
conversational core."""
import json
from decimal import Decimal

import psycopg
import pytest

ANA = "0190f3d4-0000-7000-8000-0000000000a1"
BRUNO = "0190f3d4-0000-7000-8000-0000000000b2"
CAIO = "0190f3d4-0000-7000-8000-0000000000c3"


@pytest.fixture
def people(sql):
    sql("INSERT INTO core.users (id, name, email) VALUES (%s, 'Ana', 'ana@example.com'), "
        "(%s, 'Bruno', 'bruno@example.com'), (%s, 'Caio', 'caio@example.com')", (ANA, BRUNO, CAIO))


@pytest.fixture
def activity(sql, people):
    """Ana: 2 conversations, 3 user messages this week; Bruno: 1 conversation, 1 message this
    week and 2 twenty days ago; Caio: only 40 days ago."""
    convs = [  # (user, conversation number, started days ago)
        (ANA, 1, 1), (ANA, 2, 3), (BRUNO, 3, 2), (BRUNO, 4, 20), (CAIO, 5, 40)]
    for user, n, days in convs:
        sql("INSERT INTO core.conversations (user_id, id, started_at) VALUES (%s, %s, now() - %s * interval '1 day')",
            (user, f"0190f3d4-0000-7000-8000-00000000000{n}", days))
    msgs = [  # (user, conversation, hours ago, role, intent, confidence, latency, agent)
        (ANA, 1, 2, "user", "consultar_estoque", 0.9, None, None),
        (ANA, 1, 2, "assistant", None, None, 800, "erp_agent"),
        (ANA, 1, 1, "user", "consultar_estoque", 0.7, None, None),
        (ANA, 1, 1, "assistant", None, None, 1200, "erp_agent"),
        (ANA, 2, 70, "user", "agendar_voo", 0.8, None, None),
        (ANA, 2, 70, "assistant", None, None, 300, "scheduler"),
        (BRUNO, 3, 5, "user", "agendar_voo", 0.6, None, None),
        (BRUNO, 3, 5, "assistant", None, None, 500, None),
        (BRUNO, 4, 480, "user", "consultar_estoque", 0.5, None, None),
        (BRUNO, 4, 481, "user", None, None, None, None),
        (CAIO, 5, 960, "user", "saudacao", 1.0, None, None),
    ]
    for user, conv, hours, role, intent, conf, latency, agent in msgs:
        sql("INSERT INTO core.messages (user_id, conversation_id, created_at, role, content, intent, confidence, "
            "latency_ms, agent) VALUES (%s, %s, now() - %s * interval '1 hour', %s, 'texto', %s, %s, %s, %s)",
            (user, f"0190f3d4-0000-7000-8000-00000000000{conv}", hours, role, intent, conf, latency, agent))


def test_most_active_users_over_7_days(activity, connect):
    rows = connect(role="assistant_readonly").execute(
        "SELECT name, conversations, messages FROM api.most_active_users_7d").fetchall()
    assert rows == [("Ana", 2, 3), ("Bruno", 1, 1)]


def test_most_common_intents_over_30_days(activity, connect):
    rows = connect(role="assistant_readonly").execute(
        "SELECT intent, messages, users, avg_confidence FROM api.common_intents_30d").fetchall()
    assert rows == [("consultar_estoque", 3, 2, Decimal("0.700")), ("agendar_voo", 2, 2, Decimal("0.700"))]


def test_latency_per_source_over_24_hours(activity, connect):
    rows = connect(role="assistant_readonly").execute(
        "SELECT source, messages, avg_latency_ms, max_latency_ms FROM api.latency_by_source_24h").fetchall()
    assert rows == [("erp_agent", 2, Decimal("1000.0"), 1200), ("assistant", 1, Decimal("500.0"), 500)]


def test_conversations_per_day_lists_30_days(activity, connect, one):
    rows = connect(role="assistant_readonly").execute("SELECT day, conversations, users FROM api.conversations_per_day").fetchall()
    assert len(rows) == 30
    assert rows[-1][0] == one("SELECT (now() AT TIME ZONE 'UTC')::date")
    by_day = {d: (c, u) for d, c, u in rows}
    for days_ago, expected in ((1, (1, 1)), (2, (1, 1)), (3, (1, 1)), (20, (1, 1))):
        day = one("SELECT ((now() - %s * interval '1 day') AT TIME ZONE 'UTC')::date", (days_ago,))
        assert by_day[day] == expected
    assert sum(c for c, _ in by_day.values()) == 4  # the 40-day-old one is out


def test_daily_active_users(activity, connect, one):
    rows = connect(role="assistant_readonly").execute("SELECT day, active_users, messages FROM api.daily_active_users").fetchall()
    assert len(rows) == 30
    assert sum(m for _, _, m in rows) == 6  # user messages of the last 30 days (Caio's is 40 days old)
    expected = dict(one(
        "SELECT json_object_agg(d, n) FROM (SELECT (created_at AT TIME ZONE 'UTC')::date::text AS d, "
        "count(DISTINCT user_id) AS n FROM core.messages WHERE role = 'user' "
        "AND created_at >= now() - interval '29 days' - interval '1 day' GROUP BY 1) s"))
    assert {str(d): n for d, n, _ in rows if n} == {d: n for d, n in expected.items()
                                                    if d >= str(rows[0][0])}


def test_activity_views_read_their_window_not_the_history(people, sql):
    # 100 days of history in monthly partitions, one message every 20 minutes
    sql("SELECT maint.create_partition('core.messages', now() - k * interval '1 month') FROM generate_series(1, 4) AS k")
    sql("INSERT INTO core.conversations (user_id, id, started_at) "
        "SELECT %s, util.uuid_generate_v7(), now() - d * interval '1 day' FROM generate_series(0, 99) AS d", (ANA,))
    sql("INSERT INTO core.messages (user_id, conversation_id, created_at, role, content, intent, latency_ms) "
        "SELECT c.user_id, c.id, c.started_at + k * interval '20 minutes', 'user', 'oi', 'saudacao', 100 "
        "FROM core.conversations AS c CROSS JOIN generate_series(0, 71) AS k ORDER BY 3")
    sql("ANALYZE core.messages")
    for view, window in (("api.most_active_users_7d", "7 days"), ("api.common_intents_30d", "30 days"),
                         ("api.latency_by_source_24h", "24 hours"), ("api.daily_active_users", "30 days")):
        old = [r[0] for r in sql("SELECT c.relname FROM maint.partition_bounds('core.messages') AS b "
                                 "JOIN pg_class AS c ON c.oid = b.partition WHERE b.upper_bound <= now() - %s::interval",
                                 (window,))]
        # the view reads through ops.<name>() (SECURITY DEFINER): explain that function's own query
        body = sql("SELECT prosrc FROM pg_proc WHERE oid = %s::regprocedure", (view.replace("api.", "ops.") + "()",))[0][0]
        plan = json.dumps(sql("EXPLAIN (ANALYZE, FORMAT JSON) " + body)[0][0])
        assert old and "Subplans Removed" in plan, view
        assert not [p for p in old if f'"{p}"' in plan], view  # partitions older than the window are never read
    sql("SET enable_seqscan = off")  # a 100-row table is rightly read whole otherwise
    try:
        body = sql("SELECT prosrc FROM pg_proc WHERE oid = 'ops.conversations_per_day()'::regprocedure")[0][0]
        plan = json.dumps(sql("EXPLAIN (FORMAT JSON) " + body)[0][0])
        assert "conversations_started_at_idx" in plan
    finally:
        sql("RESET enable_seqscan")


def test_app_role_sees_only_its_users_dashboards(people, connect):
    ana = connect(role="assistant_app", user_id=ANA)
    bruno = connect(role="assistant_app", user_id=BRUNO)
    ana.execute("INSERT INTO api.dashboards (name, period, widgets) VALUES ('Operações', '7d', '[{\"view\": \"api.active_processes\"}]')")
    bruno.execute("INSERT INTO api.dashboards (name) VALUES ('Minha visão')")
    assert ana.execute("SELECT name, period, user_id::text FROM api.dashboards").fetchall() == [("Operações", "7d", ANA)]
    assert bruno.execute("SELECT count(*) FROM api.dashboards").fetchone() == (1,)
    assert connect(role="assistant_readonly").execute("SELECT count(*) FROM api.dashboards").fetchone() == (2,)
    with pytest.raises(psycopg.errors.InsufficientPrivilege):  # row-level security: not Bruno's
        ana.execute("INSERT INTO api.dashboards (user_id, name) VALUES (%s, 'intrusa')", (BRUNO,))
    with pytest.raises(psycopg.errors.CheckViolation, match="dashboards_period_check"):
        ana.execute("INSERT INTO api.dashboards (name, period) VALUES ('x', '1y')")
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        connect(role="assistant_readonly").execute("DELETE FROM api.dashboards")


def test_changes_to_users_are_audited_with_the_app_user(people, connect, sql):
    ana = connect(role="assistant_app", user_id=ANA)
    ana.execute("UPDATE api.users SET name = 'Ana Souza' WHERE id = %s", (ANA,))
    assert sql("SELECT db_role, app_user_id::text, old_values, new_values FROM ops.audit_log "
               "WHERE table_name = 'users' AND operation = 'UPDATE'") == [
        ("assistant_app", ANA, {"name": "Ana"}, {"name": "Ana Souza"})]


def test_message_content_is_audited_masked_and_counters_are_not_audited(activity, sql):
    # inserting messages is not audited; of the conversation columns the messages trigger moves,
    # only the rarely changing one (agents) reaches the audit log
    assert sql("SELECT count(*) FROM ops.audit_log WHERE table_name = 'messages'") == [(0,)]
    keys = sql("SELECT DISTINCT jsonb_object_keys(new_values) FROM ops.audit_log "
               "WHERE table_name = 'conversations' AND operation = 'UPDATE'")
    assert {k for (k,) in keys} <= {"agents"}
    sql("UPDATE core.messages SET content = 'segredo médico', intent = 'saude' "
        "WHERE user_id = %s AND intent = 'saudacao'", (CAIO,))
    sql("DELETE FROM core.messages WHERE user_id = %s", (CAIO,))
    rows = sql("SELECT operation::text, row_key ? 'created_at', old_values, new_values FROM ops.audit_log "
               "WHERE table_name = 'messages' ORDER BY id")
    assert [r[0] for r in rows] == ["UPDATE", "DELETE"]
    assert rows[0][1] and rows[0][2] == {"content": "***", "intent": "saudacao"}
    assert rows[0][3] == {"content": "***", "intent": "saude"}
    assert rows[1][2]["content"] == "***" and rows[1][2]["search_vector"] == "***"
    assert sql("SELECT count(*) FROM ops.audit_log WHERE concat(old_values, new_values) ~ 'segredo|texto'") == [(0,)]
    # the messages trigger moved message_count: not an audited change
    assert sql("SELECT count(*) FROM ops.audit_log WHERE table_name = 'conversations' AND operation = 'UPDATE' "
               "AND (new_values ? 'message_count' OR new_values ? 'last_message_at')") == [(0,)]


def test_memory_recall_is_not_audited_but_changes_are(people, sql):
    sql("INSERT INTO core.memories (user_id, tier, content) VALUES (%s, 'long_term', 'prefere voos cedo')", (ANA,))
    sql("UPDATE core.memories SET access_count = access_count + 1, last_accessed_at = now()")
    sql("UPDATE core.memories SET importance = 0.9")
    rows = sql("SELECT operation::text, new_values FROM ops.audit_log WHERE table_name = 'memories' ORDER BY id")
    assert [r[0] for r in rows] == ["INSERT", "UPDATE"]
    assert rows[0][1]["content"] == "***" and rows[1][1] == {"importance": 0.9}
