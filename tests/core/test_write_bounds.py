"""Every input an application can send has its hostile twin: a megabyte of text, text made of
invisible characters, JSON far too big, timestamps far in the past or future — each refused with
its SQLSTATE, a message naming the column and a hint, as a LOGIN role that is only in assistant_app."""
import random
import string
from datetime import datetime, timedelta, timezone

import psycopg
import pytest
from psycopg.types.json import Jsonb


@pytest.fixture
def app(db, db_url, make_user, make_conversation):
    db.execute("CREATE ROLE bounds_app LOGIN PASSWORD 'bounds-app-pw' IN ROLE assistant_app")
    db.execute("CREATE ROLE bounds_service LOGIN PASSWORD 'bounds-service-pw' IN ROLE assistant_service")
    db.commit()
    uid = make_user()
    conv = make_conversation(uid)
    host = db_url.rsplit("@", 1)[1]
    conn = psycopg.connect(f"postgresql://bounds_app:bounds-app-pw@{host}")
    svc = psycopg.connect(f"postgresql://bounds_service:bounds-service-pw@{host}")

    def act():
        conn.rollback()
        conn.execute("SELECT api.act_as(%s)", (uid,))
        return conn

    yield type("App", (), {"act": staticmethod(act), "uid": uid, "conv": conv, "svc": svc})
    conn.close()
    svc.close()
    db.rollback()
    for role in ("bounds_app", "bounds_service"):
        db.execute(f"DROP OWNED BY {role}")
        db.execute(f"DROP ROLE {role}")
    db.commit()


def insert_message(conn, conv, content="olá", **cols):
    names = ", ".join(["conversation_id", "role", "content", *cols])
    conn.execute(f"INSERT INTO api.messages ({names}) VALUES ({', '.join(['%s'] * (3 + len(cols)))})",
                 (conv, "user", content, *cols.values()))


def test_a_megabyte_of_distinct_words_is_a_check_violation_not_a_tsvector_error(app):
    rnd = random.Random(7)
    words = " ".join("".join(rnd.choices(string.ascii_lowercase, k=8)) for _ in range(120_000))  # ~1 MB
    with pytest.raises(psycopg.errors.CheckViolation) as exc:
        insert_message(app.act(), app.conv, words)
    assert exc.value.diag.constraint_name == "messages_content_check"
    assert "100,000" in exc.value.diag.message_primary and exc.value.diag.message_hint


@pytest.mark.parametrize("blank", ["\u00a0\u00a0", "\u200b\u200c\u200d", "\ufeff", "\u3000 \u2003", " \t\n"])
def test_text_made_only_of_invisible_characters_is_refused(app, blank):
    with pytest.raises(psycopg.errors.CheckViolation) as exc:
        insert_message(app.act(), app.conv, blank)
    assert exc.value.diag.constraint_name in ("messages_content_check", "messages_content_visible_check")
    for table, cols, vals, constraint in (
            ("memories", "content", (blank,), "memories_content"),
            ("tasks", "description", (blank,), "tasks_description"),
            ("reminders", "title, scheduled_at", (blank, "2027-01-01"), "reminders_title")):
        with pytest.raises(psycopg.errors.CheckViolation) as exc:
            app.act().execute(f"INSERT INTO api.{table} ({cols}) VALUES ({', '.join(['%s'] * len(vals))})", vals)
        assert exc.value.diag.constraint_name.startswith(constraint), table


@pytest.mark.parametrize("when", ["1970-01-01 00:00+00", "0001-01-01 00:00+00", "4713-01-01 00:00+00 BC",
                                  "294276-01-01 00:00+00", "infinity", "-infinity"])
def test_the_app_cannot_date_a_message_far_from_now(app, when):
    with pytest.raises(psycopg.errors.DataError) as exc:
        insert_message(app.act(), app.conv, "fora da janela", created_at=when)
    assert exc.value.sqlstate == "22Y08"
    assert "created_at" in exc.value.diag.message_primary and exc.value.diag.message_hint
    assert exc.value.diag.column_name == "created_at"


def test_the_app_may_date_a_message_within_a_week_and_the_service_may_import_history(app):
    six_days_ago = datetime.now(timezone.utc) - timedelta(days=6)
    conn = app.act()
    insert_message(conn, app.conv, "gravado offline", created_at=six_days_ago)
    conn.commit()
    assert app.act().execute("SELECT count(*) FROM api.messages WHERE content = 'gravado offline'").fetchone()[0] == 1
    with pytest.raises(psycopg.errors.DataError):
        insert_message(app.act(), app.conv, "um minuto adiantado demais", created_at=datetime.now(timezone.utc) + timedelta(hours=1))
    # the service imports history from 2000 on, and not from before
    app.svc.execute("INSERT INTO api.messages (user_id, conversation_id, role, content, created_at) VALUES (%s, %s, 'user', %s, %s)",
                    (app.uid, app.conv, "conversa de 2010", "2010-06-01 12:00+00"))
    app.svc.commit()
    with pytest.raises(psycopg.errors.DataError) as exc:
        app.svc.execute("INSERT INTO api.messages (user_id, conversation_id, role, content, created_at) VALUES (%s, %s, 'user', %s, %s)",
                        (app.uid, app.conv, "de 1999", "1999-12-31 12:00+00"))
    assert "2000-01-01" in exc.value.diag.message_hint
    app.svc.rollback()


@pytest.mark.parametrize("table, column, value", [
    ("reminders", "scheduled_at", "4713-01-01 00:00+00 BC"),
    ("reminders", "scheduled_at", "294276-01-01 00:00+00"),
    ("events", "occurred_at", "infinity"),
    ("conversations", "started_at", "0001-01-01 00:00+00"),
    ("memories", "expires_at", "294276-01-01 00:00+00"),
])
def test_other_timestamps_stay_between_1970_and_2200(app, table, column, value):
    extra = {"reminders": ("title", "lembrete"), "events": ("actor", "agente"), "conversations": ("name", "c"),
             "memories": ("content", "lembrança")}[table]
    cols = [column, extra[0]] + (["type"] if table == "events" else [])
    vals = [value, extra[1]] + (["teste.evento"] if table == "events" else [])
    with pytest.raises(psycopg.errors.CheckViolation) as exc:
        app.act().execute(f"INSERT INTO api.{table} ({', '.join(cols)}) VALUES ({', '.join(['%s'] * len(vals))})", vals)
    assert exc.value.diag.constraint_name == f"{table}_{column}_range_check"


@pytest.mark.parametrize("column, size, constraint", [("metadata", 70_000, "messages_metadata_size_check"),
                                                        ("rag_context", 1_100_000, "messages_rag_context_size_check")])
def test_json_far_too_big_is_refused(app, column, size, constraint):
    blob = Jsonb({"texto": "x" * size})
    with pytest.raises(psycopg.errors.CheckViolation) as exc:
        insert_message(app.act(), app.conv, "com anexo", **{column: blob})
    assert exc.value.diag.constraint_name == constraint


def test_limits_do_not_refuse_what_is_normal(app):
    conn = app.act()
    insert_message(conn, app.conv, "Olá!\u00a0Tudo bem? 👋", metadata=Jsonb({"tokens": 12}),
                   rag_context=Jsonb([{"doc": "manual", "score": 0.9}]))
    conn.execute("INSERT INTO api.memories (content) VALUES (%s)", ("Prefere voos pela manhã",))
    conn.commit()
    stored = app.act().execute("SELECT (SELECT count(*) FROM api.messages WHERE content LIKE 'Olá!%%'), "
                               "(SELECT count(*) FROM api.memories WHERE content = 'Prefere voos pela manhã')").fetchone()
    assert stored == (1, 1)
