"""A column an app may not write is refused by name (0087): 42501, a message naming the column and the
api view, a detail saying who keeps it, a hint listing what the app may write, and nothing changed.
PostgreSQL's own error ("permission denied for table conversations") names neither. Unchanged values
written back (what ORMs do) and defaults pass; a service login keeps its writes. Every test acts as
a LOGIN that is only in assistant_app, through a psycopg_pool pool, with bind parameters."""
from datetime import datetime, timedelta, timezone

import psycopg
import pytest
from psycopg_pool import ConnectionPool

PAST = datetime(2026, 1, 5, 12, 0, tzinfo=timezone.utc)


@pytest.fixture
def app(db, db_url, make_user, make_conversation):
    db.execute("CREATE ROLE colerr_app LOGIN PASSWORD 'colerr-app-pw' IN ROLE assistant_app")
    db.execute("CREATE ROLE colerr_service LOGIN PASSWORD 'colerr-service-pw' IN ROLE assistant_service")
    db.commit()
    uid, other = make_user(), make_user()
    conv = make_conversation(uid, name="Reunião de manutenção")
    host = db_url.rsplit("@", 1)[1]
    pool = ConnectionPool(f"postgresql://colerr_app:colerr-app-pw@{host}", min_size=1, max_size=2, open=True)
    svc = psycopg.connect(f"postgresql://colerr_service:colerr-service-pw@{host}", autocommit=True)
    with pool.connection() as conn:
        conn.execute("SELECT api.act_as(%s)", (uid,))
        msg = conn.execute("INSERT INTO api.messages (conversation_id, role, content) VALUES (%s, 'user', %s) "
                           "RETURNING id", (conv, "Preciso agendar a manutenção do avião")).fetchone()[0]
        conn.execute("INSERT INTO api.tasks (conversation_id, description) VALUES (%s, %s)", (conv, "Verificar o trem de pouso"))
        conn.execute("INSERT INTO api.memories (content) VALUES (%s)", ("Prefere voos pela manhã",))
        conn.execute("INSERT INTO api.reminders (conversation_id, title, scheduled_at) VALUES (%s, %s, now() + interval '1 day')",
                     (conv, "Ligar para a oficina"))
        conn.execute("INSERT INTO api.actions (conversation_id, type, name) VALUES (%s, 'query', 'agenda')", (conv,))
        conn.execute("INSERT INTO api.credentials (kind, title, issuer, valid_from) VALUES ('licence', 'PPL', 'ANAC', '2024-01-01')")

    def run(sql, params=()):
        """One app transaction: name the user, run the statement, commit (an error rolls it back)."""
        with pool.connection() as conn:
            conn.execute("SELECT api.act_as(%s)", (uid,))
            return conn.execute(sql, params).rowcount

    yield type("App", (), {"run": staticmethod(run), "pool": pool, "uid": uid, "other": other, "conv": conv, "msg": msg, "svc": svc})
    pool.close()
    svc.close()
    db.rollback()
    for role in ("colerr_app", "colerr_service"):
        db.execute(f"DROP OWNED BY {role}")
        db.execute(f"DROP ROLE {role}")
    db.commit()


def snapshot(db, view, uid):
    return db.execute(f"SELECT to_jsonb(v) FROM api.{view} v WHERE user_id = %s ORDER BY id", (uid,)).fetchall() \
        if view != "users" else db.execute("SELECT to_jsonb(v) FROM api.users v WHERE id = %s", (uid,)).fetchall()


UPDATES = [  # view, column, value ({other}: the other user's id, {conv}: the conversation)
    ("conversations", "created_at", PAST), ("conversations", "updated_at", PAST),
    ("conversations", "id", "{other}"), ("conversations", "user_id", "{other}"),
    ("messages", "created_at", PAST), ("messages", "id", "{other}"), ("messages", "role", "assistant"),
    ("messages", "user_id", "{other}"),
    ("users", "email", "ana.souza@exemplo.com.br"), ("users", "roles", ["admin"]), ("users", "is_active", False),
    ("users", "created_at", PAST),
    ("tasks", "created_at", PAST), ("tasks", "user_id", "{other}"),
    ("memories", "created_at", PAST), ("memories", "updated_at", PAST),
    ("reminders", "created_at", PAST), ("actions", "type", "notification"), ("actions", "created_at", PAST),
    ("credentials", "created_at", PAST),
]


@pytest.mark.parametrize("view,column,value", UPDATES, ids=[f"{v}.{c}" for v, c, _ in UPDATES])
def test_app_update_of_a_column_it_may_not_write_names_the_column(db, app, view, column, value):
    value = {"{other}": app.other}.get(value, value) if isinstance(value, str) else value
    before = snapshot(db, view, app.uid)
    where = "id = %s" if view == "users" else "user_id = %s"
    with pytest.raises(psycopg.errors.InsufficientPrivilege) as exc:
        app.run(f"UPDATE api.{view} SET {column} = %s WHERE {where}", (value, app.uid))
    diag = exc.value.diag
    assert diag.message_primary == f'cannot update column "{column}" of view api.{view}'
    assert diag.column_name == column and diag.table_name == view and diag.schema_name == "api"
    assert diag.message_detail.startswith(f"{column} is not written by the app: ")
    assert "An app may update: " in diag.message_hint and column not in diag.message_hint.split("may update: ")[1].split(", ")
    assert snapshot(db, view, app.uid) == before, "nothing changed"


def test_the_hint_lists_exactly_the_columns_the_app_may_update(app):
    with pytest.raises(psycopg.errors.InsufficientPrivilege) as exc:
        app.run("UPDATE api.users SET email = %s WHERE id = %s", ("x@exemplo.com.br", app.uid))
    assert exc.value.diag.message_hint.endswith(
        "An app may update: name, preferences, voice_enrolled, speaker_embedding_id, metadata.")
    assert "service login" in exc.value.diag.message_detail
    # and each column the hint names really is writable by the app
    assert app.run("UPDATE api.users SET name = %s, preferences = %s, voice_enrolled = %s, metadata = %s WHERE id = %s",
                   ("Ana Souza", '{"idioma": "pt-BR"}', False, '{"canal": "voz"}', app.uid)) == 1


INSERTS = [
    ("conversations", "name", "Voo para Recife", "created_at", PAST),
    ("conversations", "name", "Voo para Recife", "updated_at", PAST),
    ("tasks", "description", "Revisar checklist", "created_at", PAST),
    ("memories", "content", "Gosta de café sem açúcar", "access_count", 7),
    ("memories", "content", "Gosta de café sem açúcar", "last_accessed_at", PAST),
    ("reminders", "title", "Renovar a licença", "updated_at", PAST),
]


@pytest.mark.parametrize("view,col,text,column,value", INSERTS, ids=[f"{v}.{c}" for v, _, _, c, _ in INSERTS])
def test_app_insert_that_sets_a_column_the_database_keeps_names_the_column(db, app, view, col, text, column, value):
    before = snapshot(db, view, app.uid)
    extra = ", scheduled_at" if view == "reminders" else ""
    extra_v = ", now() + interval '2 days'" if view == "reminders" else ""
    with pytest.raises(psycopg.errors.InsufficientPrivilege) as exc:
        app.run(f"INSERT INTO api.{view} ({col}, {column}{extra}) VALUES (%s, %s{extra_v})", (text, value))
    diag = exc.value.diag
    assert diag.message_primary == f'cannot insert into column "{column}" of view api.{view}'
    assert diag.column_name == column
    assert diag.message_hint.startswith(f"Leave {column} out of the INSERT. An app may set: ")
    assert snapshot(db, view, app.uid) == before


def test_an_orm_writing_back_unchanged_values_is_not_refused(db, app):
    row = db.execute("SELECT id, user_id, created_at, updated_at FROM api.conversations WHERE id = %s",
                     (app.conv,)).fetchone()
    # what an ORM's UPDATE of a loaded object looks like: every column, the changed one new
    assert app.run("UPDATE api.conversations SET id = %s, user_id = %s, created_at = %s, updated_at = %s, name = %s "
                   "WHERE id = %s", (*row, "Reuniões de manutenção", app.conv)) == 1
    name, updated_at = db.execute("SELECT name, updated_at FROM api.conversations WHERE id = %s", (app.conv,)).fetchone()
    assert name == "Reuniões de manutenção" and updated_at > row[3], "the database still keeps updated_at"
    m = db.execute("SELECT id, created_at, role::text FROM api.messages WHERE id = %s", (app.msg,)).fetchone()
    assert app.run("UPDATE api.messages SET id = %s, created_at = %s, role = %s, content = %s WHERE id = %s",
                   (*m, "Preciso agendar a manutenção dos aviões", app.msg)) == 1
    email = db.execute("SELECT email FROM api.users WHERE id = %s", (app.uid,)).fetchone()[0]
    assert app.run("UPDATE api.users SET email = %s, name = %s WHERE id = %s", (email, "Ana", app.uid)) == 1


def test_an_insert_that_leaves_the_kept_columns_to_their_defaults_passes(db, app):
    assert app.run("INSERT INTO api.conversations (name) VALUES (%s)", ("Ações corretivas",)) == 1
    assert app.run("INSERT INTO api.memories (content, tier) VALUES (%s, 'long_term')", ("Mora em São Paulo",)) == 1
    assert db.execute("SELECT created_at = updated_at FROM api.conversations WHERE user_id = %s AND name = %s",
                      (app.uid, "Ações corretivas")).fetchone()[0]
    assert db.execute("SELECT access_count, last_accessed_at FROM api.memories WHERE user_id = %s AND content = %s",
                      (app.uid, "Mora em São Paulo")).fetchone() == (0, None)


def test_another_users_rows_stay_invisible_not_named(db, app, make_conversation):
    # the guard does not turn RLS into an oracle: the other user's conversation is simply not there
    theirs = make_conversation(app.other, name="Conversa do Bruno")
    assert app.run("UPDATE api.conversations SET created_at = %s WHERE id = %s", (PAST, theirs)) == 0
    assert db.execute("SELECT created_at <> %s FROM core.conversations WHERE id = %s", (PAST, theirs)).fetchone()[0]


def test_a_service_login_still_changes_what_it_owns(db, app):
    app.svc.execute("UPDATE api.users SET email = %s, is_active = true WHERE id = %s", ("ana.nova@exemplo.com.br", app.uid))
    assert db.execute("SELECT email FROM core.users WHERE id = %s", (app.uid,)).fetchone()[0] == "ana.nova@exemplo.com.br"
    # and a service's column that the service itself may not write is still PostgreSQL's plain refusal
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        app.svc.execute("UPDATE api.messages SET id = gen_random_uuid() WHERE id = %s", (app.msg,))


def test_a_refused_column_refuses_the_whole_statement_over_many_rows(db, app):
    # several rows written in one transaction, the way an app batches them
    with app.pool.connection() as conn:
        conn.execute("SELECT api.act_as(%s)", (app.uid,))
        conn.cursor().executemany("INSERT INTO api.messages (conversation_id, role, content) VALUES (%s, 'assistant', %s)",
                                  [(app.conv, f"Resposta {i}: a manutenção está agendada") for i in range(3)])
    before = snapshot(db, "messages", app.uid)
    assert len(before) == 4
    with pytest.raises(psycopg.errors.InsufficientPrivilege) as exc:
        app.run("UPDATE api.messages SET content = content || %s, created_at = %s WHERE conversation_id = %s",
                (" (revisado)", PAST, app.conv))
    assert exc.value.diag.column_name == "created_at"
    assert snapshot(db, "messages", app.uid) == before, "no row of the statement changed"


def test_counters_kept_by_the_database_still_move_under_the_guard(db, app):
    for i in range(3):
        app.run("INSERT INTO api.messages (conversation_id, role, content) VALUES (%s, 'assistant', %s)",
                (app.conv, f"Resposta {i}: a manutenção está agendada"))
    assert app.run("UPDATE api.conversations SET name = %s WHERE id = %s", ("Manutenção agendada", app.conv)) == 1
    count, last = db.execute("SELECT message_count, last_message_at FROM api.conversations WHERE id = %s",
                             (app.conv,)).fetchone()
    assert count == 4
    assert last >= datetime.now(timezone.utc) - timedelta(minutes=5)
