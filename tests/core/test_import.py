"""Imports (issue 16, migration 0083): a langchain-postgres message_store table and an OpenAI
threads/messages export, into a user's conversations through api, as a login that is only in
assistant_service acting for the user; order, roles, timestamps and metadata kept; idempotent;
refused rows reported with the reason."""
import json
import uuid

import psycopg
import pytest
from psycopg.types.json import Jsonb

from tests.core.conftest import name_user


@pytest.fixture
def service_url(db, db_url):
    db.execute("CREATE ROLE import_service LOGIN PASSWORD 'import-service-pw' IN ROLE assistant_service")
    db.commit()
    yield "postgresql://import_service:import-service-pw@" + db_url.rsplit("@", 1)[1]
    db.rollback()
    db.execute("DROP OWNED BY import_service")
    db.execute("DROP ROLE import_service")
    db.commit()


@pytest.fixture
def service(service_url):
    with psycopg.connect(service_url, autocommit=True) as c:
        yield c


def call(conn, user_id, query, params):
    with conn.transaction():
        name_user(conn, user_id)
        return conn.execute(query, params).fetchone()


def conversations(db, user_id):
    """{conversation name: [(role, content, created_at)]} as stored, in history order."""
    out = {}
    for name, role, content, at, meta in db.execute(
            "SELECT c.name, m.role::text, m.content, m.created_at, m.metadata FROM core.messages m "
            "JOIN core.conversations c ON c.user_id = m.user_id AND c.id = m.conversation_id "
            "WHERE m.user_id = %s ORDER BY c.name, m.created_at, m.id", (user_id,)):
        out.setdefault(name, []).append((role, content, at, meta))
    return out


SESSION = str(uuid.uuid4())
LANGCHAIN_ROWS = [
    {"id": 1, "session_id": SESSION, "created_at": "2024-03-01T10:00:00+00:00",
     "message": {"type": "system", "data": {"content": "Você é um assistente de viagens.", "type": "system"}}},
    {"id": 2, "session_id": SESSION, "created_at": "2024-03-01T10:00:00+00:00",
     "message": {"type": "human", "data": {"content": "Quero ir a Lisboa em maio.", "type": "human", "id": None}}},
    {"id": 3, "session_id": SESSION, "created_at": "2024-03-01T10:00:00+00:00",
     "message": {"type": "ai", "data": {"content": [{"type": "text", "text": "Ótima escolha!"}, "Maio é ameno."],
                                        "response_metadata": {"model_name": "gpt-4o"}, "id": "run-1"}}},
    {"id": 4, "session_id": SESSION, "created_at": "2024-03-01T10:01:00+00:00",
     "message": {"type": "tool", "data": {"content": "{\"temp\": 22}", "tool_call_id": "call_1"}}},
    # refused: unknown type, blank text, a date in 1970, a date that is not one, no session
    {"id": 5, "session_id": SESSION, "message": {"type": "robot", "data": {"content": "bip"}}},
    {"id": 6, "session_id": SESSION, "message": {"type": "human", "data": {"content": "\u200b \u00a0"}}},
    {"id": 7, "session_id": SESSION, "created_at": "1970-01-01T00:00:00Z", "message": {"type": "human", "data": {"content": "antigo"}}},
    {"id": 8, "session_id": SESSION, "created_at": "ontem", "message": {"type": "human", "data": {"content": "quando?"}}},
    {"id": 9, "message": {"type": "human", "data": {"content": "sem sessão"}}},
    {"id": 10, "session_id": "outra-sessao", "message": {"type": "human", "data": {"content": "Olá de novo"}}},
]


def test_langchain_message_store_rows_import_once_with_order_roles_and_refusals(service, db, make_user):
    uid = make_user()
    res = call(service, uid, "SELECT imported, skipped, refused, refusals FROM api.import_langchain_messages(%s)",
               (Jsonb(LANGCHAIN_ROWS),))
    assert res[:3] == (5, 0, 5)
    reasons = {r["key"]: r["reason"] for r in res[3]}
    assert set(reasons) == {"5", "6", "7", "8", "9"}
    assert "unknown message type robot" in reasons["5"] and "no visible text" in reasons["6"]
    assert "not between 2000-01-01" in reasons["7"] and "not a timestamp" in reasons["8"] and "session_id" in reasons["9"]
    convs = conversations(db, uid)
    rows = convs[f"langchain session {SESSION}"]
    assert [(r[0], r[1]) for r in rows] == [("system", "Você é um assistente de viagens."), ("user", "Quero ir a Lisboa em maio."),
                                            ("assistant", "Ótima escolha!\nMaio é ameno."), ("tool", "{\"temp\": 22}")]
    assert rows[0][2].isoformat() == "2024-03-01T10:00:00+00:00"
    assert rows[2][3]["langchain"]["response_metadata"] == {"model_name": "gpt-4o"}
    assert rows[3][3]["langchain"]["tool_call_id"] == "call_1"
    # again: nothing imported twice; the same refusals
    res2 = call(service, uid, "SELECT imported, skipped, refused FROM api.import_langchain_messages(%s)", (Jsonb(LANGCHAIN_ROWS),))
    assert res2 == (0, 5, 5)
    # a later batch of the same session goes into the same conversation, after what is there
    more = [{"id": 11, "session_id": SESSION, "created_at": "2024-03-02T09:00:00Z",
             "message": {"type": "human", "data": {"content": "E em junho?"}}}]
    assert call(service, uid, "SELECT imported FROM api.import_langchain_messages(%s)", (Jsonb(more),))[0] == 1
    convs = conversations(db, uid)
    assert len(convs) == 2 and convs[f"langchain session {SESSION}"][-1][1] == "E em junho?"
    n = db.execute("SELECT message_count FROM api.conversations WHERE user_id = %s ORDER BY name", (uid,)).fetchall()
    assert sorted(r[0] for r in n) == [1, 5]


def test_langchain_import_refuses_a_batch_of_the_wrong_shape_and_needs_a_user(service, make_user):
    uid = make_user()
    with pytest.raises(psycopg.errors.InvalidParameterValue, match="api.import_langchain_messages: p_rows") as e:
        call(service, uid, "SELECT * FROM api.import_langchain_messages(%s)", (Jsonb({"id": 1}),))
    assert e.value.diag.message_hint
    with pytest.raises(psycopg.Error) as e:
        with service.transaction():
            service.execute("SELECT * FROM api.import_langchain_messages(%s)", (Jsonb(LANGCHAIN_ROWS),))
    assert e.value.sqlstate == "28Y01"


def test_the_app_role_cannot_import(as_app, make_user):
    uid = make_user()
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        as_app(uid).execute("SELECT * FROM api.import_langchain_messages(%s)", (Jsonb(LANGCHAIN_ROWS),))


def openai_export():
    return {"threads": [
        {"id": "thread_abc", "created_at": 1709280000, "metadata": {"title": "Roteiro em Portugal"},
         # newest first, as the API lists them; two messages in the same second
         "messages": {"data": [
             {"id": "msg_3", "role": "assistant", "created_at": 1709280060, "assistant_id": "asst_1", "run_id": "run_9",
              "content": [{"type": "text", "text": {"value": "Sugiro três dias em Lisboa.", "annotations": []}},
                          {"type": "image_file", "image_file": {"file_id": "file-1"}}], "metadata": {}},
             {"id": "msg_2", "role": "user", "created_at": 1709280000,
              "content": [{"type": "text", "text": {"value": "E quantos dias?"}}], "metadata": {"origem": "web"}},
             {"id": "msg_1", "role": "user", "created_at": 1709280000,
              "content": [{"type": "text", "text": {"value": "Quero visitar Portugal."}}], "metadata": {}},
         ]}},
        {"id": "thread_def", "created_at": 1709366400, "metadata": {},
         "messages": [
             {"id": "msg_4", "role": "user", "created_at": 1709366400, "content": [{"type": "text", "text": {"value": "Olá!"}}]},
             {"id": "msg_5", "role": "system", "created_at": 1709366401, "content": "instrução"},
             {"id": "msg_6", "role": "assistant", "created_at": "amanhã", "content": [{"type": "text", "text": {"value": "?"}}]},
             {"id": "msg_7", "role": "assistant", "created_at": 1709366402, "content": [{"type": "image_file"}]},
         ]},
    ]}


def test_openai_threads_export_imports_once_in_order_with_metadata(service, db, make_user):
    uid = make_user()
    res = call(service, uid, "SELECT imported, skipped, refused, refusals FROM api.import_openai_threads(%s)", (Jsonb(openai_export()),))
    assert res[:3] == (4, 0, 3)
    reasons = {r["key"]: r["reason"] for r in res[3]}
    assert "unknown role system" in reasons["msg_5"] and "epoch" in reasons["msg_6"] and "no visible text" in reasons["msg_7"]
    convs = conversations(db, uid)
    rows = convs["Roteiro em Portugal"]
    assert [(r[0], r[1]) for r in rows] == [("user", "Quero visitar Portugal."), ("user", "E quantos dias?"),
                                            ("assistant", "Sugiro três dias em Lisboa.")]
    assert rows[0][2].timestamp() == 1709280000
    assert rows[2][3]["openai"]["assistant_id"] == "asst_1" and rows[2][3]["openai"]["other_content"][0]["type"] == "image_file"
    assert rows[1][3]["openai"]["metadata"] == {"origem": "web"}
    assert [(r[0], r[1]) for r in convs["OpenAI thread thread_def"]] == [("user", "Olá!")]
    meta = db.execute("SELECT metadata FROM core.conversations WHERE user_id = %s AND name = 'Roteiro em Portugal'", (uid,)).fetchone()[0]
    assert meta["openai"]["thread_id"] == "thread_abc" and meta["imported_from"]["source"] == "openai"
    assert call(service, uid, "SELECT imported, skipped, refused FROM api.import_openai_threads(%s)", (Jsonb(openai_export()),)) == (0, 4, 3)
    # the history api reads the import in order, as the app
    with pytest.raises(psycopg.errors.InvalidParameterValue, match="api.import_openai_threads: p_export"):
        call(service, uid, "SELECT * FROM api.import_openai_threads(%s)", (Jsonb({"data": []}),))


def test_imports_of_two_users_stay_apart(service, db, make_user):
    a, b = make_user(), make_user()
    call(service, a, "SELECT * FROM api.import_openai_threads(%s)", (Jsonb(openai_export()),))
    # the same export for another user is imported again, for that user
    assert call(service, b, "SELECT imported FROM api.import_openai_threads(%s)", (Jsonb(openai_export()),))[0] == 4
    assert db.execute("SELECT count(DISTINCT user_id) FROM core.imported_messages").fetchone()[0] == 2


def test_export_and_erasure_cover_branches_summaries_retention_and_import_keys(service, db, make_user):
    ana, bruno = make_user(), make_user()
    for uid in (ana, bruno):
        call(service, uid, "SELECT * FROM api.import_openai_threads(%s)", (Jsonb(openai_export()),))
    conv = db.execute("SELECT id FROM core.conversations WHERE user_id = %s AND name = 'Roteiro em Portugal'", (ana,)).fetchone()[0]
    db.commit()
    first = db.execute("SELECT id, created_at FROM core.messages WHERE user_id = %s AND conversation_id = %s "
                       "ORDER BY created_at, id LIMIT 1", (ana, conv)).fetchone()
    db.commit()
    call(service, ana, "SELECT * FROM api.edit_message(%s, %s, %s, %s)", (conv, first[0], "Quero visitar o Algarve.", first[1]))
    call(service, ana, "SELECT * FROM api.add_summary(%s, %s, %s, %s)", (conv, first[0], "Resumo: Portugal.", first[1]))
    call(service, ana, "SELECT api.set_conversation_retention(%s, 100, 365)", (conv,))
    doc = service.execute("SELECT api.export_user(%s)", (ana,)).fetchone()[0]["tables"]
    msgs = doc["core.messages"]
    assert {m["kind"] for m in msgs} == {"message", "summary"}
    edited = next(m for m in msgs if m["content"] == "Quero visitar o Algarve.")
    assert edited["parent_id"] is None and edited["metadata"]["branched_from"] == str(first[0])
    assert any(m["parent_id"] == str(first[0]) for m in msgs if m["kind"] == "summary")
    c = next(c for c in doc["core.conversations"] if c["id"] == str(conv))
    assert c["current_leaf_id"] == edited["id"] and c["keep_latest_messages"] == 100 and c["keep_days"] == 365
    assert len(doc["core.imported_messages"]) == 4 and len(doc["core.imported_conversations"]) == 2
    assert "Algarve" not in json.dumps(service.execute("SELECT api.export_user(%s)", (bruno,)).fetchone()[0])

    service.execute("SELECT api.erase_user(%s)", (ana,))
    for table in ("core.messages", "core.conversations", "core.imported_messages", "core.imported_conversations"):
        assert db.execute(f"SELECT count(*) FROM {table} WHERE user_id = %s", (ana,)).fetchone()[0] == 0, table
        assert db.execute(f"SELECT count(*) FROM {table} WHERE user_id = %s", (bruno,)).fetchone()[0] > 0, table
    # Bruno's import is untouched: importing again still skips everything
    assert call(service, bruno, "SELECT imported, skipped FROM api.import_openai_threads(%s)", (Jsonb(openai_export()),)) == (0, 4)
