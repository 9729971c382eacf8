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

    def runner(*args, port: str | None = "fixture"):
        """runner.py as make runs it; port=None: without ASSISTANT_DB_PORT, port='N': with that one."""
        e = dict(env)
        if port is None:
            e.pop("ASSISTANT_DB_PORT")
        elif port != "fixture":
            e["ASSISTANT_DB_PORT"] = port
        p = subprocess.run([sys.executable, str(ROOT / "runner.py"), *args], capture_output=True, text=True,
                           env=e, timeout=300, stdin=subprocess.DEVNULL)
        return p

    runner.port = env["ASSISTANT_DB_PORT"]

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


def test_the_port_is_chosen_once_and_remembered(cluster):
    runner, pgdata = cluster
    assert runner("cluster", "up").returncode == 0
    assert (pgdata / "port").read_text().strip() == runner.port
    # without ASSISTANT_DB_PORT every command finds the cluster on its recorded port
    url = runner("cluster", "url", port=None).stdout.strip()
    assert f"port={runner.port}" in url
    assert f"on port {runner.port}" in runner("cluster", "status", port=None).stdout
    assert runner("cluster", "down", port=None).returncode == 0
    p = runner("cluster", "up", port=None)
    assert p.returncode == 0, p.stderr
    with psycopg.connect(url) as c:
        assert c.execute("SHOW port").fetchone()[0] == runner.port
    assert runner("status", port=None).returncode == 0


def test_another_port_for_an_existing_cluster_is_refused_naming_both(cluster):
    runner, pgdata = cluster
    assert runner("cluster", "up").returncode == 0
    other = str(_free_port())
    for args in (("cluster", "up"), ("cluster", "down"), ("cluster", "url"), ("status",)):
        p = runner(*args, port=other)
        assert p.returncode == 11, (args, p.stdout, p.stderr)
        assert f"has port {runner.port}" in p.stderr and f"ASSISTANT_DB_PORT={other}" in p.stderr
        assert "Traceback" not in p.stderr
    assert "running" in runner("cluster", "status").stdout  # still there, on its own port


def test_a_port_taken_by_another_program_is_reported_before_starting(cluster):
    runner, pgdata = cluster
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        port = str(squatter.getsockname()[1])
        p = runner("cluster", "up", port=port)
        assert p.returncode == 11, p.stdout + p.stderr
        assert f"port {port} on 127.0.0.1 is already in use by another program" in p.stderr
        assert "Traceback" not in p.stderr
        assert not (pgdata / "data" / "postmaster.pid").exists()


def test_a_failed_start_shows_the_end_of_the_server_log(cluster):
    runner, pgdata = cluster
    assert runner("cluster", "up").returncode == 0
    assert runner("cluster", "down").returncode == 0
    with open(pgdata / "data" / "postgresql.conf", "a") as f:
        f.write("\nshared_buffers = 'a lot'\n")
    p = runner("cluster", "up")
    assert p.returncode == 11, p.stdout + p.stderr
    assert "server.log" in p.stderr and 'invalid value for parameter "shared_buffers"' in p.stderr, p.stderr
