"""Fixtures of the data-protection tests: LOGIN roles that are members of one package role only
(the way a service or an app connects), and connections made with their password."""
from __future__ import annotations

import secrets
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
from psycopg import sql


def with_user(url: str, user: str, password: str) -> str:
    """The URL of another login on the same server and database."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(netloc=f"{user}:{password}@{parts.hostname}:{parts.port}"))


@pytest.fixture
def login(db, db_url):
    """login('assistant_service') -> (name, password, url): a LOGIN role that is only in that role.

    Roles are cluster-wide: each one gets a unique name and is dropped after the test."""
    made: list[str] = []

    def _login(member_of: str, password: str | None = None) -> tuple[str, str, str]:
        name = f"{member_of.removeprefix('assistant_')}_login_{secrets.token_hex(4)}"
        password = password or secrets.token_urlsafe(18)
        # the verifier is computed here, so the password itself never reaches the server
        verifier = db.pgconn.encrypt_password(password.encode(), name.encode(), b"scram-sha-256").decode()
        db.execute(sql.SQL("CREATE ROLE {} LOGIN PASSWORD {} IN ROLE {}").format(
            sql.Identifier(name), sql.Literal(verifier), sql.Identifier(member_of)))
        db.commit()
        made.append(name)
        return name, password, with_user(db_url, name, password)

    yield _login
    db.rollback()
    for name in made:
        with psycopg.connect(db_url, autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = %s", (name,))
            admin.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(name)))


@pytest.fixture
def run(db):
    """Run one statement as the superuser, commit, return the rows."""
    def _sql(statement, params=None):
        try:
            cur = db.execute(statement, params)
            rows = cur.fetchall() if cur.description else []
        except Exception:
            db.rollback()
            raise
        db.commit()
        return rows
    return _sql


@pytest.fixture
def url_as(db_url):
    """url_as(user, password) -> the test database's URL for another login."""
    return lambda user, password: with_user(db_url, user, password)
