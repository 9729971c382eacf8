"""Roles and row-level security: the app sees and writes only the rows of app.user_id, through
api only, and cannot change the schema; the service sees every user; read-only reads."""
import psycopg
import pytest

API_VIEWS = ["users", "credentials", "conversations", "messages", "tasks", "open_tasks", "events", "actions",
             "pending_actions", "reminders", "due_reminders", "memories"]
USER_OWNED = ["credentials", "conversations", "messages", "tasks", "events", "actions", "reminders", "memories"]
# user-owned tables apps never address directly (read through the api views)
INTERNAL_USER_OWNED = ["conversation_message_deltas", "imported_conversations", "imported_messages", "search_words"]
# the bulk loader's staging table (0094) has user_id but no row-level security, on purpose: COPY is
# refused into a table with it. No role but the owner reads it (assistant_loader only INSERTs into
# named columns); test_staging_table_is_readable_by_no_role below holds that.
STAGING = ["message_load_staging"]


@pytest.fixture
def two_users(db, make_user, make_conversation, add_messages):
    """Alice and Bob, each with one row in every user-owned table."""
    ids = []
    for name in ("alice", "bob"):
        uid = make_user(name)
        conv = make_conversation(uid)
        add_messages(uid, conv, 2)
        db.execute("INSERT INTO core.credentials (user_id, kind, title, issuer, valid_from) "
                   "VALUES (%s, 'licence', 'PPL', 'ANAC', '2020-01-01')", (uid,))
        task = db.execute("INSERT INTO core.tasks (user_id, description) VALUES (%s, 'x') RETURNING id", (uid,)).fetchone()[0]
        db.execute("INSERT INTO core.events (user_id, task_id, actor, type) VALUES (%s, %s, 'a', 'task.created')", (uid, task))
        db.execute("INSERT INTO core.actions (user_id, conversation_id, type, name) VALUES (%s, %s, 'query', 'x')", (uid, conv))
        db.execute("INSERT INTO core.reminders (user_id, title, scheduled_at) VALUES (%s, 'x', now() - interval '1 hour')", (uid,))
        db.execute("INSERT INTO core.memories (user_id, content) VALUES (%s, 'x')", (uid,))
        db.commit()
        ids.append(uid)
    return ids


@pytest.mark.parametrize("view", API_VIEWS)
def test_app_role_sees_only_its_users_rows(two_users, as_app, view):
    alice, bob = two_users
    rows = as_app(alice).execute(f"SELECT * FROM api.{view}").fetchall()
    assert rows, view
    key = "id" if view == "users" else "user_id"
    assert as_app(alice).execute(f"SELECT bool_and({key} = %s) FROM api.{view}", (alice,)).fetchone()[0]


@pytest.mark.parametrize("table", USER_OWNED)
def test_app_role_cannot_change_or_delete_another_users_rows(two_users, as_app, db, table):
    alice, bob = two_users
    app = as_app(alice)
    column = {"credentials": "title", "conversations": "name", "messages": "content", "tasks": "description",
              "actions": "parameters", "reminders": "title", "memories": "content"}.get(table)
    if column:
        assert app.execute(f"UPDATE api.{table} SET {column} = DEFAULT WHERE user_id = %s", (bob,)).rowcount == 0
    if table != "events":
        assert app.execute(f"DELETE FROM api.{table} WHERE user_id = %s", (bob,)).rowcount == 0
    assert db.execute(f"SELECT count(*) FROM core.{table} WHERE user_id = %s", (bob,)).fetchone()[0] > 0


@pytest.mark.parametrize("table, cols, vals", [
    ("conversations", "user_id, name", ("{bob}", "x")),
    ("tasks", "user_id, description", ("{bob}", "x")),
    ("events", "user_id, actor, type", ("{bob}", "a", "x.y")),
    ("reminders", "user_id, title, scheduled_at", ("{bob}", "x", "2030-01-01")),
    ("memories", "user_id, content", ("{bob}", "x")),
    ("credentials", "user_id, kind, title, issuer, valid_from", ("{bob}", "licence", "x", "y", "2020-01-01")),
])
def test_app_role_cannot_insert_rows_for_another_user(two_users, as_app, table, cols, vals):
    alice, bob = two_users
    vals = [bob if v == "{bob}" else v for v in vals]
    with pytest.raises(psycopg.errors.InsufficientPrivilege) as exc:
        as_app(alice).execute(f"INSERT INTO api.{table} ({cols}) VALUES ({', '.join(['%s'] * len(vals))})", vals)
    assert "row-level security" in exc.value.diag.message_primary


def test_app_role_cannot_move_its_rows_to_another_user(two_users, as_app):
    alice, bob = two_users
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        as_app(alice).execute("UPDATE api.tasks SET user_id = %s", (bob,))


def test_app_role_cannot_name_the_private_schemas(two_users, as_app):
    app = as_app(two_users[0])
    for sql in ("SELECT * FROM core.messages", "SELECT * FROM core.users", "SELECT core.current_user_id()::text || ''",
                "SELECT * FROM maint.partition_policies"):
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            app.execute(sql)


@pytest.mark.parametrize("role", ["assistant_app", "assistant_readonly"])
def test_app_and_readonly_roles_cannot_create_or_drop_anything(connect, make_user, role):
    conn = connect(role=role, user_id=make_user()) if role == "assistant_app" else connect(role=role)
    for sql in ("CREATE TABLE api.t (id int)", "CREATE VIEW api.v AS SELECT 1", "CREATE FUNCTION api.f() RETURNS int "
                "LANGUAGE sql AS 'SELECT 1'", "CREATE TABLE core.t (id int)", "DROP VIEW api.messages",
                "DROP FUNCTION api.search_messages(text, uuid, timestamptz, timestamptz, integer, integer, boolean)",
                "DROP TABLE core.messages", "ALTER TABLE core.messages DISABLE ROW LEVEL SECURITY",
                "ALTER VIEW api.messages RESET (security_invoker)", "TRUNCATE core.messages",
                "CREATE SCHEMA intruder", "CREATE INDEX ON core.messages (content)"):
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(sql)


def test_invalid_app_user_id_is_a_clear_error(two_users, connect):
    conn = connect(role="assistant_app")
    with pytest.raises(psycopg.errors.InvalidTextRepresentation) as exc:
        with conn.transaction():
            conn.execute("SELECT set_config('app.user_id', 'not-a-uuid', true)")
            conn.execute("SELECT * FROM api.conversations")
    assert "app.user_id" in exc.value.diag.message_primary and "api.act_as" in exc.value.diag.message_hint


def test_without_app_user_id_the_app_sees_and_writes_nothing(two_users, connect):
    conn = connect(role="assistant_app")
    for view in API_VIEWS:
        assert conn.execute(f"SELECT count(*) FROM api.{view}").fetchone()[0] == 0, view
    with pytest.raises(psycopg.OperationalError) as exc:  # no user named: a clear error
        conn.execute("INSERT INTO api.conversations (name) VALUES ('x')")
    assert exc.value.sqlstate == "28Y01" and "api.act_as" in exc.value.diag.message_hint


def test_act_as_names_the_user_for_one_transaction(two_users, connect):
    alice, bob = two_users
    conn = connect(role="assistant_app", autocommit=False)
    with conn.transaction():
        conn.execute("SELECT api.act_as(%s)", (alice,))
        assert conn.execute("SELECT id FROM api.users").fetchall() == [(alice,)]
    assert conn.execute("SELECT count(*) FROM api.users").fetchone()[0] == 0
    conn.rollback()


def test_service_role_sees_every_user(two_users, connect):
    service = connect(role="assistant_service")
    for table in USER_OWNED:
        users = service.execute(f"SELECT count(DISTINCT user_id) FROM api.{table}").fetchone()[0]
        assert users == 2, table
    assert service.execute("SELECT count(*) FROM api.users").fetchone()[0] == 2


def test_service_role_ingests_in_bulk_for_any_user(two_users, connect, db):
    alice, _ = two_users
    conv = db.execute("SELECT id FROM core.conversations WHERE user_id = %s", (alice,)).fetchone()[0]
    service = connect(role="assistant_service")
    service.execute("INSERT INTO api.messages (user_id, conversation_id, role, content) "
                    "SELECT %s, %s, 'assistant', 'resposta ' || g FROM generate_series(1, 500) g", (alice, conv))
    assert db.execute("SELECT message_count FROM api.conversations WHERE id = %s", (conv,)).fetchone()[0] == 502
    # services name api only (0055): COPY into a table is not theirs to address (and PostgreSQL
    # refuses COPY FROM under row-level security anyway); bulk loads by COPY run as the owner
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="permission denied for schema core"):
        with service.cursor().copy("COPY core.messages (user_id, conversation_id, role, content) FROM STDIN") as copy:
            copy.write_row((alice, conv, "assistant", "x"))


def test_a_service_copy_of_messages_returns_every_row_or_fails_never_silently_empty(two_users, connect, db):
    # under row-level security PostgreSQL copies `FROM ONLY <table>`, which for the partitioned
    # messages table is always empty: that spelling must fail, and the one that works returns all
    service = connect(role="assistant_service")
    service.autocommit = True
    expected = db.execute("SELECT count(*) FROM core.messages").fetchone()[0]
    assert expected == 4
    for statement, error, words in [
            ("COPY core.messages TO STDOUT", psycopg.errors.InsufficientPrivilege, "permission denied for schema core"),
            ("COPY core.messages (content) TO STDOUT", psycopg.errors.InsufficientPrivilege, "permission denied for schema core"),
            ("COPY api.messages TO STDOUT", psycopg.errors.WrongObjectType, "cannot copy from view")]:
        with pytest.raises(error, match=words):
            with service.cursor().copy(statement) as copy:
                list(copy.rows())
    with service.cursor().copy("COPY (SELECT user_id, content FROM api.messages) TO STDOUT") as copy:
        copy.set_types(["uuid", "text"])
        rows = list(copy.rows())
    assert len(rows) == expected and {r[0] for r in rows} == set(two_users)


def test_personal_reader_reads_every_users_rows_but_cannot_write(two_users, connect):
    pr = connect(role="assistant_personal_reader")
    assert pr.execute("SELECT count(*) FROM api.messages").fetchone()[0] == 4
    assert pr.execute("SELECT count(*) FROM api.users").fetchone()[0] >= 2
    for sql in ("INSERT INTO api.conversations (user_id) VALUES (%s)", "UPDATE api.users SET name = 'x' WHERE id = %s",
                "DELETE FROM api.memories WHERE user_id = %s"):
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            pr.execute(sql, (two_users[0],))


@pytest.mark.parametrize("relation", ["api.users", "api.credentials", "api.conversations", "api.messages", "api.tasks",
                                      "api.events", "api.actions", "api.reminders", "api.memories", "api.audit_trail",
                                      "core.messages", "ops.audit_log", "core.messages_default"])
def test_dashboards_role_reads_no_personal_row(two_users, connect, relation):
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        connect(role="assistant_readonly").execute(f"SELECT * FROM {relation} LIMIT 1")


def test_dashboards_role_reads_the_activity_aggregates(two_users, connect):
    ro = connect(role="assistant_readonly")
    rows = ro.execute("SELECT day, conversations FROM api.conversations_per_day").fetchall()
    assert len(rows) == 30 and sum(r[1] for r in rows) >= 2


def test_every_user_owned_table_follows_the_ownership_rule(db):
    """user_id NOT NULL, first in the primary key and in every unique constraint, row-level security on."""
    rows = db.execute("""
        SELECT c.relname, a.attnotnull, c.relrowsecurity,
               (SELECT bool_and(x.conkey[1] = a.attnum) FROM pg_constraint x
                 WHERE x.conrelid = c.oid AND x.contype IN ('p', 'u')),
               (SELECT count(*) FROM pg_policy p WHERE p.polrelid = c.oid)
          FROM pg_class c
          JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'user_id'
         WHERE c.relnamespace = 'core'::regnamespace AND c.relkind IN ('r', 'p') AND NOT c.relispartition
           AND c.relname <> ALL (%s)""", (STAGING,)).fetchall()
    assert sorted(r[0] for r in rows) == sorted(USER_OWNED + INTERNAL_USER_OWNED)
    for name, notnull, rls, key_first, policies in rows:
        assert notnull and rls and key_first and policies >= 2, name
    # every user-owned table has a policy for the app (its own rows) and one for the service
    missing = db.execute("""
        SELECT c.relname, r.rolname FROM pg_class c CROSS JOIN (VALUES ('assistant_app'), ('assistant_service')) AS r(rolname)
         WHERE c.relnamespace = 'core'::regnamespace AND c.relkind IN ('r', 'p') AND NOT c.relispartition
           AND EXISTS (SELECT FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'user_id')
           AND c.relname <> ALL (%s)
           AND NOT EXISTS (SELECT FROM pg_policy p WHERE p.polrelid = c.oid
                            AND (SELECT oid FROM pg_roles WHERE rolname = r.rolname) = ANY (p.polroles))""",
        (STAGING,)).fetchall()
    assert missing == []
    assert db.execute("SELECT relrowsecurity FROM pg_class WHERE oid = 'core.users'::regclass").fetchone()[0]


def test_foreign_keys_between_user_owned_tables_include_user_id(db):
    rows = db.execute("""
        SELECT x.conname, x.confdeltype, (SELECT attname FROM pg_attribute WHERE attrelid = x.conrelid AND attnum = x.conkey[1])
          FROM pg_constraint x
         WHERE x.contype = 'f' AND x.connamespace = 'core'::regnamespace AND x.conparentid = 0""").fetchall()
    assert rows
    for name, on_delete, first in rows:
        assert first == "user_id", name
        assert on_delete in ("c", "n"), name  # an explicit CASCADE or SET NULL, never the NO ACTION default


def test_api_views_are_security_invoker_and_tables_stay_out_of_api(db):
    rows = db.execute("SELECT relname, relkind, reloptions FROM pg_class WHERE relnamespace = 'api'::regnamespace "
                      "AND relkind IN ('r', 'p', 'v', 'm')").fetchall()
    assert {r[0] for r in rows} >= set(API_VIEWS)
    assert all(r[1] == "v" and "security_invoker=true" in (r[2] or []) for r in rows)


def test_security_definer_functions_of_the_core_pin_their_search_path(db):
    rows = db.execute("SELECT p.oid::regprocedure::text, p.proconfig FROM pg_proc p "
                      "WHERE p.pronamespace IN ('core'::regnamespace, 'api'::regnamespace) AND p.prosecdef").fetchall()
    assert rows
    for name, config in rows:
        assert any(c.startswith("search_path=") and c.endswith("pg_temp") for c in config or []), name


def test_staging_table_is_readable_by_no_role(db):
    """The loader's staging table, the one core table with user_id and no row-level security: no
    package role but the owner may SELECT, UPDATE or DELETE it; assistant_loader may only INSERT."""
    for role in ("assistant_app", "assistant_service", "assistant_readonly", "assistant_personal_reader",
                 "assistant_dba", "assistant_loader"):
        for privilege in ("SELECT", "UPDATE", "DELETE", "TRUNCATE"):
            assert not db.execute("SELECT has_table_privilege(%s, 'core.message_load_staging', %s)",
                                  (role, privilege)).fetchone()[0], (role, privilege)
    assert db.execute("SELECT has_any_column_privilege('assistant_loader', 'core.message_load_staging', 'INSERT')").fetchone()[0]
    assert not db.execute("SELECT has_column_privilege('assistant_loader', 'core.message_load_staging', 'staged_by', 'INSERT')").fetchone()[0]
