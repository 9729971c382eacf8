"""Maintenance guards itself (as pg_partman does) with locks no application role can take: an
overlapping run (cron and pg_cron both scheduled) skips with a notice, a run whose session died
is recorded as abandoned, a replica does nothing; the advisory locks any role could hold no
longer stop it."""
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import runner  # noqa: E402


def call(conn, statement):
    notices = []
    conn.add_notice_handler(lambda d: notices.append(d.message_primary))
    conn.execute(statement)
    return notices


def last_run(db):
    row = db.execute("SELECT id, status, detail, actions FROM maint.maintenance_runs ORDER BY id DESC LIMIT 1").fetchone()
    db.rollback()
    return row


def test_a_run_overlapping_a_live_one_skips_and_says_why(db, events, connect, iso):
    db.execute("SELECT * FROM maint.register_partitioned_table(%s, 'month', 0)", (events,))
    db.commit()
    # run A waits (a session holds the table in SHARE mode, which its ATTACH must not meet)
    blocker = connect(autocommit=False)
    blocker.execute(f"LOCK TABLE {events} IN SHARE MODE")
    a = connect()
    a.execute("SET maint.lock_timeout = '100ms'")
    a.execute("SET maint.lock_retries = 1000")
    a.execute("UPDATE maint.partition_policies SET premake = 1 WHERE parent = %s::regclass", (events,))
    run_a = iso.Background(lambda: call(a, "CALL maint.run_maintenance()"))
    iso.waiting_for(connect(), a.info.backend_pid)
    live = last_run(db)
    assert live[1] == "running"

    # run B (the other scheduler) finds it live and skips
    b = connect()
    notices = call(b, "CALL maint.run_maintenance()")
    assert len(notices) == 1 and notices[0].startswith("maintenance run ") and "skipped" in notices[0], notices
    assert f"run {live[0]} (pid {a.info.backend_pid}" in notices[0] and "is still running" in notices[0]
    assert last_run(db)[1] == "overlap"

    blocker.commit()
    assert run_a.result()[0].startswith(f"maintenance run {live[0]},")
    assert db.execute("SELECT status FROM maint.maintenance_runs WHERE id = %s", (live[0],)).fetchone()[0] == "done"


def test_a_run_whose_session_died_is_recorded_abandoned_and_does_not_block(db, connect):
    dead = connect()
    dead_pid = dead.info.backend_pid
    run_id = dead.execute("SELECT run_id FROM maint.begin_run('maintenance')").fetchone()[0]
    dead.close()
    observer = connect()
    for _ in range(2000):
        if not observer.execute("SELECT EXISTS (SELECT FROM pg_stat_activity WHERE pid = %s)", (dead_pid,)).fetchone()[0]:
            break
        time.sleep(0.005)
    call(connect(), "CALL maint.run_maintenance()")
    status, detail = db.execute("SELECT status, detail FROM maint.maintenance_runs WHERE id = %s", (run_id,)).fetchone()
    assert status == "abandoned" and f"pid {dead_pid}" in detail
    assert last_run(db)[1] == "done"


def test_the_app_login_cannot_take_any_lock_maintenance_uses(app_login):
    app = app_login()
    for statement in ("LOCK TABLE maint.maintenance_runs IN EXCLUSIVE MODE",
                      "LOCK TABLE maint.maintenance_runs IN ACCESS SHARE MODE",
                      "SELECT FROM maint.partition_policies FOR UPDATE",
                      "SELECT FROM maint.maintenance_runs FOR KEY SHARE",
                      "LOCK TABLE maint.partition_policies IN ROW SHARE MODE",
                      "LOCK TABLE core.messages_default IN ACCESS SHARE MODE",
                      "SELECT * FROM maint.begin_run('maintenance')",
                      "CALL maint.run_maintenance()"):
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            app.execute(statement)
        app.rollback()


def test_holding_the_old_advisory_keys_no_longer_makes_maintenance_skip(db, events, connect, app_login, partitions):
    db.execute("SELECT * FROM maint.register_partitioned_table(%s, 'month', 0)", (events,))
    db.execute("UPDATE maint.partition_policies SET premake = 2 WHERE parent = %s::regclass", (events,))
    keys = [r[0] for r in db.execute("SELECT (x'6d6e7470'::bigint << 32) | parent::oid::bigint FROM maint.partition_policies").fetchall()]
    db.commit()
    app = app_login()  # any role may take any advisory lock, with a key anyone can compute
    for key in keys:
        app.execute("SELECT pg_advisory_lock(%s)", (key,))
    conn = connect()
    conn.execute("SET maint.lock_retries = 2")
    call(conn, "CALL maint.run_maintenance()")
    actions = [a for a in last_run(db)[3] if a["parent"] == events]
    assert [a["action"] for a in actions] == ["create", "create"]
    assert len(partitions(events)) == 3 + 1


# --- a real streaming replica of the test server ------------------------------------------------

@pytest.fixture
def replica_url(request, db, db_url):
    """A hot standby of the test server made with pg_basebackup (replication over 127.0.0.1 as the
    superuser, allowed by initdb's pg_hba.conf), started on a port of its own; the URL of the
    test's database there once it has replayed it."""
    server = request.config._assistant_db_server
    parts = urlsplit(db_url)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    base = Path(tempfile.mkdtemp(prefix="assistant-db-replica-"))
    os.chmod(base, 0o755)
    replica = runner.LocalCluster(root=base, port=port, conf=ROOT / "postgresql.conf",
                                  extra_options="-c fsync=off -c hot_standby=on")
    replica.bin = server.bin
    devnull = open(os.devnull, "w")
    try:
        for d in (replica.run, replica.socket_dir):
            d.mkdir(parents=True, exist_ok=True)
            os.chmod(d, 0o700)
        replica._chown(base)
        replica._chown(replica.socket_dir)
        runner.run_as_server_user([str(server.bin / "pg_basebackup"), "-D", str(replica.data), "-R", "-X", "stream",
                                   "-c", "fast", "-d", f"host=127.0.0.1 port={parts.port} user=postgres password={parts.password}"])
        replica.start(out=devnull)
        url = f"postgresql://postgres:{parts.password}@127.0.0.1:{port}/{db.info.dbname}"
        yield url
    finally:
        with __import__("contextlib").suppress(Exception):
            replica.stop(out=devnull)
        shutil.rmtree(base, ignore_errors=True)


@pytest.mark.slow
def test_on_a_replica_maintenance_does_nothing_and_says_so(db, replica_url):
    with psycopg.connect(replica_url, autocommit=True) as conn:
        assert conn.execute("SELECT pg_is_in_recovery()").fetchone()[0]
        runs = conn.execute("SELECT count(*) FROM maint.maintenance_runs").fetchone()[0]
        for procedure in ("run_maintenance", "run_cleanup"):
            notices = call(conn, f"CALL maint.{procedure}()")
            assert notices == ["maintenance: this server is a replica (pg_is_in_recovery()): nothing done; maintenance"
                               " runs on the primary and reaches the replicas by replication"], notices
        assert conn.execute("SELECT count(*) FROM maint.maintenance_runs").fetchone()[0] == runs
    # make rotate against the replica: the same line, exit 0
    p = subprocess.run(["make", "-s", "rotate"], cwd=ROOT, env=dict(os.environ, DATABASE_URL=replica_url),
                       capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stdout + p.stderr
    assert p.stdout.startswith("maintenance: this server is a replica"), p.stdout
