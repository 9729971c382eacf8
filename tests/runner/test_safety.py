"""Checksums, the migrations lock, timeouts and failing migrations."""
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import psycopg

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
        r = run("--lock-timeout", "1s", "apply")
        assert r.code == 6, r.text
        assert "55P03" in r.err and "lock_timeout" in r.err
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
def _spawn(project, url, *args):
    return subprocess.Popen([sys.executable, str(ROOT / "runner.py"), "--project", str(project),
                             "--database", url, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _wait_for_lock_holder(url, timeout=60):
    deadline = time.monotonic() + timeout
    with psycopg.connect(url, autocommit=True) as c:
        while time.monotonic() < deadline:
            if c.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted "
                         "AND classid = x'61736462'::int").fetchone()[0]:
                return
            time.sleep(0.05)
    raise AssertionError("no runner took the lock")


def test_concurrent_applies_serialise(add_migration, run, project, empty_db):
    add_migration(project, "slow_counter",
                  "CREATE TABLE core.counter (n int);\nSELECT pg_sleep(2);\nINSERT INTO core.counter VALUES (1);",
                  "DROP TABLE core.counter;")
    first = _spawn(project, empty_db, "apply")
    _wait_for_lock_holder(empty_db)
    second = _spawn(project, empty_db, "apply")
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
    victim = _spawn(project, empty_db, "apply")
    _wait_for_lock_holder(empty_db)
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
    first = _spawn(project, empty_db, "apply")
    try:
        _wait_for_lock_holder(empty_db)
        r = run("--lock-wait", "0.5", "apply")
        assert r.code == 9, r.text
        assert "another runner holds the migrations lock" in r.err and "pg_terminate_backend" in r.err
    finally:
        first.communicate(timeout=60)
