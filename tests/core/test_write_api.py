"""The write API (0060): functions that write for the user named by api.act_as and return the
created row, the same on one server and on Citus. Tested as a LOGIN role that is only in
assistant_app, with bind parameters, Portuguese text and the hostile twins of each argument."""
from datetime import datetime, timedelta, timezone

import psycopg
import pytest
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb


@pytest.fixture
def app(db, db_url, make_user):
    db.execute("CREATE ROLE write_app LOGIN PASSWORD 'write-app-pw' IN ROLE assistant_app")
    db.execute("CREATE ROLE write_nobody LOGIN PASSWORD 'write-nobody-pw' IN ROLE assistant_readonly")
    db.commit()
    uid, other = make_user("Joana"), make_user("Outro")
    host = db_url.rsplit("@", 1)[1]
    conn = psycopg.connect(f"postgresql://write_app:write-app-pw@{host}", row_factory=dict_row)

    def act(user=uid):
        conn.rollback()
        conn.execute("SELECT api.act_as(%s)", (user,))
        return conn

    yield type("App", (), {"act": staticmethod(act), "uid": uid, "other": other, "conn": conn, "host": host})
    conn.close()
    db.rollback()
    for role in ("write_app", "write_nobody"):
        db.execute(f"DROP OWNED BY {role}")
        db.execute(f"DROP ROLE {role}")
    db.commit()


def test_start_conversation_returns_the_row_for_the_acting_user(app):
    c = app.act()
    row = c.execute("SELECT * FROM api.start_conversation(%s, %s)", ("Plano de voo", Jsonb({"canal": "voz"}))).fetchone()
    c.commit()
    assert row["user_id"] == app.uid and row["name"] == "Plano de voo" and row["is_active"]
    assert row["message_count"] == 0 and row["metadata"] == {"canal": "voz"}
    assert app.act().execute("SELECT count(*) AS n FROM api.conversations WHERE id = %s", (row["id"],)).fetchone()["n"] == 1


def test_add_message_returns_it_and_the_counter_is_exact(app):
    c = app.act()
    conv = c.execute("SELECT id FROM api.start_conversation('Manutenção')").fetchone()["id"]
    m = c.execute("SELECT * FROM api.add_message(%s, %s, %s, p_agent => %s)",
                  (conv, "user", "Qual é a previsão para amanhã em São Paulo?", "meteorologia")).fetchone()
    c.commit()
    assert m["role"] == "user" and m["user_id"] == app.uid and m["conversation_id"] == conv and m["id"]
    assert m["content"].startswith("Qual é") and m["agent"] == "meteorologia"
    row = app.act().execute("SELECT message_count, agents, last_message_at FROM api.conversations WHERE id = %s",
                            (conv,)).fetchone()
    assert row["message_count"] == 1 and row["agents"] == ["meteorologia"] and row["last_message_at"] == m["created_at"]


def test_add_messages_from_json_inserts_them_in_order_in_one_statement(app):
    c = app.act()
    conv = c.execute("SELECT id FROM api.start_conversation('Lote')").fetchone()["id"]
    batch = [{"role": "user", "content": "Olá, bom dia"},
             {"role": "assistant", "content": "Bom dia! Em que posso ajudar?", "agent": "recepção", "latency_ms": 120},
             {"role": "tool", "content": "METAR SBSP 021200Z", "metadata": {"fonte": "redemet"}}]
    rows = c.execute("SELECT * FROM api.add_messages(%s, %s)", (conv, Jsonb(batch))).fetchall()
    c.commit()
    assert [r["content"] for r in rows] == [b["content"] for b in batch]
    assert [r["created_at"] for r in rows] == sorted(r["created_at"] for r in rows)
    assert [r["id"] for r in rows] == sorted(r["id"] for r in rows)
    assert rows[1]["latency_ms"] == 120 and rows[2]["metadata"] == {"fonte": "redemet"}
    n = app.act().execute("SELECT message_count FROM api.conversations WHERE id = %s", (conv,)).fetchone()["message_count"]
    assert n == 3


def test_add_messages_from_arrays(app):
    c = app.act()
    conv = c.execute("SELECT id FROM api.start_conversation()").fetchone()["id"]
    rows = c.execute("SELECT role::text AS role, content, agent FROM api.add_messages(%s, %s, %s, %s)",
                     (conv, ["user", "assistant"], ["Ligar as luzes da cabine", "Luzes ligadas."],
                      [None, "cabine"])).fetchall()
    c.commit()
    assert [(r["role"], r["agent"]) for r in rows] == [("user", None), ("assistant", "cabine")]


@pytest.mark.parametrize("bad", ["USER", "usuário", "", "user ", "'; DROP TABLE core.messages; --"])
def test_a_role_that_is_not_a_label_is_22P02_naming_p_role(app, bad):
    c = app.act()
    conv = c.execute("SELECT id FROM api.start_conversation()").fetchone()["id"]
    with pytest.raises(psycopg.errors.InvalidTextRepresentation) as exc:
        c.execute("SELECT * FROM api.add_message(%s, %s, %s)", (conv, bad, "olá"))
    assert "api.add_message" in exc.value.diag.message_primary and "p_role" in exc.value.diag.message_primary
    assert "user, assistant, system, tool" in exc.value.diag.message_hint


def test_a_null_role_is_22004(app):
    c = app.act()
    conv = c.execute("SELECT id FROM api.start_conversation()").fetchone()["id"]
    with pytest.raises(psycopg.errors.NullValueNotAllowed) as exc:
        c.execute("SELECT * FROM api.add_message(%s, NULL, %s)", (conv, "olá"))
    assert "p_role" in exc.value.diag.message_primary and exc.value.diag.message_hint


def test_a_bad_role_inside_a_batch_names_its_element(app):
    c = app.act()
    conv = c.execute("SELECT id FROM api.start_conversation()").fetchone()["id"]
    with pytest.raises(psycopg.errors.InvalidTextRepresentation) as exc:
        c.execute("SELECT * FROM api.add_messages(%s, %s)",
                  (conv, Jsonb([{"role": "user", "content": "um"}, {"role": "robô", "content": "dois"}])))
    assert "p_messages[1].role" in exc.value.diag.message_primary


@pytest.mark.parametrize("payload, words", [
    ({"role": "user", "content": "não é uma lista"}, "JSON array"),
    ([], "1 to 10,000"),
    (["texto solto"], "not an object"),
    ([{"role": "user", "content": "olá", "contnet": "erro de digitação"}], "unknown key 'contnet'"),
])
def test_json_of_the_wrong_shape_is_22023(app, payload, words):
    c = app.act()
    conv = c.execute("SELECT id FROM api.start_conversation()").fetchone()["id"]
    with pytest.raises(psycopg.errors.InvalidParameterValue) as exc:
        c.execute("SELECT * FROM api.add_messages(%s, %s)", (conv, Jsonb(payload)))
    assert words in exc.value.diag.message_primary and exc.value.diag.message_hint


def test_more_than_10000_messages_in_one_call_is_22023(app):
    c = app.act()
    conv = c.execute("SELECT id FROM api.start_conversation()").fetchone()["id"]
    with pytest.raises(psycopg.errors.InvalidParameterValue):
        c.execute("SELECT * FROM api.add_messages(%s, %s, %s)", (conv, ["user"] * 10001, ["x"] * 10001))


def test_arrays_of_different_lengths_are_22023(app):
    c = app.act()
    conv = c.execute("SELECT id FROM api.start_conversation()").fetchone()["id"]
    with pytest.raises(psycopg.errors.InvalidParameterValue):
        c.execute("SELECT * FROM api.add_messages(%s, %s, %s)", (conv, ["user", "user"], ["só um"]))


def test_another_users_conversation_is_P0002_and_nothing_is_written(app, db):
    theirs = app.act(app.other).execute("SELECT id FROM api.start_conversation('Dele')").fetchone()["id"]
    app.conn.commit()
    c = app.act()
    for call, args in (("api.add_message(%s, 'user', 'invasão')", (theirs,)),
                       ("api.add_messages(%s, '[{\"role\": \"user\", \"content\": \"x\"}]')", (theirs,)),
                       ("api.rename_conversation(%s, 'roubada')", (theirs,)),
                       ("api.end_conversation(%s)", (theirs,)),
                       ("api.add_action(%s, 'query', 'metar.lookup')", (theirs,)),
                       ("api.add_task('tarefa', %s)", (theirs,)),
                       ("api.add_memory('fato', 'long_term', 0.5, %s)", (theirs,))):
        with pytest.raises(psycopg.errors.NoDataFound) as exc:
            c.execute(f"SELECT * FROM {call}", args)
        assert "conversation" in exc.value.diag.message_primary and exc.value.diag.message_hint
        c = app.act()
    assert db.execute("SELECT count(*) FROM core.messages WHERE conversation_id = %s", (theirs,)).fetchone()[0] == 0
    assert db.execute("SELECT name FROM core.conversations WHERE id = %s", (theirs,)).fetchone()[0] == "Dele"


def test_without_act_as_the_write_api_says_no_user_is_named(app):
    app.conn.rollback()
    with pytest.raises(psycopg.Error) as exc:
        app.conn.execute("SELECT * FROM api.start_conversation('sem usuário')")
    assert exc.value.sqlstate == "28Y01" and "api.act_as" in exc.value.diag.message_hint
    app.conn.rollback()


def test_a_message_dated_1970_is_refused_with_22Y08(app):
    c = app.act()
    conv = c.execute("SELECT id FROM api.start_conversation()").fetchone()["id"]
    with pytest.raises(psycopg.Error) as exc:
        c.execute("SELECT * FROM api.add_message(%s, 'user', 'antigo', p_created_at => %s)",
                  (conv, datetime(1970, 1, 2, tzinfo=timezone.utc)))
    assert exc.value.sqlstate == "22Y08"


def test_end_and_rename_conversation(app):
    c = app.act()
    conv = c.execute("SELECT id FROM api.start_conversation('Primeiro nome')").fetchone()["id"]
    r = c.execute("SELECT * FROM api.rename_conversation(%s, %s)", (conv, "Revisão da aeronave PR-ABC")).fetchone()
    assert r["name"] == "Revisão da aeronave PR-ABC"
    e = c.execute("SELECT * FROM api.end_conversation(%s, p_summary => %s, p_satisfaction_score => %s)",
                  (conv, "Revisão agendada.", 0.9)).fetchone()
    assert not e["is_active"] and e["ended_at"] is not None and e["summary"] == "Revisão agendada."
    c.commit()
    with pytest.raises(psycopg.errors.ObjectNotInPrerequisiteState) as exc:
        app.act().execute("SELECT * FROM api.end_conversation(%s)", (conv,))
    assert "already ended" in exc.value.diag.message_primary and exc.value.diag.message_hint
    with pytest.raises(psycopg.errors.CheckViolation):
        app.act().execute("SELECT * FROM api.rename_conversation(%s, %s)", (conv, "\u200b\u200b"))


def test_tasks_events_actions_reminders_memories(app):
    c = app.act()
    conv = c.execute("SELECT id FROM api.start_conversation('Operações')").fetchone()["id"]
    msg = c.execute("SELECT * FROM api.add_message(%s, 'user', 'Acenda as luzes da cabine')", (conv,)).fetchone()
    t = c.execute("SELECT * FROM api.add_task(%s, %s, %s, %s)", ("Verificar a documentação", conv, "despacho", "in_progress")).fetchone()
    assert t["status"] == "in_progress" and t["user_id"] == app.uid
    ev = c.execute("SELECT * FROM api.add_event(%s, %s, %s, %s, %s)",
                   ("task.handoff", "despacho", Jsonb({"para": "manutenção"}), conv, t["id"])).fetchone()
    assert ev["task_id"] == t["id"] and ev["content"] == {"para": "manutenção"}
    a = c.execute("SELECT * FROM api.add_action(%s, %s, %s, %s, %s, %s)",
                  (conv, "iot_control", "cabin_lights.on", Jsonb({"nível": 80}), msg["created_at"], msg["id"])).fetchone()
    assert a["status"] == "pending" and a["message_id"] == msg["id"]
    due = datetime.now(timezone.utc) + timedelta(hours=2)
    r = c.execute("SELECT * FROM api.add_reminder(%s, %s, %s, %s)", ("Exame médico", due, "Levar o CMA", conv)).fetchone()
    assert r["status"] == "pending" and r["scheduled_at"] == due
    m = c.execute("SELECT * FROM api.add_memory(%s, %s, %s, %s)", ("Prefere voar de manhã", "long_term", 0.8, conv)).fetchone()
    assert m["tier"] == "long_term" and m["expires_at"] is not None
    crit = c.execute("SELECT * FROM api.add_memory(%s, 'critical')", ("Alergia a penicilina",)).fetchone()
    assert crit["expires_at"] is None
    c.commit()


@pytest.mark.parametrize("call, argument", [
    ("api.add_task('tarefa', NULL, NULL, 'done')", "p_status"),
    ("api.add_memory('fato', 'eterno')", "p_tier"),
    ("api.add_action(%(conv)s, 'teleport', 'x')", "p_type"),
])
def test_bad_enum_text_in_every_function_names_its_argument(app, call, argument):
    c = app.act()
    conv = c.execute("SELECT id FROM api.start_conversation()").fetchone()["id"]
    with pytest.raises(psycopg.errors.InvalidTextRepresentation) as exc:
        c.execute(f"SELECT * FROM {call}", {"conv": conv})
    assert argument in exc.value.diag.message_primary and exc.value.diag.message_hint


def test_another_users_task_is_P0002_for_add_event(app):
    task = app.act(app.other).execute("SELECT id FROM api.add_task('dele')").fetchone()["id"]
    app.conn.commit()
    with pytest.raises(psycopg.errors.NoDataFound) as exc:
        app.act().execute("SELECT * FROM api.add_event('task.peek', 'eu', '{}', NULL, %s)", (task,))
    assert "p_task_id" in exc.value.diag.message_primary


def test_a_reminder_without_a_time_is_22004(app):
    with pytest.raises(psycopg.errors.NullValueNotAllowed):
        app.act().execute("SELECT * FROM api.add_reminder('sem hora', NULL)")


def test_a_readonly_login_cannot_execute_the_write_api(app):
    with psycopg.connect(f"postgresql://write_nobody:write-nobody-pw@{app.host}") as nobody:
        for fn in ("api.start_conversation(text, jsonb, timestamptz)", "api.add_messages(uuid, jsonb)",
                   "api.add_message(uuid, text, text, jsonb, jsonb, text, text, double precision, integer, jsonb, integer, text, timestamptz)"):
            assert nobody.execute("SELECT has_function_privilege(%s, 'EXECUTE')", (fn,)).fetchone()[0] is False
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            nobody.execute("SELECT * FROM api.start_conversation('só leitura')")


def test_add_message_does_not_wait_for_a_rename_holding_the_conversation(app, db_url):
    # session A renames the conversation and keeps its transaction open (it holds the row lock);
    # session B adds messages meanwhile: the counter goes to a pending delta instead of waiting
    # (the messages trigger's SKIP LOCKED). Both commit; the count read through api is exact.
    c = app.act()
    conv = c.execute("SELECT id FROM api.start_conversation('Antes')").fetchone()["id"]
    c.commit()
    a = app.act()
    a.execute("SELECT * FROM api.rename_conversation(%s, 'Durante')", (conv,))
    host = app.host
    with psycopg.connect(f"postgresql://write_app:write-app-pw@{host}", row_factory=dict_row) as b:
        b.execute("SET lock_timeout = '2s'")  # waiting would fail the test with 55P03, not hang it
        b.execute("SELECT api.act_as(%s)", (app.uid,))
        rows = b.execute("SELECT * FROM api.add_messages(%s, %s, %s)",
                         (conv, ["user", "assistant"], ["Mudou o nome?", "Sim, está mudando."])).fetchall()
        b.commit()
        assert len(rows) == 2
        a.commit()
        b.execute("SELECT api.act_as(%s)", (app.uid,))
        row = b.execute("SELECT name, message_count FROM api.conversations WHERE id = %s", (conv,)).fetchone()
        b.commit()
    assert row == {"name": "Durante", "message_count": 2}
