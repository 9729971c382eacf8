"""Test harness: one throwaway PostgreSQL server per test session, migrations applied once into
a template database, and a fresh copy of it for every test (pytest-postgresql's janitor).

Hand-written part: pytest-postgresql starts its servers as the current OS user, and PostgreSQL
refuses to run as root; the server is therefore assistant_db.throwaway's (a LocalCluster, run as
an unprivileged OS user when the suite runs as root, with the project's postgresql.conf), and the
template is migrated by its migrate(). Everything after that (template database, per-test
copies, connections) is pytest-postgresql's.
"""
from __future__ import annotations

import contextlib
import os
import secrets
import sys
from pathlib import Path

import psycopg
import pytest
from psycopg import sql
from pytest_postgresql import factories

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import runner  # noqa: E402
from assistant_db import throwaway  # noqa: E402

TEST_PASSWORD = secrets.token_hex(16)
TEST_PORT = int(os.environ.get("ASSISTANT_DB_TEST_PORT") or throwaway.free_port())
_server: runner.LocalCluster | None = None


def pytest_configure(config):
    global _server
    if hasattr(config, "workerinput"):
        return
    stack = contextlib.ExitStack()
    # only the server: pytest-postgresql creates the template database and migrate_template fills it
    server = stack.enter_context(throwaway.throwaway_database(
        None, port=TEST_PORT, password=TEST_PASSWORD, prefix="assistant-db-test-"))
    _server = server.cluster
    config._assistant_db_server = _server
    config._assistant_db_stack = stack


def pytest_unconfigure(config):
    stack = getattr(config, "_assistant_db_stack", None)
    if stack is not None:
        stack.close()


def pytest_report_header(config):
    server = getattr(config, "_assistant_db_server", None)
    if server is not None:
        return f"assistant-db: PostgreSQL {runner.pg_major(server.bin)} from {server.bin}, port {server.port}"


def url_for(dbname: str, user: str = "postgres", password: str | None = TEST_PASSWORD) -> str:
    auth = user + (f":{password}" if password else "")
    return f"postgresql://{auth}@127.0.0.1:{TEST_PORT}/{dbname}"


def migrate_template(host, port, user, dbname, password, **_):
    """pytest-postgresql loader: apply every migration and the default seeds to the template database."""
    throwaway.migrate(url_for(dbname, user, password), seeds=True)


postgresql_noproc = factories.postgresql_noproc(
    host="127.0.0.1", port=TEST_PORT, user="postgres", password=TEST_PASSWORD,
    dbname="assistant_test", load=[migrate_template])
postgresql = factories.postgresql("postgresql_noproc")


@pytest.fixture
def db(postgresql) -> psycopg.Connection:
    """A connection (superuser) to a fresh, fully migrated database."""
    return postgresql


@pytest.fixture
def db_url(postgresql) -> str:
    return url_for(postgresql.info.dbname)


class ActingConnection:
    """A psycopg connection that names its end user in every transaction, the way the README tells
    applications to (SELECT api.act_as($1) first): each execute() on an autocommit connection runs
    in a transaction of its own with the user named; inside a transaction the test opened, the user
    is named before each statement (idempotent). Everything else is the connection's own."""

    def __init__(self, conn: psycopg.Connection, user_id):
        self._conn = conn
        self.user_id = user_id

    def __getattr__(self, name):
        return getattr(self._conn, name)

    def execute(self, query, params=None, **kwargs):
        from psycopg.pq import TransactionStatus

        if self._conn.autocommit and self._conn.info.transaction_status == TransactionStatus.IDLE:
            with self._conn.transaction():
                self._conn.execute("SELECT api.act_as(%s)", (self.user_id,))
                return self._conn.execute(query, params, **kwargs)
        self._conn.execute("SELECT api.act_as(%s)", (self.user_id,))
        return self._conn.execute(query, params, **kwargs)


@pytest.fixture
def connect(db_url):
    """Open more connections to the test database: connect(role=..., user_id=...).

    role: SET ROLE to one of the package's roles (RLS then applies as for that role);
    user_id: name that end user in every transaction with api.act_as, as applications do.
    """
    opened: list[psycopg.Connection] = []

    def _connect(role: str | None = None, user_id=None, autocommit: bool = True):
        conn = psycopg.connect(db_url, autocommit=autocommit)
        opened.append(conn)
        if role:
            conn.execute(sql.SQL("SET ROLE {}").format(sql.Identifier(role)))
        if not autocommit:
            conn.commit()
        return ActingConnection(conn, user_id) if user_id is not None else conn

    yield _connect
    for conn in opened:
        conn.close()


@pytest.fixture
def empty_db():
    """URL of a new, empty database on the test server (for runner tests)."""
    name = "runner_" + secrets.token_hex(6)
    with psycopg.connect(url_for("postgres"), autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    yield url_for(name)
    with psycopg.connect(url_for("postgres"), autocommit=True) as conn:
        conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (name,))
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))


@pytest.fixture(scope="session")
def pg_bin() -> Path:
    """The bin directory of the server under test (pg_dump, psql, pgbench of the same version)."""
    return _server.bin if _server else runner.find_pg_bin()


@pytest.fixture(scope="session")
def pg_major(pg_bin) -> int:
    return int(runner.pg_major(pg_bin))
