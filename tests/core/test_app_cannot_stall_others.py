"""One application session cannot stall the others: it can take no table lock stronger than a
SELECT's, deletes still work through the api views, and an app transaction held open delays
neither another user's writes nor maintenance beyond a bounded time."""
import time
from datetime import datetime, timedelta, timezone

import psycopg
import pytest

VIEWS = ["credentials", "conversations", "messages", "tasks", "events", "actions", "reminders", "memories",
         "users", "dashboards"]
# every mode that blocks other sessions' reads or writes; ROW SHARE and ROW EXCLUSIVE (what
# SELECT FOR UPDATE and a write take themselves) block only these
MODES = ["SHARE UPDATE EXCLUSIVE", "SHARE", "SHARE ROW EXCLUSIVE", "EXCLUSIVE", "ACCESS EXCLUSIVE"]


@pytest.fixture
def app_url(db, db_url):
    db.execute("CREATE ROLE stall_app LOGIN PASSWORD 'stall-app-pw' IN ROLE assistant_app")
    db.commit()
    yield "postgresql://stall_app:stall-app-pw@" + db_url.rsplit("@", 1)[1]
    db.rollback()
    db.execute("DROP OWNED BY stall_app")
    db.execute("DROP ROLE stall_app")
    db.commit()


@pytest.mark.parametrize("view", VIEWS)
def test_the_app_can_take_no_lock_stronger_than_its_writes_take(app_url, make_user, view):
    uid = make_user()
    with psycopg.connect(app_url) as app:
        for mode in MODES:
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                with app.transaction():
                    app.execute("SELECT api.act_as(%s)", (uid,))
                    app.execute(f"LOCK TABLE api.{view} IN {mode} MODE NOWAIT")
        with app.transaction():  # what a SELECT takes is still allowed
            app.execute(f"LOCK TABLE api.{view} IN ACCESS SHARE MODE")


def test_deletes_through_the_views_report_rows_and_return_them(app_url, make_user, make_conversation, add_messages, db):
    ana, bruno = make_user("ana"), make_user("bruno")
    conv, brunos = make_conversation(ana), make_conversation(bruno)
    add_messages(ana, conv, 5, content="mensagem da Ana")
    add_messages(bruno, brunos, 2)
    with psycopg.connect(app_url) as app:
        app.execute("SELECT api.act_as(%s)", (ana,))
        gone = app.execute("DELETE FROM api.messages WHERE conversation_id = %s AND content LIKE '%% 1' RETURNING content",
                           (conv,)).fetchall()
        assert gone == [("mensagem da Ana 1",)]
        assert app.execute("DELETE FROM api.messages WHERE conversation_id = %s", (brunos,)).rowcount == 0
        assert app.execute("DELETE FROM api.messages WHERE conversation_id = %s", (conv,)).rowcount == 4
        assert app.execute("SELECT message_count FROM api.conversations WHERE id = %s", (conv,)).fetchone() == (0,)
        assert app.execute("DELETE FROM api.conversations WHERE id = %s", (brunos,)).rowcount == 0
        assert app.execute("DELETE FROM api.conversations WHERE id = %s", (conv,)).rowcount == 1
        app.commit()
    assert db.execute("SELECT count(*) FROM core.messages WHERE user_id = %s", (bruno,)).fetchone() == (2,)


def test_an_app_transaction_held_open_delays_neither_another_users_insert_nor_maintenance(
        app_url, make_user, make_conversation, add_messages, db_url):
    ana, bruno = make_user("ana"), make_user("bruno")
    convs = {u: make_conversation(u) for u in (ana, bruno)}
    add_messages(ana, convs[ana], 3)
    # a row in a month without a partition: maintenance will want to move it (a lock on the parent)
    six_months_ago = (datetime.now(timezone.utc) - timedelta(days=183)).isoformat()
    add_messages(ana, convs[ana], 1, created_at=six_months_ago)
    holder = psycopg.connect(app_url)
    try:
        # Ana's session does everything an app may do, then keeps its transaction open
        holder.execute("SELECT api.act_as(%s)", (ana,))
        holder.execute("INSERT INTO api.messages (conversation_id, role, content) VALUES (%s, 'user', 'segurando')",
                       (convs[ana],))
        holder.execute("UPDATE api.messages SET metadata = '{\"x\": 1}' WHERE conversation_id = %s", (convs[ana],))
        holder.execute("SELECT * FROM api.conversations FOR UPDATE").fetchall()
        holder.execute("SELECT * FROM api.messages WHERE conversation_id = %s FOR UPDATE", (convs[ana],)).fetchall()
        # Bruno writes at once (a wait would hit the statement timeout)
        with psycopg.connect(app_url) as other:
            other.execute("SET statement_timeout = '2s'")
            other.execute("SELECT api.act_as(%s)", (bruno,))
            other.execute("INSERT INTO api.messages (conversation_id, role, content) VALUES (%s, 'user', 'não espero')",
                          (convs[bruno],))
            other.commit()
        # maintenance finishes in a bounded time (steps it cannot lock are skipped and retried later)
        with psycopg.connect(db_url, autocommit=True) as dba:
            dba.execute("SET statement_timeout = '120s'")
            started = time.monotonic()
            dba.execute("CALL maint.run_maintenance()")
            print(f"run_maintenance next to an open app transaction: {time.monotonic() - started:.1f} s (smoke figure)")
            status, actions = dba.execute("SELECT status, actions FROM maint.maintenance_runs WHERE kind = 'maintenance' "
                                          "ORDER BY id DESC LIMIT 1").fetchone()
            # the move needs the parent, which the open transaction holds: reported skip, retried next run
            assert status == "done" and any(a.get("action") == "skip" for a in actions), actions
    finally:
        holder.rollback()
        holder.close()


def test_an_app_transaction_is_bounded_in_time_and_the_bounds_end_with_it(app_url, db_url, make_user):
    # a login that is only in assistant_app gets the bounds from api.act_as; the next transaction,
    # and the trusted service, keep the server's settings
    uid = make_user()
    show = "SELECT current_setting('statement_timeout'), current_setting('lock_timeout'), " \
           "current_setting('idle_in_transaction_session_timeout')"
    with psycopg.connect(app_url, autocommit=True) as app:
        server = app.execute(show).fetchone()
        with app.transaction():
            app.execute("SELECT api.act_as(%s)", (uid,))
            assert app.execute(show).fetchone() == ("30s", "5s", "1min")
            with pytest.raises(psycopg.errors.QueryCanceled):
                with app.transaction():
                    app.execute("SET LOCAL statement_timeout = '50ms'")   # lower is the app's to choose
                    app.execute("SELECT pg_sleep(1)")
        assert app.execute(show).fetchone() == server
    with psycopg.connect(db_url, autocommit=True) as service:
        service.execute("SET ROLE assistant_service")
        with service.transaction():
            service.execute("SELECT api.act_as(%s)", (uid,))
            assert service.execute(show).fetchone() == server


@pytest.mark.slow
def test_an_app_statement_running_past_its_bound_is_cancelled_at_30_seconds(app_url, db, make_user):
    uid = make_user()
    with psycopg.connect(app_url) as app:
        app.execute("SELECT api.act_as(%s)", (uid,))
        started = time.monotonic()
        with pytest.raises(psycopg.errors.QueryCanceled):
            # a row lock the app holds while a statement runs too long: cancelled at 30 s
            app.execute("UPDATE api.users SET name = 'Ana' WHERE id = %s", (uid,))
            app.execute("SELECT pg_sleep(40)")
        assert 29 < time.monotonic() - started < 38
        app.rollback()


def test_an_app_session_idle_in_its_transaction_is_ended_whatever_timeouts_it_set(app_url, db, db_url, make_user):
    # the bounds api.act_as sets are settings the session may change; the server-side guard
    # (ops.end_stuck_app_sessions, make end-stuck-sessions every minute) ends it anyway
    ana, bruno = make_user(), make_user()
    stuck = psycopg.connect(app_url)
    stuck.execute("SELECT api.act_as(%s)", (ana,))
    stuck.execute("SET LOCAL idle_in_transaction_session_timeout = 0")
    stuck.execute("SET LOCAL statement_timeout = 0")
    stuck.execute("UPDATE api.users SET name = 'Ana presa' WHERE id = %s", (ana,))   # holds the row lock
    service = psycopg.connect(db_url)
    service.execute("SET ROLE assistant_service")
    service.execute("SELECT api.act_as(%s)", (bruno,))       # a trusted session idle in its transaction
    time.sleep(0.5)
    with psycopg.connect(db_url, autocommit=True) as dba:
        dba.execute("SET ROLE assistant_dba")
        ended = dba.execute("SELECT pid, login, reason, ended FROM ops.end_stuck_app_sessions(p_idle => '200 ms')").fetchall()
    assert [(pid, login, ok) for pid, login, _, ok in ended] == [(stuck.info.backend_pid, "stall_app", True)], ended
    assert ended[0][2].startswith("idle in a transaction for")
    with pytest.raises(psycopg.OperationalError):
        stuck.execute("SELECT 1")
    stuck.close()
    # its lock is gone: another writer of that row does not wait
    db.execute("SET lock_timeout = '1s'")
    db.execute("UPDATE core.users SET name = 'Ana' WHERE id = %s", (ana,))
    db.commit()
    assert service.execute("SELECT 1").fetchone() == (1,)       # the service was left alone
    service.close()


def test_only_the_dba_may_end_sessions_and_bad_bounds_are_refused(connect):
    for role in ("assistant_app", "assistant_service", "assistant_readonly"):
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            connect(role=role).execute("SELECT * FROM ops.end_stuck_app_sessions()")
    with pytest.raises(psycopg.errors.InvalidParameterValue, match="p_idle and p_running"):
        connect(role="assistant_dba").execute("SELECT * FROM ops.end_stuck_app_sessions(interval '-1 second')")
