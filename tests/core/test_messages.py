"""Conversations and messages: exact counters under every way of writing, the triggers, the
partitioning, and bad input refused with its SQLSTATE."""
import threading

import psycopg
import pytest


def counter(db, conv):
    """(message_count as applications read it, the real number of rows)."""
    return db.execute("SELECT c.message_count, (SELECT count(*) FROM core.messages m "
                      "WHERE m.user_id = c.user_id AND m.conversation_id = c.id) "
                      "FROM api.conversations c WHERE c.id = %s", (conv,)).fetchone()


def test_message_count_after_single_row_inserts(db, make_user, make_conversation):
    uid = make_user()
    conv = make_conversation(uid)
    for i in range(5):
        db.execute("INSERT INTO core.messages (user_id, conversation_id, role, content) VALUES (%s, %s, 'user', %s)",
                   (uid, conv, f"mensagem {i}"))
    db.commit()
    assert counter(db, conv) == (5, 5)


def test_message_count_after_a_10000_row_multi_row_insert(db, make_user, make_conversation):
    uid = make_user()
    conv, other = make_conversation(uid), make_conversation(uid)
    # one statement, two conversations: one UPDATE per conversation
    db.execute("INSERT INTO core.messages (user_id, conversation_id, role, content) "
               "SELECT %s, CASE WHEN g %% 4 = 0 THEN %s ELSE %s END, 'assistant', 'resposta ' || g "
               "FROM generate_series(1, 10000) g", (uid, other, conv))
    db.commit()
    assert counter(db, conv) == (7500, 7500)
    assert counter(db, other) == (2500, 2500)


def test_message_count_after_copy(db, make_user, make_conversation):
    uid = make_user()
    conv = make_conversation(uid)
    with db.cursor().copy("COPY core.messages (user_id, conversation_id, role, content) FROM STDIN") as copy:
        for i in range(1000):
            copy.write_row((uid, conv, "user", f"linha {i}"))
    db.commit()
    assert counter(db, conv) == (1000, 1000)


def test_message_count_after_deletes(db, make_user, make_conversation, add_messages):
    uid = make_user()
    conv = make_conversation(uid)
    add_messages(uid, conv, 100)
    db.execute("DELETE FROM core.messages WHERE conversation_id = %s AND content LIKE '%% 1_'", (conv,))  # 10-19
    db.execute("DELETE FROM core.messages WHERE conversation_id = %s AND content LIKE '%%7'", (conv,))    # 7, 27, ..., 97 (17 is gone)
    db.commit()
    assert counter(db, conv) == (81, 81)
    db.execute("DELETE FROM core.messages WHERE conversation_id = %s", (conv,))
    db.commit()
    assert counter(db, conv) == (0, 0)
    assert db.execute("SELECT last_message_at FROM api.conversations WHERE id = %s", (conv,)).fetchone()[0] is None


@pytest.mark.slow
def test_message_count_survives_concurrent_writers(db, make_user, make_conversation, connect):
    uid = make_user()
    conv = make_conversation(uid)
    writers, per_writer = 8, 100
    barrier = threading.Barrier(writers)
    errors = []

    def write(n):
        try:
            conn = connect(role="assistant_app", user_id=uid)
            barrier.wait()
            for i in range(per_writer):
                if i % 10 == 0:  # some multi-row statements among the single rows
                    conn.execute("INSERT INTO api.messages (conversation_id, role, content) "
                                 "SELECT %s, 'user', 'lote ' || g FROM generate_series(1, 3) g", (conv,))
                else:
                    conn.execute("INSERT INTO api.messages (conversation_id, role, content) VALUES (%s, 'user', %s)",
                                 (conv, f"escritor {n} mensagem {i}"))
        except Exception as exc:  # reported below, in the main thread
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    expected = writers * (per_writer + 2 * (per_writer // 10))
    assert counter(db, conv) == (expected, expected)


def test_last_message_at_and_user_last_interaction_follow_new_messages(db, make_user, make_conversation, add_messages):
    uid = make_user()
    conv = make_conversation(uid)
    add_messages(uid, conv, 1, created_at="2030-01-01 10:00+00")
    add_messages(uid, conv, 1, created_at="2030-01-01 09:00+00")  # older: moves nothing back
    row = db.execute("SELECT c.last_message_at, u.last_interaction_at FROM api.conversations c "
                     "JOIN api.users u ON u.id = c.user_id WHERE c.id = %s", (conv,)).fetchone()
    assert [str(t) for t in row] == ["2030-01-01 10:00:00+00:00"] * 2


def test_conversation_agents_collect_the_agents_of_its_messages(db, make_user, make_conversation):
    uid = make_user()
    conv = make_conversation(uid)
    db.execute("INSERT INTO core.messages (user_id, conversation_id, role, content, agent) VALUES "
               "(%(u)s, %(c)s, 'assistant', 'a', 'weather'), (%(u)s, %(c)s, 'assistant', 'b', 'planner'), "
               "(%(u)s, %(c)s, 'user', 'c', NULL)", {"u": uid, "c": conv})
    db.execute("INSERT INTO core.messages (user_id, conversation_id, role, content, agent) "
               "VALUES (%s, %s, 'tool', 'd', 'weather')", (uid, conv))
    assert db.execute("SELECT agents FROM core.conversations WHERE id = %s", (conv,)).fetchone()[0] == ["planner", "weather"]


def test_duration_follows_ended_at(db, make_user, make_conversation):
    uid = make_user()
    conv = make_conversation(uid, started_at="2030-01-01 10:00+00")
    assert db.execute("SELECT duration FROM core.conversations WHERE id = %s", (conv,)).fetchone()[0] is None
    db.execute("UPDATE core.conversations SET is_active = false, ended_at = '2030-01-01 10:42:30+00' WHERE id = %s", (conv,))
    assert str(db.execute("SELECT duration FROM core.conversations WHERE id = %s", (conv,)).fetchone()[0]) == "0:42:30"


def test_an_ended_conversation_cannot_stay_active_or_end_before_it_started(db, make_user, make_conversation):
    uid = make_user()
    conv = make_conversation(uid, started_at="2030-01-01 10:00+00")
    for change in ("ended_at = '2030-01-01 11:00+00'", "is_active = false, ended_at = '2029-12-31 10:00+00'"):
        with pytest.raises(psycopg.errors.CheckViolation) as exc:
            db.execute(f"UPDATE core.conversations SET {change} WHERE id = %s", (conv,))
        assert exc.value.diag.constraint_name == "conversations_ended_at_check"
        db.rollback()


def test_messages_are_partitioned_by_month_with_a_default_partition(db, make_user, make_conversation, add_messages):
    uid = make_user()
    conv = make_conversation(uid)
    add_messages(uid, conv, 1, content="now")
    add_messages(uid, conv, 1, content="future", created_at="2099-06-15 12:00+00")  # no partition that far ahead
    add_messages(uid, conv, 1, content="past", created_at="1999-06-15 12:00+00")
    rows = dict(db.execute("SELECT content, tableoid::regclass::text FROM core.messages WHERE conversation_id = %s "
                           "ORDER BY created_at", (conv,)).fetchall())
    parts = sorted(rows.values())
    assert parts.count("core.messages_default") == 2
    assert any(p.startswith("core.messages_p") for p in parts)
    assert db.execute("SELECT partition_interval FROM maint.partition_policies WHERE parent = 'core.messages'::regclass"
                      ).fetchone()[0] == "month"


def test_search_vector_is_generated_accent_insensitive(db, make_user, make_conversation, add_messages):
    uid = make_user()
    conv = make_conversation(uid)
    add_messages(uid, conv, 1, content="Reunião às 10h com o instrutor")
    assert db.execute("SELECT search_vector @@ websearch_to_tsquery('core.portuguese_unaccent', 'reuniao instrutor') "
                      "FROM core.messages WHERE conversation_id = %s", (conv,)).fetchone()[0]


@pytest.mark.parametrize("column, value, error", [
    ("role", "robot", psycopg.errors.InvalidTextRepresentation),
    ("content", "", psycopg.errors.CheckViolation),
    ("content", "   \n ", psycopg.errors.CheckViolation),
    ("content", None, psycopg.errors.NotNullViolation),
    ("confidence", 1.5, psycopg.errors.CheckViolation),
    ("confidence", -0.1, psycopg.errors.CheckViolation),
    ("latency_ms", -1, psycopg.errors.CheckViolation),
    ("audio_duration_ms", -5, psycopg.errors.CheckViolation),
    ("parts", '{"not": "an array"}', psycopg.errors.CheckViolation),
    ("metadata", "[]", psycopg.errors.CheckViolation),
    ("agent", "", psycopg.errors.CheckViolation),
])
def test_bad_message_input_is_rejected(db, make_user, make_conversation, column, value, error):
    uid = make_user()
    conv = make_conversation(uid)
    cols = {"user_id": uid, "conversation_id": conv, "role": "user", "content": "ok", column: value}
    with pytest.raises(error):
        db.execute(f"INSERT INTO core.messages ({', '.join(cols)}) VALUES ({', '.join(['%s'] * len(cols))})",
                   list(cols.values()))


@pytest.mark.parametrize("column, value", [("satisfaction_score", 1.5), ("satisfaction_score", -0.5),
                                           ("name", " "), ("metadata", '"x"')])
def test_bad_conversation_input_is_rejected(db, make_user, column, value):
    uid = make_user()
    with pytest.raises(psycopg.errors.CheckViolation) as exc:
        db.execute(f"INSERT INTO core.conversations (user_id, {column}) VALUES (%s, %s)", (uid, value))
    assert exc.value.diag.constraint_name == f"conversations_{column}_check"


def test_a_message_for_another_users_conversation_is_rejected(db, make_user, make_conversation):
    alice, bob = make_user(), make_user()
    bobs = make_conversation(bob)
    with pytest.raises(psycopg.errors.ForeignKeyViolation) as exc:
        db.execute("INSERT INTO core.messages (user_id, conversation_id, role, content) VALUES (%s, %s, 'user', 'oi')",
                   (alice, bobs))
    assert exc.value.diag.constraint_name == "messages_user_id_conversation_id_fkey"


def test_app_cannot_post_into_another_users_conversation(make_user, make_conversation, as_app):
    alice, bob = make_user(), make_user()
    bobs = make_conversation(bob)
    app = as_app(alice)
    # user_id defaults to app.user_id: the composite foreign key finds no (alice, bobs) conversation
    with pytest.raises(psycopg.errors.ForeignKeyViolation):
        app.execute("INSERT INTO api.messages (conversation_id, role, content) VALUES (%s, 'user', 'oi')", (bobs,))
    # naming bob explicitly: row-level security refuses the row
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        app.execute("INSERT INTO api.messages (user_id, conversation_id, role, content) VALUES (%s, %s, 'user', 'oi')",
                    (bob, bobs))


def test_app_cannot_write_the_maintained_counters(make_user, make_conversation, as_app):
    uid = make_user()
    conv = make_conversation(uid)
    app = as_app(uid)
    # computed when read (the row's count plus pending deltas): the error names the column
    for column in ("message_count", "last_message_at"):
        with pytest.raises(psycopg.errors.FeatureNotSupported, match=f'column "{column}" of view "conversations"'):
            app.execute(f"UPDATE api.conversations SET {column} = DEFAULT WHERE id = %s", (conv,))
    # computed when read: not a column of any table
    with pytest.raises(psycopg.errors.FeatureNotSupported):
        app.execute("UPDATE api.users SET last_interaction_at = now()")


def test_message_keys_cannot_be_moved_by_the_app(make_user, make_conversation, as_app, add_messages):
    uid = make_user()
    conv, other = make_conversation(uid), make_conversation(uid)
    add_messages(uid, conv, 1)
    app = as_app(uid)
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        app.execute("UPDATE api.messages SET conversation_id = %s WHERE conversation_id = %s", (other, conv))


def test_app_writes_and_reads_through_api_views(make_user, as_app):
    uid = make_user()
    app = as_app(uid)
    conv = app.execute("INSERT INTO api.conversations (name) VALUES ('Briefing SBSP') RETURNING id").fetchone()[0]
    app.execute("INSERT INTO api.messages (conversation_id, role, content, confidence, intent) "
                "VALUES (%s, 'user', 'Qual o METAR de Congonhas?', 0.93, 'weather.metar')", (conv,))
    app.execute("INSERT INTO api.messages (conversation_id, role, content, latency_ms, agent) "
                "VALUES (%s, 'assistant', 'SBSP 221200Z 16005KT CAVOK', 850, 'weather')", (conv,))
    row = app.execute("SELECT user_id, message_count, agents, last_activity_at IS NOT NULL FROM api.conversations "
                      "WHERE id = %s", (conv,)).fetchone()
    assert row == (uid, 2, ["weather"], True)
