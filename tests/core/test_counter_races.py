"""Conversation counters and bounds under every interleaving of inserts and deletes, orchestrated
deterministically (session A holds its transaction, session B acts and is observed waiting or
not, A commits), plus a bounded randomized soak with a checker. The model is PostgreSQL's
isolation tests: one test per permutation, named for it."""
import random
import threading
import time

import psycopg
import pytest

from tests.core.conftest import name_user

from datetime import datetime, timedelta, timezone

# an hour ago: applications may date a message up to 7 days back (0052)
T0 = (datetime.now(timezone.utc) - timedelta(hours=1)).isoformat()


def wait_until_blocked(observer, pid, timeout=10.0):
    """Poll pg_stat_activity until backend pid waits on a lock (never a bare sleep race)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        row = observer.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", (pid,)).fetchone()
        if row and row[0] == "Lock":
            return
        time.sleep(0.01)
    raise AssertionError(f"backend {pid} never waited on a lock")


def state(db, conv):
    """What applications read (api.conversations) next to the truth (the messages themselves)."""
    return db.execute(
        "SELECT c.message_count, c.last_message_at, (SELECT count(*) FROM core.messages m WHERE m.conversation_id = c.id),"
        "       (SELECT max(m.created_at) FROM core.messages m WHERE m.conversation_id = c.id)"
        "  FROM api.conversations c WHERE c.id = %s", (conv,)).fetchone()


def history(db, uid, conv):
    with db.transaction():
        name_user(db, uid)
        return [r[0] for r in db.execute("SELECT content FROM api.conversation_history(%s)", (conv,))]


@pytest.fixture
def sessions(db_url):
    """Two application sessions (SET ROLE assistant_app) and an observer, each its own connection."""
    opened = []

    def _open(role="assistant_app"):
        # autocommit: a test opens a transaction with BEGIN (or conn.transaction()) when it holds one
        c = psycopg.connect(db_url, autocommit=True)
        c.execute(f"SET ROLE {role}")
        opened.append(c)
        return c

    yield _open
    for c in opened:
        c.close()


def insert(conn, conv, content, at):
    conn.execute("INSERT INTO api.messages (conversation_id, role, content, created_at) VALUES (%s, 'user', %s, %s::timestamptz)",
                 (conv, content, at))


def test_delete_of_the_newest_waits_for_an_open_insert_and_then_sees_it(db, make_user, make_conversation, sessions):
    """A inserts T+2m and holds; B deletes the newest (T+3m) and waits; A commits; B commits.
    Before the fix: last_message_at = T+1m and history showed 1 of 2 messages."""
    uid = make_user()
    conv = make_conversation(uid)
    db.execute("INSERT INTO core.messages (user_id, conversation_id, role, content, created_at) VALUES "
               "(%(u)s, %(c)s, 'user', 'T+1m', %(t)s::timestamptz + interval '1 minute'),"
               "(%(u)s, %(c)s, 'user', 'T+3m', %(t)s::timestamptz + interval '3 minutes')", {"u": uid, "c": conv, "t": T0})
    db.commit()
    a, b, observer = sessions(), sessions(), sessions("postgres")
    a.execute("BEGIN")
    name_user(a, uid)
    a.execute("INSERT INTO api.messages (conversation_id, role, content, created_at) "
              "VALUES (%s, 'user', 'T+2m', %s::timestamptz + interval '2 minutes')", (conv, T0))
    done = threading.Event()

    def delete_newest():
        with b.transaction():
            name_user(b, uid)
            b.execute("DELETE FROM api.messages WHERE conversation_id = %s AND content = 'T+3m'", (conv,))
        done.set()

    t = threading.Thread(target=delete_newest)
    t.start()
    wait_until_blocked(observer, b.info.backend_pid)
    assert not done.is_set()
    a.execute("COMMIT")
    t.join(10)
    assert done.is_set()
    count, last, real_count, real_last = state(db, conv)
    assert (count, last) == (real_count, real_last) == (2, real_last)
    assert history(db, uid, conv) == ["T+2m", "T+1m"]


def test_insert_while_a_delete_holds_the_conversation_does_not_wait(db, make_user, make_conversation, sessions):
    """B deletes the newest and holds; A inserts T+2m: it does not wait (its counts go to a pending
    delta) and commits; B commits. Bounds and count are exact; history shows both."""
    uid = make_user()
    conv = make_conversation(uid)
    db.execute("INSERT INTO core.messages (user_id, conversation_id, role, content, created_at) VALUES "
               "(%(u)s, %(c)s, 'user', 'T+1m', %(t)s::timestamptz + interval '1 minute'),"
               "(%(u)s, %(c)s, 'user', 'T+3m', %(t)s::timestamptz + interval '3 minutes')", {"u": uid, "c": conv, "t": T0})
    db.commit()
    a, b = sessions(), sessions()
    b.execute("BEGIN")
    name_user(b, uid)
    assert b.execute("DELETE FROM api.messages WHERE conversation_id = %s AND content = 'T+3m'", (conv,)).rowcount == 1
    a.execute("SET statement_timeout = '5s'")  # a wait would fail the test instead of hanging it
    with a.transaction():
        name_user(a, uid)
        a.execute("INSERT INTO api.messages (conversation_id, role, content, created_at) "
                  "VALUES (%s, 'user', 'T+2m', %s::timestamptz + interval '2 minutes')", (conv, T0))
    assert db.execute("SELECT count(*) FROM core.conversation_message_deltas WHERE conversation_id = %s", (conv,)).fetchone()[0] == 1
    b.execute("COMMIT")
    count, last, real_count, real_last = state(db, conv)
    assert (count, last) == (real_count, real_last) and count == 2
    assert history(db, uid, conv) == ["T+2m", "T+1m"]


def test_two_writers_of_one_conversation_do_not_wait_for_each_other(db, make_user, make_conversation, sessions):
    uid = make_user()
    conv = make_conversation(uid)
    a, b = sessions(), sessions()
    a.execute("BEGIN")
    name_user(a, uid)
    a.execute("INSERT INTO api.messages (conversation_id, role, content) VALUES (%s, 'user', 'de A')", (conv,))
    b.execute("SET statement_timeout = '5s'")
    with b.transaction():
        name_user(b, uid)
        b.execute("INSERT INTO api.messages (conversation_id, role, content, agent) VALUES (%s, 'assistant', 'de B', 'meteo')", (conv,))
    assert state(db, conv)[0] == 1  # B's count is visible at once, A's not yet
    a.execute("COMMIT")
    count, last, real_count, real_last = state(db, conv)
    assert (count, last) == (real_count, real_last) == (2, real_last)
    assert db.execute("SELECT agents FROM api.conversations WHERE id = %s", (conv,)).fetchone()[0] == ["meteo"]
    # the next writer that gets the row folds the pending delta into it
    with a.transaction():
        name_user(a, uid)
        insert(a, conv, "de novo", (datetime.now(timezone.utc) - timedelta(minutes=1)).isoformat())
    assert db.execute("SELECT count(*) FROM core.conversation_message_deltas WHERE conversation_id = %s", (conv,)).fetchone()[0] == 0
    assert db.execute("SELECT message_count, agents FROM core.conversations WHERE id = %s", (conv,)).fetchone() == (3, ["meteo"])


def test_multi_user_inserts_in_opposite_orders_do_not_deadlock(db, make_user, make_conversation, sessions):
    """A (service) holds both conversations after one multi-user INSERT; B inserts into both in the
    other order in one statement: it does not wait at all, so it cannot deadlock."""
    u1, u2 = make_user(), make_user()
    c1, c2 = make_conversation(u1), make_conversation(u2)
    a, b = sessions("assistant_service"), sessions("assistant_service")
    a.execute("BEGIN")
    a.execute("INSERT INTO api.messages (user_id, conversation_id, role, content) VALUES (%s, %s, 'user', 'a1'), (%s, %s, 'user', 'a2')",
              (u1, c1, u2, c2))
    b.execute("SET statement_timeout = '5s'")
    b.execute("INSERT INTO api.messages (user_id, conversation_id, role, content) VALUES (%s, %s, 'user', 'b2'), (%s, %s, 'user', 'b1')",
              (u2, c2, u1, c1))
    a.execute("COMMIT")
    for conv in (c1, c2):
        count, last, real_count, real_last = state(db, conv)
        assert (count, last) == (real_count, real_last) and count == 2


def test_deletes_of_two_conversations_lock_them_in_one_order(db, make_user, make_conversation, add_messages, sessions):
    """A deletes from the first conversation (by key order) and holds it; B deletes from both in one
    statement and waits on the first without holding the second; A then deletes from the second
    (free) and commits; B completes. With locks taken in statement order B could hold the second
    and A would deadlock."""
    u = make_user()
    c1, c2 = sorted([make_conversation(u), make_conversation(u)])
    add_messages(u, c1, 3)
    add_messages(u, c2, 3)
    a, b, observer = sessions("assistant_service"), sessions("assistant_service"), sessions("postgres")
    a.execute("BEGIN")
    a.execute("DELETE FROM api.messages WHERE conversation_id = %s AND content LIKE '%% 1'", (c1,))
    errors = []

    def delete_both():
        try:
            # rows of c2 first in the statement's own order
            b.execute("DELETE FROM api.messages WHERE (conversation_id = %s AND content LIKE '%% 2') "
                      "OR (conversation_id = %s AND content LIKE '%% 2')", (c2, c1))
        except Exception as exc:  # a deadlock would land here
            errors.append(exc)

    t = threading.Thread(target=delete_both)
    t.start()
    wait_until_blocked(observer, b.info.backend_pid)
    a.execute("SET lock_timeout = '5s'")
    a.execute("DELETE FROM api.messages WHERE conversation_id = %s AND content LIKE '%% 3'", (c2,))
    a.execute("COMMIT")
    t.join(10)
    assert errors == []
    for conv in (c1, c2):
        count, last, real_count, real_last = state(db, conv)
        assert (count, last) == (real_count, real_last) == (1, real_last)


def test_history_returns_messages_dated_plus_and_minus_infinity(db, make_user, make_conversation, add_messages):
    uid = make_user()
    conv = make_conversation(uid)
    add_messages(uid, conv, 1, content="agora")
    add_messages(uid, conv, 1, content="sempre", created_at="infinity")
    add_messages(uid, conv, 1, content="nunca", created_at="-infinity")
    assert history(db, uid, conv) == ["sempre 1", "agora 1", "nunca 1"]


DAYS_AGO_3 = (datetime.now(timezone.utc) - timedelta(days=3)).isoformat()
DAYS_AGO_6 = (datetime.now(timezone.utc) - timedelta(days=6)).isoformat()


@pytest.mark.slow
def test_soak_random_inserts_and_deletes_keep_counts_and_bounds_exact(db, db_url, make_user, make_conversation):
    """8 writers for a bounded time, inserting (single rows and batches, some with old dates) and
    deleting (random rows, often the newest) in 4 conversations of 2 users; then every counter and
    bound equals the messages, the writers' own tally equals the rows, and history shows them all."""
    users = [make_user(), make_user()]
    convs = [(u, make_conversation(u)) for u in users for _ in range(2)]
    tally = {c: 0 for _, c in convs}
    lock = threading.Lock()
    errors = []
    stop = time.monotonic() + 8

    def writer(seed):
        rnd = random.Random(seed)
        conn = psycopg.connect(db_url)
        conn.execute("SET ROLE assistant_app")
        conn.commit()
        try:
            while time.monotonic() < stop:
                uid, conv = rnd.choice(convs)
                try:
                    with conn.transaction():
                        name_user(conn, uid)
                        if rnd.random() < 0.6:
                            n = rnd.choice([1, 1, 1, 3])
                            at = rnd.choice(["now", DAYS_AGO_3, DAYS_AGO_6])
                            conn.execute("INSERT INTO api.messages (conversation_id, role, content, created_at) "
                                         "SELECT %s, 'user', 'soak ' || g, CASE WHEN %s = 'now' THEN clock_timestamp() "
                                         "ELSE %s::timestamptz + g * interval '1 second' END FROM generate_series(1, %s) g",
                                         (conv, at, at if at != "now" else None, n))
                            delta = n
                        else:
                            order = rnd.choice(["created_at DESC, id DESC", "created_at, id", "random()"])
                            cur = conn.execute(
                                "DELETE FROM api.messages WHERE (conversation_id, created_at, id) IN ("
                                f"SELECT conversation_id, created_at, id FROM api.messages WHERE conversation_id = %s ORDER BY {order} LIMIT 1)",
                                (conv,))
                            delta = -cur.rowcount
                    with lock:
                        tally[conv] += delta
                except psycopg.errors.DeadlockDetected as exc:
                    errors.append(exc)
        finally:
            conn.close()

    threads = [threading.Thread(target=writer, args=(s,)) for s in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    for uid, conv in convs:
        count, last, real_count, real_last = state(db, conv)
        assert (count, last) == (real_count, real_last), conv
        assert count == tally[conv]
        first = db.execute("SELECT least(c.first_message_at, (SELECT min(first_message_at) FROM core.conversation_message_deltas d "
                           "WHERE d.conversation_id = c.id)), (SELECT min(created_at) FROM core.messages m WHERE m.conversation_id = c.id) "
                           "FROM core.conversations c WHERE c.id = %s", (conv,)).fetchone()
        assert first[0] == first[1]
        with db.transaction():
            name_user(db, uid)
            n = db.execute("SELECT count(*) FROM api.conversation_history(%s, NULL, NULL, 500)", (conv,)).fetchone()[0]
        assert n == min(real_count, 500)
