"""The runner's make targets as a DBA or CI runs them: exit codes through make, `make seed`,
`make rollback YES=1`, and `make up` / `psql` / `down` on the port the cluster remembers.

GNU make exits 2 whenever a recipe fails; its message carries the runner's code ("Error 5"), and
bin/make (same arguments; plain `make` with bin/ first in PATH) exits with the runner's own code."""
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import psycopg
import pytest

ROOT = Path(__file__).resolve().parents[2]
RUNNER_TARGETS = ("migrate", "rollback", "status", "verify", "seed", "up", "plan")


def make(*args, env=None, wrapper=True, input=None, timeout=300):
    """make -s TARGET in the project, stdin not a terminal; wrapper=True runs it as plain `make`
    with bin/ first in PATH, the way the README tells CI to."""
    full = dict(os.environ)
    full.pop("DATABASE_URL", None)
    # CI exports the port of its own cluster: each test says which port it wants, if any
    full.pop("ASSISTANT_DB_PORT", None)
    full.pop("MAKEFLAGS", None)
    full.pop("MFLAGS", None)
    if wrapper:
        full["PATH"] = f"{ROOT / 'bin'}:{full['PATH']}"
    full.update(env or {})
    return subprocess.run(["make", "-s", "-C", str(ROOT), *args], capture_output=True, text=True, env=full,
                          timeout=timeout, input=input, stdin=None if input is not None else subprocess.DEVNULL)


def closed_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize("target", RUNNER_TARGETS)
def test_make_exits_with_the_runners_code_through_bin_make(target):
    r = make(target, "DATABASE_URL=mysql://u@h/db")
    assert r.returncode == 5, r.stdout + r.stderr  # malformed URL
    assert "malformed database URL" in r.stderr
    r = make(target, f"DATABASE_URL=postgresql://u:pw@127.0.0.1:{closed_port()}/x")
    assert r.returncode == 3, r.stdout + r.stderr  # unreachable
    assert "pw" not in r.stderr.replace("***", "")


def test_plain_gnu_make_exits_2_and_its_message_names_the_runners_code():
    r = make("migrate", "DATABASE_URL=mysql://u@h/db", wrapper=False)
    assert r.returncode == 2
    assert "malformed database URL" in r.stderr and "Error 5" in r.stderr


def test_make_new_without_a_name_is_a_usage_error():
    r = make("new")
    assert r.returncode == 2 and "usage: make new NAME=verb_object" in r.stderr


def test_make_seed_loads_the_default_seeds_or_the_given_path(run, empty_db, tmp_path):
    assert run("apply").code == 0
    with psycopg.connect(empty_db, autocommit=True) as c:
        assert c.execute("SELECT count(*) FROM ops.config").fetchone()[0] == 0
    r = make("seed", f"DATABASE_URL={empty_db}")
    assert r.returncode == 0, r.stderr
    assert "seeded  seeds/default/" in r.stdout
    one = tmp_path / "one.sql"
    one.write_text("CREATE TABLE core.seeded_by_make (v text); INSERT INTO core.seeded_by_make VALUES ('um');")
    more = tmp_path / "more"
    more.mkdir()
    (more / "a.sql").write_text("INSERT INTO core.seeded_by_make VALUES ('dois');")
    (more / "b.sql").write_text("INSERT INTO core.seeded_by_make VALUES ('três');")
    assert make("seed", f"DATABASE_URL={empty_db}", f"SEED={one}").returncode == 0
    r = make("seed", f"DATABASE_URL={empty_db}", f"SEED={more}")
    assert r.returncode == 0, r.stderr
    with psycopg.connect(empty_db) as c:
        assert c.execute("SELECT count(*) FROM ops.config").fetchone()[0] > 0
        assert [x[0] for x in c.execute("SELECT v FROM core.seeded_by_make ORDER BY v")] == ["dois", "três", "um"]
    r = make("seed", f"DATABASE_URL={empty_db}", f"SEED={tmp_path / 'no-such-file.sql'}")
    assert r.returncode == 2 and "does not exist" in r.stderr, r.stderr
    (tmp_path / "empty").mkdir()
    r = make("seed", f"DATABASE_URL={empty_db}", f"SEED={tmp_path / 'empty'}")
    assert r.returncode == 2 and "no .sql file" in r.stderr, r.stderr


def test_make_rollback_of_several_needs_YES_without_a_terminal(run, empty_db):
    assert run("apply").code == 0
    with psycopg.connect(empty_db) as c:
        before = c.execute("SELECT count(*) FROM _yoyo_migration").fetchone()[0]
    r = make("rollback", "COUNT=2", f"DATABASE_URL={empty_db}")
    assert r.returncode == 2 and "--yes" in r.stderr, r.stderr
    r = make("rollback", "COUNT=2", "YES=1", f"DATABASE_URL={empty_db}")
    assert r.returncode == 0, r.stderr
    with psycopg.connect(empty_db) as c:
        assert c.execute("SELECT count(*) FROM _yoyo_migration").fetchone()[0] == before - 2


@pytest.fixture
def pgdata():
    base = Path(tempfile.mkdtemp(prefix="assistant-db-make-"))
    os.chmod(base, 0o755)  # the server's OS user must reach it when we run as root
    data = base / "pgdata"
    yield data
    make("down", env={"ASSISTANT_DB_PGDATA": str(data)})
    shutil.rmtree(base, ignore_errors=True)


def test_make_up_records_the_port_and_psql_and_down_use_it(pgdata):
    port = str(closed_port())
    r = make("up", env={"ASSISTANT_DB_PGDATA": str(pgdata), "ASSISTANT_DB_PORT": port})
    assert r.returncode == 0, r.stdout + r.stderr
    assert (pgdata / "port").read_text().strip() == port
    env = {"ASSISTANT_DB_PGDATA": str(pgdata)}  # no ASSISTANT_DB_PORT from here on
    r = make("psql", env=env, input="SHOW port;\n")
    assert r.returncode == 0 and port in r.stdout, r.stdout + r.stderr
    r = make("up", env=env)  # quick and harmless: on the recorded port
    assert r.returncode == 0 and f"already running on port {port}" in r.stdout, r.stdout + r.stderr
    r = make("up", env={**env, "ASSISTANT_DB_PORT": str(closed_port())})
    assert r.returncode == 11 and f"has port {port}" in r.stderr, r.stderr
    r = make("down", env=env)
    assert r.returncode == 0 and "server stopped" in r.stdout, r.stdout + r.stderr
