"""Connection and usage errors: one or two lines a DBA can act on, a documented exit code,
never a traceback, never a password."""
import socket

import psycopg
import pytest


def _closed_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def assert_clean(r):
    assert "Traceback" not in r.text
    assert 1 <= len(r.err.strip().splitlines()) <= 3, r.err
    assert r.err.startswith("error: ")


def test_unreachable_server_exits_3(run):
    r = run("status", database=f"postgresql://postgres:pw-never-shown@127.0.0.1:{_closed_port()}/x")
    assert r.code == 3, r.text
    assert_clean(r)
    assert "server unreachable" in r.err and "pw-never-shown" not in r.text


@pytest.mark.parametrize("url", [
    "mysql://u@h/db",
    "postgresql://u@h:notaport/db",
    "postgresql://u@h:5432/",
    "not a url at all",
])
def test_malformed_url_exits_5(run, url):
    r = run("status", database=url)
    assert r.code == 5, r.text
    assert_clean(r)
    assert "malformed database URL" in r.err


def test_authentication_failure_exits_4_without_printing_the_password(run, empty_db):
    with psycopg.connect(empty_db, autocommit=True) as c:
        c.execute("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'auth_probe') THEN "
                  "CREATE ROLE auth_probe LOGIN PASSWORD 'right-password'; END IF; END $$")
    host = empty_db.split("@", 1)[1]
    r = run("status", database=f"postgresql://auth_probe:wrong-password-xyz@{host}")
    assert r.code == 4, r.text
    assert_clean(r)
    assert "authentication failed" in r.err
    assert "wrong-password-xyz" not in r.text and "***" in r.err


def test_unknown_migration_id_exits_7(run):
    r = run("apply", "--to", "9999_nothing")
    assert r.code == 7, r.text
    assert_clean(r)
    assert "unknown migration id '9999_nothing'" in r.err
    r = run("rollback", "--to", "9998")
    assert r.code == 7


def test_no_database_given_says_what_to_do(run, tmp_path):
    r = run("status", database=None, env={"ASSISTANT_DB_PGDATA": str(tmp_path / "none")})
    # runner.py reads ASSISTANT_DB_PGDATA at import: with no DATABASE_URL and no local cluster
    assert r.code == 5, r.text
    assert_clean(r)
    assert "DATABASE_URL" in r.err


def test_usage_error_exits_2(run):
    r = run("rollback", "--count", "0")
    assert r.code == 2, r.text
