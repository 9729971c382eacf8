"""maint.schedule_with_pg_cron: a clear refusal without pg_cron; with it, the two jobs.

pg_cron must be preloaded (shared_preload_libraries) and names one database (cron.database_name),
so the scheduling test starts a server of its own with both settings on top of the project's
postgresql.conf. It runs where pg_cron is installed for the server under test (Debian:
apt-get install postgresql-15-cron) and is skipped, saying so, elsewhere (the embedded
PostgreSQL 18 has no pg_cron)."""
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from assistant_db.throwaway import throwaway_database  # noqa: E402


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
    with throwaway_database("assistant", prefix="assistant-db-cron-",
                            extra_options="-c shared_preload_libraries=pg_stat_statements,pg_cron "
                                          "-c cron.database_name=assistant") as server:
        yield server.url


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
