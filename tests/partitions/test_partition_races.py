"""Application writes racing the creation of a partition whose rows wait in the default.

Isolation-test style (PostgreSQL's src/test/isolation): session "maint" runs
maint.attach_partition in an open transaction (rows moved, partition attached, not committed),
session "app" (a login only in assistant_app, through api, bind parameters) starts its statement
and is seen waiting in pg_locks, then maint commits or rolls back and both outcomes are asserted.
Before 0030 an insert dated in the month failed with 23514 (routed to the default before the
move) and an update or delete of a moved row reported 0 rows and was lost."""
import psycopg
import pytest

TEXT = "Olá! A reunião de amanhã às 9h foi remarcada para a sala de conferência?"


@pytest.fixture
def waiting_rows(db, people, month):
    """50 messages of one conversation dated in the current month, whose partition is not there
    yet (dropped here: it is empty, and maintenance makes it on its next run), so they wait in
    core.messages_default. The current month, because that is where an application writes:
    it may date a message only from a week back (22Y08), so a month being created under an
    app's insert is the current or the next one."""
    [(uid, [conv])] = people(1, 1)
    lo, suffix = month(0)
    db.execute(f"DROP TABLE core.messages_p{suffix}")
    db.execute("INSERT INTO core.messages (user_id, conversation_id, created_at, role, content)"
               " SELECT %s, %s, %s::timestamptz + n * interval '1 hour', 'user', %s || ' #' || n"
               " FROM generate_series(1, 50) n", (uid, conv, lo, TEXT))
    ids = [r[0] for r in db.execute("SELECT id FROM core.messages_default WHERE conversation_id = %s ORDER BY created_at",
                                    (conv,)).fetchall()]
    db.commit()
    assert len(ids) == 50
    return {"user": uid, "conversation": conv, "lo": lo, "partition": f"core.messages_p{suffix}", "ids": ids}


def start_move(connect, lo):
    """maint: the move and ATTACH done, its transaction open."""
    maint = connect(autocommit=False)
    rows = maint.execute("SELECT action, rows FROM maint.attach_partition('core.messages', %s)", (lo,)).fetchall()
    assert rows == [("create", 50)]
    return maint


def where(db, message_id):
    row = db.execute("SELECT tableoid::regclass::text FROM core.messages WHERE id = %s", (message_id,)).fetchone()
    db.rollback()
    return row and row[0]


@pytest.mark.parametrize("maint_ends", ["commit", "rollback"])
def test_an_insert_dated_in_the_month_being_created_waits_then_lands_in_its_partition(
        db, connect, app_login, act_as, iso, waiting_rows, maint_ends):
    maint = start_move(connect, waiting_rows["lo"])
    app = app_login()
    act_as(app, waiting_rows["user"])
    insert = iso.Background(lambda: app.execute(
        "INSERT INTO api.messages (conversation_id, role, content) VALUES (%s, 'user', %s)"
        " RETURNING id", (waiting_rows["conversation"], TEXT)).fetchone()[0])
    assert ("core.messages", "RowExclusiveLock") in iso.waiting_for(connect(), app.info.backend_pid)

    getattr(maint, maint_ends)()
    new_id = insert.result()  # never 23514 "violates partition constraint" of messages_default
    app.commit()
    assert where(db, new_id) == (waiting_rows["partition"] if maint_ends == "commit" else "core.messages_default")
    assert db.execute("SELECT message_count FROM core.conversations WHERE id = %s", (waiting_rows["conversation"],)).fetchone()[0] == 51


@pytest.mark.parametrize("maint_ends", ["commit", "rollback"])
def test_an_update_of_a_row_being_moved_applies_to_the_moved_row(db, connect, app_login, act_as, iso, waiting_rows, maint_ends):
    maint = start_move(connect, waiting_rows["lo"])
    app = app_login()
    act_as(app, waiting_rows["user"])
    target = waiting_rows["ids"][7]
    update = iso.Background(lambda: app.execute(
        "UPDATE api.messages SET content = %s WHERE conversation_id = %s AND id = %s",
        ("Corrigido: a reunião é às 10h.", waiting_rows["conversation"], target)).rowcount)
    assert ("core.messages", "RowExclusiveLock") in iso.waiting_for(connect(), app.info.backend_pid)

    getattr(maint, maint_ends)()
    assert update.result() == 1  # not 0: the edit is not lost
    app.commit()
    assert db.execute("SELECT content FROM core.messages WHERE id = %s", (target,)).fetchone()[0] == "Corrigido: a reunião é às 10h."
    assert where(db, target) == (waiting_rows["partition"] if maint_ends == "commit" else "core.messages_default")


@pytest.mark.parametrize("maint_ends", ["commit", "rollback"])
def test_a_delete_of_a_row_being_moved_applies_to_the_moved_row(db, connect, app_login, act_as, iso, waiting_rows, maint_ends):
    maint = start_move(connect, waiting_rows["lo"])
    app = app_login()
    act_as(app, waiting_rows["user"])
    target = waiting_rows["ids"][0]  # the oldest: the conversation's first_message_at moves
    delete = iso.Background(lambda: app.execute(
        "DELETE FROM api.messages WHERE conversation_id = %s AND id = %s", (waiting_rows["conversation"], target)).rowcount)
    # the delete goes through the view's INSTEAD OF trigger (0050), whose scan waits first
    assert {rel for rel, _ in iso.waiting_for(connect(), app.info.backend_pid)} == {"core.messages"}

    getattr(maint, maint_ends)()
    assert delete.result() == 1
    app.commit()
    assert where(db, target) is None
    count, first = db.execute("SELECT message_count, first_message_at FROM core.conversations WHERE id = %s",
                              (waiting_rows["conversation"],)).fetchone()
    assert count == 49
    assert first == db.execute("SELECT min(created_at) FROM core.messages WHERE conversation_id = %s",
                               (waiting_rows["conversation"],)).fetchone()[0]


def test_a_read_during_a_move_waits_and_then_sees_every_row(db, connect, app_login, act_as, iso, waiting_rows):
    # Why the move holds ACCESS EXCLUSIVE on the parent rather than EXCLUSIVE: a read planned
    # before the commit (old partition list: the default, not the new partition) and run after
    # it (the rows gone from the default) would count none of the moved rows.
    maint = start_move(connect, waiting_rows["lo"])
    app = app_login()
    act_as(app, waiting_rows["user"])
    read = iso.Background(lambda: app.execute("SELECT count(*) FROM api.messages WHERE conversation_id = %s",
                                              (waiting_rows["conversation"],)).fetchone()[0])
    assert ("core.messages", "AccessShareLock") in iso.waiting_for(connect(), app.info.backend_pid)
    maint.commit()
    assert read.result() == 50
    app.commit()


def test_an_app_transaction_and_maintenance_never_deadlock(db, connect, app_login, act_as, iso, waiting_rows):
    # The cycle of the fault-injection pass: the app's transaction holds core.conversations (it
    # renamed the conversation) and then deletes a message; maintenance holds core.messages and
    # wants core.conversations (ATTACH clones the foreign key). Maintenance asks for every lock
    # at the start of its transaction under a lock_timeout shorter than deadlock_timeout, so it
    # is maintenance that gives way (skip, retried next run), never the app that gets 40P01.
    app = app_login()
    act_as(app, waiting_rows["user"])
    app.execute("UPDATE api.conversations SET name = %s WHERE id = %s", ("Reunião remarcada", waiting_rows["conversation"]))

    maint = connect()
    maint.execute("SET maint.lock_timeout = '500ms'")
    maint.execute("SET maint.lock_retries = 2")
    attach = iso.Background(lambda: maint.execute(
        "SELECT action, detail FROM maint.attach_partition('core.messages', %s)", (waiting_rows["lo"],)).fetchall())
    observer = connect()
    assert ("core.conversations", "ShareRowExclusiveLock") in iso.waiting_for(observer, maint.info.backend_pid)

    target = waiting_rows["ids"][3]
    delete = iso.Background(lambda: app.execute(
        "DELETE FROM api.messages WHERE conversation_id = %s AND id = %s", (waiting_rows["conversation"], target)).rowcount)
    assert delete.result() == 1  # no psycopg.errors.DeadlockDetected
    [(action, detail)] = attach.result()
    assert action == "skip", detail  # its second try found the parent held by the app's delete
    app.commit()

    # the app's transaction over, the next run creates the partition and moves the 49 rows
    assert maint.execute("SELECT action, rows FROM maint.attach_partition('core.messages', %s)",
                         (waiting_rows["lo"],)).fetchall() == [("create", 49)]
    assert db.execute("SELECT message_count FROM core.conversations WHERE id = %s", (waiting_rows["conversation"],)).fetchone()[0] == 49


def test_a_write_transaction_already_open_makes_the_move_wait_and_skip(db, connect, app_login, act_as, iso, waiting_rows):
    # the other order: the app deleted first (ROW EXCLUSIVE on core.messages held); maintenance
    # waits lock_timeout per try for the parent, holding nothing, then skips
    app = app_login()
    act_as(app, waiting_rows["user"])
    assert app.execute("DELETE FROM api.messages WHERE conversation_id = %s AND id = %s",
                       (waiting_rows["conversation"], waiting_rows["ids"][5])).rowcount == 1
    maint = connect()
    maint.execute("SET maint.lock_timeout = '100ms'")
    maint.execute("SET maint.lock_retries = 2")
    [(action, detail)] = maint.execute("SELECT action, detail FROM maint.attach_partition('core.messages', %s)",
                                       (waiting_rows["lo"],)).fetchall()
    assert action == "skip" and "ACCESS EXCLUSIVE on core.messages not granted in 2 tries" in detail
    assert app.execute("DELETE FROM api.messages WHERE conversation_id = %s AND id = %s",
                       (waiting_rows["conversation"], waiting_rows["ids"][6])).rowcount == 1
    app.commit()
    assert maint.execute("SELECT action, rows FROM maint.attach_partition('core.messages', %s)",
                         (waiting_rows["lo"],)).fetchall() == [("create", 48)]


def test_the_app_login_cannot_switch_off_the_triggers_maintenance_switches_off(app_login):
    app = app_login(autocommit=True)
    for statement in ("ALTER TABLE core.messages_default DISABLE TRIGGER USER",
                      "ALTER TABLE ops.audit_log_default DISABLE TRIGGER audit_log_forbid_change"):
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            app.execute(statement)
