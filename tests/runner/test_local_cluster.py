"""The private local cluster behind `make up` (run through runner.py as the Makefile does)."""
import os
import shutil
import tempfile
import socket
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

ROOT = Path(__file__).resolve().parents[2]


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def cluster():
    # not under pytest's tmp dir (0700): the server's OS user must reach it when we run as root
    base = Path(tempfile.mkdtemp(prefix="assistant-db-cluster-"))
    os.chmod(base, 0o755)
    pgdata = base / "pgdata"
    env = dict(os.environ, ASSISTANT_DB_PGDATA=str(pgdata), ASSISTANT_DB_PORT=str(_free_port()))
    env.pop("DATABASE_URL", None)

    def runner(*args):
        p = subprocess.run([sys.executable, str(ROOT / "runner.py"), *args], capture_output=True, text=True,
                           env=env, timeout=300)
        return p

    yield runner, pgdata
    runner("cluster", "down")
    shutil.rmtree(base, ignore_errors=True)


def test_up_migrates_survives_down_and_up_again(cluster):
    runner, pgdata = cluster
    p = runner("cluster", "up")
    assert p.returncode == 0, p.stderr
    assert (pgdata / "data" / "PG_VERSION").is_file()
    assert "initdb" in p.stdout
    p = runner("apply")  # no DATABASE_URL: the local cluster
    assert p.returncode == 0, p.stderr
    url = runner("cluster", "url").stdout.strip()
    with psycopg.connect(url, autocommit=True) as c:
        c.execute("CREATE TABLE core.keepme (v text)")
        c.execute("INSERT INTO core.keepme VALUES ('still here')")
        # the project's postgresql.conf is in force
        assert c.execute("SHOW shared_preload_libraries").fetchone()[0] == "pg_stat_statements"
        assert c.execute("SHOW default_text_search_config").fetchone()[0] == "pg_catalog.portuguese"
        assert c.execute("SHOW listen_addresses").fetchone()[0] == "127.0.0.1"
    # a second `up` is harmless: no initdb, server already running
    p = runner("cluster", "up")
    assert p.returncode == 0 and "initdb" not in p.stdout and "already running" in p.stdout
    assert runner("cluster", "down").returncode == 0
    assert runner("cluster", "up").returncode == 0
    with psycopg.connect(url) as c:
        assert c.execute("SELECT v FROM core.keepme").fetchone()[0] == "still here"
    p = runner("apply")
    assert p.returncode == 0 and "up to date" in p.stdout


def test_tcp_login_needs_the_generated_password(cluster):
    runner, pgdata = cluster
    assert runner("cluster", "up").returncode == 0
    tcp = runner("cluster", "tcp-url").stdout.strip()
    assert "127.0.0.1" in tcp
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(tcp, passfile="/dev/null", password="wrong").close()
    with psycopg.connect(tcp, passfile=str(pgdata / "pgpass")) as c:
        assert c.execute("SELECT 1").fetchone()[0] == 1
    assert oct((pgdata / "pgpass").stat().st_mode & 0o777) == "0o600"


def test_status_prints_how_to_connect_without_a_password(cluster):
    runner, pgdata = cluster
    assert runner("cluster", "up").returncode == 0
    out = runner("cluster", "status").stdout
    password = (pgdata / "pgpass").read_text().strip().rsplit(":", 1)[1]
    assert "running" in out and "make psql" in out and "PGPASSFILE" in out
    assert password not in out
