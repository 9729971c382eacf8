"""Checksums, the migrations lock, timeouts and failing migrations."""
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import psycopg

from helpers import spawn, wait_for_lock_holder

ROOT = Path(__file__).resolve().parents[2]


def applied_ids(url):
    with psycopg.connect(url) as c:
        return [r[0] for r in c.execute("SELECT migration_id FROM _yoyo_migration ORDER BY migration_id")]


# ---- checksums -----------------------------------------------------------------------------
def test_apply_refuses_when_an_applied_migration_was_edited(add_migration, run, project):
    mid = add_migration(project, "create_a", "CREATE TABLE core.a (id int);", "DROP TABLE core.a;")
    assert run("apply").code == 0
    path = project / "migrations" / f"{mid}.sql"
    path.write_text(path.read_text().replace("(id int)", "(id bigint)"))
    r = run("apply")
    assert r.code == 8, r.text
    assert f"migrations/{mid}.sql" in r.err and "checksum mismatch" in r.err
    assert "--accept-changed" in r.err
    r = run("verify")
    assert r.code == 8 and f"{mid}.sql" in r.err


def test_accept_changed_records_the_new_checksum(add_migration, run, project, empty_db):
    mid = add_migration(project, "create_a", "CREATE TABLE core.a (id int);", "DROP TABLE core.a;")
    assert run("apply").code == 0
    path = project / "migrations" / f"{mid}.sql"
    path.write_text(path.read_text() + "\n-- a comment added after the fact\n")
    r = run("apply", "--accept-changed", mid)
    assert r.code == 0, r.text
    assert "accepted" in r.out
    assert run("verify").code == 0
    assert run("apply").code == 0


def test_checksums_are_recorded_for_migrations_applied_by_plain_yoyo(run, empty_db):
    assert run("apply").code == 0
    with psycopg.connect(empty_db, autocommit=True) as c:
        c.execute("DELETE FROM public._assistant_db_checksum")
    r = run("apply")
    assert r.code == 0 and "recorded the checksum" in r.out
    with psycopg.connect(empty_db) as c:
        assert c.execute("SELECT count(*) FROM public._assistant_db_checksum").fetchone()[0] == len(applied_ids(empty_db))


# ---- failing migrations -------------------------------------------------------------------------
def test_a_failing_migration_leaves_no_trace(add_migration, run, project, empty_db):
    assert run("apply").code == 0
    mid = add_migration(project, "create_broken",
                        "CREATE TABLE core.a (id int PRIMARY KEY);\n"
                        "INSERT INTO core.a VALUES (1);\n"
                        "INSERT INTO core.a VALUES (1);\n"
                        "CREATE TABLE core.b (id int);",
                        "DROP TABLE core.b;\nDROP TABLE core.a;")
    r = run("apply")
    assert r.code == 6, r.text
    assert f"migrations/{mid}.sql" in r.err
    assert "line 6: INSERT INTO core.a VALUES (1);" in r.err
    assert "23505" in r.err and "duplicate key" in r.err
    assert "Traceback" not in r.text
    with psycopg.connect(empty_db) as c:
        assert c.execute("SELECT to_regclass('core.a')").fetchone()[0] is None
        assert mid not in applied_ids(empty_db)
        assert c.execute("SELECT count(*) FROM public._assistant_db_checksum WHERE migration_id = %s",
                         (mid,)).fetchone()[0] == 0


def test_lock_timeout_stops_a_migration_queued_behind_a_long_transaction(add_migration, run, project, empty_db):
    assert run("apply").code == 0
    with psycopg.connect(empty_db, autocommit=True) as c:
        c.execute("CREATE TABLE core.busy (id int)")
        c.execute("ALTER TABLE core.busy OWNER TO assistant_owner")
    add_migration(project, "alter_busy", "ALTER TABLE core.busy ADD COLUMN v text;",
                  "ALTER TABLE core.busy DROP COLUMN v;")
    holder = psycopg.connect(empty_db)
    try:
        holder.execute("SELECT * FROM core.busy")  # an open transaction holds ACCESS SHARE
        started = time.monotonic()
        r = run("--lock-timeout", "1s", "--lock-retries", "2", "apply")
        assert r.code == 6, r.text
        assert "55P03" in r.err and "lock_timeout" in r.err and "2 retries" in r.err
        assert "retry 1 of 2" in r.out and "retry 2 of 2" in r.out
        assert time.monotonic() - started < 60
    finally:
        holder.close()


def test_statement_timeout_is_applied(add_migration, run, project):
    add_migration(project, "sleep_long", "SELECT pg_sleep(5);", "")
    r = run("--statement-timeout", "500ms", "apply")
    assert r.code == 6 and "57014" in r.err, r.text


def test_invalid_timeout_is_a_usage_error(run):
    r = run("--lock-timeout", "soon", "apply")
    assert r.code == 2 and "invalid lock_timeout" in r.err


# ---- the migrations lock ---------------------------------------------------------------------------
def test_concurrent_applies_serialise(add_migration, run, project, empty_db):
    add_migration(project, "slow_counter",
                  "CREATE TABLE core.counter (n int);\nSELECT pg_sleep(2);\nINSERT INTO core.counter VALUES (1);",
                  "DROP TABLE core.counter;")
    first = spawn(project, empty_db, "apply")
    wait_for_lock_holder(empty_db)
    second = spawn(project, empty_db, "apply")
    out1, err1 = first.communicate(timeout=120)
    out2, err2 = second.communicate(timeout=120)
    assert first.returncode == 0, err1
    assert second.returncode == 0, err2
    assert "waiting for the migrations lock" in out2
    assert "up to date" in out2  # the second found the work done
    with psycopg.connect(empty_db) as c:
        assert c.execute("SELECT count(*) FROM core.counter").fetchone()[0] == 1


def test_a_killed_runner_does_not_block_the_next_one(add_migration, run, project, empty_db):
    assert run("apply").code == 0
    mid = add_migration(project, "slow_table", "CREATE TABLE core.slow (id int);\nSELECT pg_sleep(60);",
                        "DROP TABLE core.slow;")
    victim = spawn(project, empty_db, "apply")
    wait_for_lock_holder(empty_db)
    time.sleep(0.5)  # inside the migration's transaction, sleeping
    os.kill(victim.pid, signal.SIGKILL)
    victim.wait()
    fast = project / "migrations" / f"{mid}.sql"
    fast.write_text(fast.read_text().replace("pg_sleep(60)", "pg_sleep(0)"))
    started = time.monotonic()
    r = run("--lock-wait", "20", "apply")
    assert r.code == 0, r.text
    assert f"applied  {mid}" in r.out
    assert time.monotonic() - started < 20


def test_lock_wait_timeout_names_the_holder(add_migration, run, project, empty_db):
    add_migration(project, "slow", "SELECT pg_sleep(5);", "")
    first = spawn(project, empty_db, "apply")
    try:
        wait_for_lock_holder(empty_db)
        r = run("--lock-wait", "0.5", "apply")
        assert r.code == 9, r.text
        assert "another runner holds the migrations lock" in r.err and "pg_terminate_backend" in r.err
    finally:
        first.communicate(timeout=60)


# ---- the lock no application can take -------------------------------------------------------------
def _app_login(url, name):
    """A login that is only in assistant_app, as an application connects (roles are cluster-wide)."""
    with psycopg.connect(url, autocommit=True) as c:
        c.execute(f"DROP ROLE IF EXISTS {name}")
        c.execute(f"CREATE ROLE {name} LOGIN PASSWORD 'app-secret' IN ROLE assistant_app")
    return f"postgresql://{name}:app-secret@" + url.split("@", 1)[1]


def _drop_role(url, name):
    with psycopg.connect(url, autocommit=True) as c:
        c.execute(f"DROP ROLE IF EXISTS {name}")


def test_an_application_role_can_neither_take_nor_block_the_migrations_lock(add_migration, run, project, empty_db):
    assert run("apply").code == 0  # creates public._assistant_db_lock
    role = f"lock_probe_{os.getpid()}"
    app_url = _app_login(empty_db, role)
    app = psycopg.connect(app_url)
    try:
        for mode in ("ACCESS SHARE", "ROW EXCLUSIVE", "SHARE UPDATE EXCLUSIVE", "ACCESS EXCLUSIVE"):
            try:
                app.execute(f"LOCK TABLE public._assistant_db_lock IN {mode} MODE")
                raise AssertionError(f"{role} took the migrations lock in {mode} mode")
            except psycopg.errors.InsufficientPrivilege:
                app.rollback()
        # what it can hold: the key the runner used to lock on, and ACCESS SHARE on the lock
        # table through a statement prepared (not run) in a transaction it keeps open
        app.execute("SELECT pg_advisory_lock(x'61736462'::int, 1)")
        app.execute("PREPARE probe AS SELECT * FROM public._assistant_db_lock")
        assert app.execute("SELECT count(*) FROM pg_locks WHERE pid = pg_backend_pid() AND granted AND "
                           "(locktype = 'advisory' OR relation = 'public._assistant_db_lock'::regclass)").fetchone()[0] == 2
        mid = add_migration(project, "create_a", "CREATE TABLE core.a (id int);", "DROP TABLE core.a;")
        r = run("--lock-wait", "10", "apply")
        assert r.code == 0, r.text
        assert "waiting for the migrations lock" not in r.out and f"applied  {mid}" in r.out
    finally:
        app.close()
        _drop_role(empty_db, role)


# ---- lock_timeout with retries ------------------------------------------------------------------------
def _act_as(c, user_id):
    if c.execute("SELECT to_regprocedure('api.act_as(uuid)') IS NOT NULL").fetchone()[0]:
        c.execute("SELECT api.act_as(%s)", (user_id,))
    else:
        c.execute("SELECT set_config('app.user_id', %s, true)", (str(user_id),))


def test_a_migration_behind_a_long_transaction_retries_while_the_application_keeps_writing(
        add_migration, run, project, empty_db):
    """Session A holds ACCESS SHARE on core.conversations in an open transaction; the migration
    that ALTERs it gives up its lock request after lock_timeout and retries. While it waits,
    an application INSERT into the same table gets through; when A commits, the migration runs."""
    from helpers import Output

    assert run("apply").code == 0
    role = f"retry_probe_{os.getpid()}"
    app_url = _app_login(empty_db, role)
    with psycopg.connect(empty_db, autocommit=True) as c:
        uid = c.execute("INSERT INTO core.users (name, email) VALUES ('Conceição', %s) RETURNING id",
                        (f"conceicao-{os.getpid()}@example.org",)).fetchone()[0]
    mid = add_migration(project, "add_conversation_topic", "ALTER TABLE core.conversations ADD COLUMN topic text;",
                        "ALTER TABLE core.conversations DROP COLUMN topic;")
    holder = psycopg.connect(empty_db)
    runner = None
    try:
        holder.execute("SELECT count(*) FROM core.conversations")  # ACCESS SHARE until commit
        runner = Output(spawn(project, empty_db, "--lock-timeout", "500ms", "--lock-retries", "100", "apply"))
        runner.wait_for("retry 1 of 100")
        # the application writes while the migration is between retries or waiting (<= lock_timeout)
        with psycopg.connect(app_url) as app:
            started = time.monotonic()
            with app.transaction():
                _act_as(app, uid)
                conv = app.execute("INSERT INTO api.conversations (name) VALUES (%s) RETURNING id",
                                   ("Conversa durante a migração",)).fetchone()[0]
            took = time.monotonic() - started
        assert runner.proc.poll() is None, "the insert was expected to complete before the runner finished"
        print(f"smoke figure: the application's INSERT took {took * 1000:.0f} ms while the migration retried")
        holder.commit()
        code, out, err = runner.finish()
        assert code == 0, out + err
        assert f"applied  {mid}" in out
        assert "lock not granted within lock_timeout 500ms: apply of " + mid in out
        with psycopg.connect(empty_db) as c:
            assert c.execute("SELECT name FROM core.conversations WHERE id = %s", (conv,)).fetchone()[0] == \
                "Conversa durante a migração"
            assert c.execute("SELECT count(*) FROM pg_attribute WHERE attrelid = 'core.conversations'::regclass "
                             "AND attname = 'topic'").fetchone()[0] == 1
    finally:
        holder.close()
        if runner is not None and runner.proc.poll() is None:
            runner.proc.kill()
        _drop_role(empty_db, role)


def test_a_non_transactional_migration_is_retried_only_before_its_first_statement(add_migration, run, project, empty_db):
    assert run("apply").code == 0
    with psycopg.connect(empty_db, autocommit=True) as c:
        for t in ("busy_a", "busy_b"):
            c.execute(f"CREATE TABLE core.{t} (id int)")
            c.execute(f"ALTER TABLE core.{t} OWNER TO assistant_owner")
    add_migration(project, "index_busy",
                  "CREATE INDEX CONCURRENTLY busy_a_id_idx ON core.busy_a (id);\n"
                  "CREATE INDEX CONCURRENTLY busy_b_id_idx ON core.busy_b (id);",
                  "DROP INDEX CONCURRENTLY core.busy_b_id_idx;\nDROP INDEX CONCURRENTLY core.busy_a_id_idx;",
                  headers="-- transactional: false")
    holder = psycopg.connect(empty_db)
    try:
        # the second statement's lock is refused: the first one ran, so no retry
        holder.execute("LOCK TABLE core.busy_b IN SHARE MODE")
        r = run("--lock-retries", "3", "apply")
        assert r.code == 6 and "55P03" in r.err, r.text
        assert "retry" not in r.out and "busy_b_id_idx" in r.err, r.text
        holder.rollback()
        # the first statement's lock is refused: nothing ran yet, so it is retried
        holder.execute("LOCK TABLE core.busy_a IN SHARE MODE")
        r = run("--lock-retries", "2", "apply")
        assert r.code == 6 and "55P03" in r.err and "2 retries" in r.err, r.text
        assert "retry 1 of 2" in r.out and "retry 2 of 2" in r.out
    finally:
        holder.close()


# ---- an interrupted CREATE INDEX CONCURRENTLY --------------------------------------------------------
def test_an_invalid_index_left_by_an_interrupted_build_is_dropped_and_built_again(run, project, empty_db):
    from helpers import make_invalid_started_at_index

    assert run("apply", "--to", "0016").code == 0
    with psycopg.connect(empty_db, autocommit=True) as c:
        make_invalid_started_at_index(c)
    r = run("apply")
    assert r.code == 0, r.text
    assert ("dropped the INVALID index core.conversations_started_at_idx left by an interrupted CREATE INDEX "
            "CONCURRENTLY; 0017_add_index_on_conversations_started_at builds it again") in r.out
    with psycopg.connect(empty_db) as c:
        valid, unique = c.execute("SELECT indisvalid, indisunique FROM pg_index "
                                  "WHERE indexrelid = 'core.conversations_started_at_idx'::regclass").fetchone()
    assert valid and not unique  # 0017's own index, not the failed unique one
