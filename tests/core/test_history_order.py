"""History comes back in the order it was written: a turn and its reply in one transaction, the
rows of one multi-row INSERT, COPY, and concurrent writers — written as the app writes them."""
import threading

import psycopg
import pytest

from tests.core.conftest import name_user

HISTORY = "SELECT content FROM api.conversation_history(%s, %s, %s, %s)"


def whole_history(conn, user_id, conv, page: int = 500) -> list[str]:
    """Every message, oldest first, read page by page with the keyset cursor."""
    out, cursor = [], (None, None)
    while True:
        with conn.transaction():
            name_user(conn, user_id)
            rows = conn.execute("SELECT content, created_at, id FROM api.conversation_history(%s, %s, %s, %s)",
                                (conv, *cursor, page)).fetchall()
        if not rows:
            return list(reversed(out))
        out += [r[0] for r in rows]
        cursor = (rows[-1][1], rows[-1][2])


@pytest.fixture
def app_login(db, db_url):
    """A LOGIN role that is only in assistant_app, as an application connects."""
    db.execute("CREATE ROLE order_app LOGIN PASSWORD 'order-app-pw' IN ROLE assistant_app")
    db.commit()
    yield db_url.replace("postgres:", "order_app:", 1).rsplit("@", 1)[0].split("//")[0] + "//order_app:order-app-pw@" + db_url.rsplit("@", 1)[1]
    db.rollback()
    db.execute("DROP OWNED BY order_app")
    db.execute("DROP ROLE order_app")
    db.commit()


def test_200_turn_and_reply_pairs_each_in_one_transaction_come_back_in_writing_order(app_login, make_user, make_conversation):
    uid = make_user()
    conv = make_conversation(uid)
    written = []
    with psycopg.connect(app_login) as app:
        for i in range(200):
            with app.transaction():
                name_user(app, uid)
                app.execute("INSERT INTO api.messages (conversation_id, role, content) VALUES (%s, 'user', %s)",
                            (conv, f"pergunta {i}: qual o METAR de SBGR?"))
                app.execute("INSERT INTO api.messages (conversation_id, role, content) VALUES (%s, 'assistant', %s)",
                            (conv, f"resposta {i}: vento calmo"))
            written += [f"pergunta {i}: qual o METAR de SBGR?", f"resposta {i}: vento calmo"]
        assert whole_history(app, uid, conv, page=37) == written


def test_10000_rows_of_one_multi_row_insert_come_back_in_writing_order(app_login, make_user, make_conversation):
    uid = make_user()
    conv = make_conversation(uid)
    written = [f"linha {i:05d} da importação" for i in range(10_000)]
    with psycopg.connect(app_login) as app:
        with app.transaction():
            name_user(app, uid)
            values = ", ".join(["(%s, 'user', %s)"] * len(written))
            params = [p for content in written for p in (conv, content)]
            app.execute(f"INSERT INTO api.messages (conversation_id, role, content) VALUES {values}", params)
        assert whole_history(app, uid, conv) == written


def test_rows_of_one_copy_come_back_in_writing_order(db, make_user, make_conversation):
    # COPY into a table with row-level security is refused to every role but its owner: the owner loads
    uid = make_user()
    conv = make_conversation(uid)
    written = [f"transcrição {i}" for i in range(2_000)]
    with db.cursor().copy("COPY core.messages (user_id, conversation_id, role, content) FROM STDIN") as copy:
        for content in written:
            copy.write_row((uid, conv, "user", content))
    db.commit()
    got = [r[0] for r in db.execute("SELECT content FROM core.messages WHERE user_id = %s AND conversation_id = %s "
                                    "ORDER BY created_at, id", (uid, conv))]
    assert got == written


def test_concurrent_writers_are_ordered_by_when_each_row_was_written(app_login, make_user, make_conversation):
    """A opens its transaction first and writes one row; B writes and commits; A writes again and
    commits. History: A1, B1, A2 — the order of writing, not of the transactions' starts."""
    uid = make_user()
    conv = make_conversation(uid)
    a = psycopg.connect(app_login)
    b = psycopg.connect(app_login)
    try:
        name_user(a, uid)  # a transaction is open on A from here
        a.execute("INSERT INTO api.messages (conversation_id, role, content) VALUES (%s, 'user', 'A1')", (conv,))
        with b.transaction():
            name_user(b, uid)
            b.execute("INSERT INTO api.messages (conversation_id, role, content) VALUES (%s, 'assistant', 'B1')", (conv,))
        a.execute("INSERT INTO api.messages (conversation_id, role, content) VALUES (%s, 'user', 'A2')", (conv,))
        a.commit()
        assert whole_history(a, uid, conv) == ["A1", "B1", "A2"]
    finally:
        a.close()
        b.close()


def test_writers_in_parallel_threads_lose_no_order_within_their_own_stream(app_login, make_user, make_conversation):
    """Four writers on one conversation: each writer's own messages come back in the order it wrote them."""
    uid = make_user()
    conv = make_conversation(uid)

    def writer(n):
        with psycopg.connect(app_login) as c:
            for i in range(100):
                with c.transaction():
                    name_user(c, uid)
                    c.execute("INSERT INTO api.messages (conversation_id, role, content) VALUES (%s, 'user', %s)",
                              (conv, f"w{n}-{i:03d}"))

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with psycopg.connect(app_login) as c:
        got = whole_history(c, uid, conv)
    assert len(got) == 400
    for n in range(4):
        mine = [x for x in got if x.startswith(f"w{n}-")]
        assert mine == sorted(mine), f"writer {n} out of order"
