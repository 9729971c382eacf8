"""Users, credentials, and the ownership rule: deleting a user erases everything the user owns."""
import psycopg
import pytest

USER_OWNED = ["credentials", "conversations", "messages", "tasks", "events", "actions", "reminders", "memories"]


def test_email_is_unique_case_insensitively(db, make_user):
    make_user("ana", email="Ana@Example.org")
    with pytest.raises(psycopg.errors.UniqueViolation) as exc:
        make_user("ana2", email="ana@example.ORG")
    assert exc.value.diag.constraint_name == "users_lower_email_idx"


@pytest.mark.parametrize("column, value, error", [
    ("email", "not-an-email", psycopg.errors.CheckViolation),
    ("name", "   ", psycopg.errors.CheckViolation),
    ("roles", "{pilot,astronaut}", psycopg.errors.InvalidTextRepresentation),
    ("preferences", "[1, 2]", psycopg.errors.CheckViolation),
    ("metadata", "42", psycopg.errors.CheckViolation),
])
def test_bad_user_input_is_rejected(db, column, value, error):
    cols = {"name": "bob", "email": "bob@example.org", column: value}
    with pytest.raises(error):
        db.execute(f"INSERT INTO core.users ({', '.join(cols)}) VALUES ({', '.join(['%s'] * len(cols))})",
                   list(cols.values()))


def test_user_holds_several_domain_roles(db, make_user):
    uid = make_user("carla", roles="{pilot,instructor}")
    assert db.execute("SELECT roles::text[] FROM core.users WHERE id = %s", (uid,)).fetchone()[0] == ["pilot", "instructor"]


def test_voice_enrolment_requires_a_speaker_embedding_id(db, make_user):
    uid = make_user()
    with pytest.raises(psycopg.errors.CheckViolation) as exc:
        db.execute("UPDATE core.users SET voice_enrolled = true WHERE id = %s", (uid,))
    assert exc.value.diag.constraint_name == "users_speaker_embedding_id_check"
    db.rollback()
    db.execute("UPDATE core.users SET voice_enrolled = true, speaker_embedding_id = 'vec-123' WHERE id = %s", (uid,))


def test_user_ids_are_uuid_v7_made_by_the_database(db, make_user):
    assert make_user().version == 7


def test_metadata_containment_uses_the_gin_index(db, make_user):
    for i in range(200):
        make_user(metadata=f'{{"tenant": "t{i % 20}"}}')
    db.execute("ANALYZE core.users")
    db.execute("SET LOCAL enable_seqscan = off")
    plan = "\n".join(r[0] for r in db.execute(
        "EXPLAIN SELECT id FROM core.users WHERE metadata @> '{\"tenant\": \"t3\"}'").fetchall())
    assert "users_metadata_idx" in plan


@pytest.mark.parametrize("table", ["users", "credentials", "conversations", "tasks", "actions", "reminders", "memories"])
def test_updated_at_is_maintained(db, make_user, table):
    uid = make_user()
    if table == "users":
        key, change = "id = %s", "name = 'renamed'"
    else:
        key, change = "user_id = %s", {
            "credentials": "title = 'renamed'", "conversations": "name = 'renamed'",
            "tasks": "description = 'renamed'", "actions": "name = 'renamed'", "reminders": "title = 'renamed'",
            "memories": "content = 'renamed'"}[table]
        conv = db.execute("INSERT INTO core.conversations (user_id) VALUES (%s) RETURNING id", (uid,)).fetchone()[0]
        db.execute({
            "credentials": "INSERT INTO core.credentials (user_id, kind, title, issuer, valid_from) VALUES (%(u)s, 'licence', 'PPL', 'ANAC', '2020-01-01')",
            "conversations": "SELECT 1 WHERE %(u)s IS NOT NULL",
            "tasks": "INSERT INTO core.tasks (user_id, description) VALUES (%(u)s, 'do it')",
            "actions": "INSERT INTO core.actions (user_id, conversation_id, type, name) VALUES (%(u)s, %(c)s, 'query', 'metar')",
            "reminders": "INSERT INTO core.reminders (user_id, title, scheduled_at) VALUES (%(u)s, 'x', now() + interval '1 hour')",
            "memories": "INSERT INTO core.memories (user_id, content) VALUES (%(u)s, 'gosta de café')",
        }[table], {"u": uid, "c": conv})
    db.execute(f"UPDATE core.{table} SET updated_at = '2000-01-01' WHERE {key}", (uid,))
    db.commit()
    db.execute(f"UPDATE core.{table} SET {change} WHERE {key}", (uid,))
    assert db.execute(f"SELECT bool_and(updated_at = now()) FROM core.{table} WHERE {key}", (uid,)).fetchone()[0]


def test_credential_validity_cannot_end_before_it_starts(db, make_user):
    uid = make_user()
    with pytest.raises(psycopg.errors.CheckViolation) as exc:
        db.execute("INSERT INTO core.credentials (user_id, kind, title, issuer, valid_from, valid_until) "
                   "VALUES (%s, 'medical', 'CMA 1a classe', 'ANAC', '2025-01-01', '2024-01-01')", (uid,))
    assert exc.value.diag.constraint_name == "credentials_valid_until_check"


def test_credential_kind_outside_the_enum_is_rejected(db, make_user):
    uid = make_user()
    with pytest.raises(psycopg.errors.InvalidTextRepresentation):
        db.execute("INSERT INTO core.credentials (user_id, kind, title, issuer, valid_from) "
                   "VALUES (%s, 'diploma', 'x', 'y', '2025-01-01')", (uid,))


def test_deleting_a_user_removes_everything_the_user_owns(db, make_user, make_conversation, add_messages):
    victim, other = make_user(), make_user()
    for uid in (victim, other):
        conv = make_conversation(uid)
        add_messages(uid, conv, 5)
        msg = db.execute("SELECT created_at, id FROM core.messages WHERE conversation_id = %s LIMIT 1", (conv,)).fetchone()
        task = db.execute("INSERT INTO core.tasks (user_id, conversation_id, description) VALUES (%s, %s, 'briefing') "
                          "RETURNING id", (uid, conv)).fetchone()[0]
        db.execute("INSERT INTO core.events (user_id, conversation_id, task_id, actor, type) "
                   "VALUES (%s, %s, %s, 'planner', 'task.created')", (uid, conv, task))
        db.execute("INSERT INTO core.actions (user_id, conversation_id, message_created_at, message_id, type, name) "
                   "VALUES (%s, %s, %s, %s, 'iot_control', 'lights.on')", (uid, conv, *msg))
        db.execute("INSERT INTO core.reminders (user_id, conversation_id, title, scheduled_at) "
                   "VALUES (%s, %s, 'preflight', now() + interval '1 day')", (uid, conv))
        db.execute("INSERT INTO core.memories (user_id, source_conversation_id, content) VALUES (%s, %s, 'voa de Cessna')",
                   (uid, conv))
        db.execute("INSERT INTO core.credentials (user_id, kind, title, issuer, valid_from) "
                   "VALUES (%s, 'licence', 'PPL', 'ANAC', '2020-01-01')", (uid,))
    db.commit()
    db.execute("DELETE FROM core.users WHERE id = %s", (victim,))
    db.commit()
    for table in USER_OWNED:
        left = db.execute(f"SELECT count(*) FILTER (WHERE user_id = %s), count(*) FROM core.{table}", (victim,)).fetchone()
        assert left[0] == 0, table
        assert left[1] > 0, table  # the other user's rows stay
