"""maint.schedule_with_pg_cron: a clear refusal without pg_cron; with it, the two jobs.

pg_cron must be preloaded (shared_preload_libraries) and names one database (cron.database_name),
so the scheduling test starts a server of its own with both settings on top of the project's
postgresql.conf. It runs where pg_cron is installed for the server under test (Debian:
apt-get install postgresql-15-cron) and is skipped, saying so, elsewhere (the embedded
PostgreSQL 18 has no pg_cron)."""
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import psycopg
import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import runner  # noqa: E402


def test_scheduling_without_pg_cron_says_what_to_do(db):
    with pytest.raises(psycopg.errors.ObjectNotInPrerequisiteState) as exc:
        db.execute("SELECT * FROM maint.schedule_with_pg_cron()")
    assert "pg_cron is not installed" in str(exc.value)
    assert "shared_preload_libraries" in exc.value.diag.message_hint


def pkglibdir(pg_bin: Path) -> Path:
    out = subprocess.run([str(pg_bin / "pg_config"), "--pkglibdir"], capture_output=True, text=True)
    if out.returncode == 0 and out.stdout.strip():
        return Path(out.stdout.strip())
    return pg_bin.parent / "lib"


@pytest.fixture
def cron_server(pg_bin):
    if not (pkglibdir(pg_bin) / "pg_cron.so").is_file():
        pytest.skip(f"pg_cron is not installed for the PostgreSQL of {pg_bin} "
                    "(Debian: apt-get install postgresql-15-cron); scheduling inside the database is untested here")
    base = Path(tempfile.mkdtemp(prefix="assistant-db-cron-"))
    os.chmod(base, 0o755)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = runner.LocalCluster(root=base, port=port, conf=ROOT / "postgresql.conf",
                                 extra_options="-c shared_preload_libraries=pg_stat_statements,pg_cron "
                                               "-c cron.database_name=assistant -c fsync=off")
    devnull = open(os.devnull, "w")
    server.init(out=devnull, password="cron-test")
    server.start(out=devnull)
    try:
        server.ensure_database("assistant")
        url = f"postgresql://postgres:cron-test@127.0.0.1:{port}/assistant"
        r = runner.Runner(runner.DatabaseTarget.parse(url), runner.Project(ROOT), out=devnull)
        try:
            r.apply()
        finally:
            r.close()
        yield url
    finally:
        server.stop(out=devnull)
        shutil.rmtree(base, ignore_errors=True)


@pytest.mark.slow
def test_pg_cron_schedules_maintenance_and_cleanup(cron_server):
    with psycopg.connect(cron_server, autocommit=True) as conn:
        conn.execute("CREATE EXTENSION pg_cron")
        rows = conn.execute("SELECT job_name, schedule, command FROM maint.schedule_with_pg_cron('*/30 * * * *')"
                            " ORDER BY 1").fetchall()
        assert rows == [("assistant-db cleanup", "37 3 * * *", "CALL maint.run_cleanup()"),
                        ("assistant-db partition maintenance", "*/30 * * * *", "CALL maint.run_maintenance()")]
        # calling again replaces the jobs rather than adding more
        conn.execute("SELECT * FROM maint.schedule_with_pg_cron()")
        jobs = conn.execute("SELECT jobname, schedule, command, database FROM cron.job ORDER BY 1").fetchall()
        assert jobs == [("assistant-db cleanup", "37 3 * * *", "CALL maint.run_cleanup()", "assistant"),
                        ("assistant-db partition maintenance", "7 * * * *", "CALL maint.run_maintenance()", "assistant")]
        # the commands the jobs run work in a session like pg_cron's (autocommit, top level)
        for (command,) in conn.execute("SELECT command FROM cron.job").fetchall():
            conn.execute(command)
