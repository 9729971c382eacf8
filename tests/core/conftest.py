"""Fixtures of the conversational core: users, conversations and messages made in SQL, and
connections acting as the app role for one user."""
from __future__ import annotations

import uuid

import pytest


@pytest.fixture
def make_user(db):
    """make_user(name=...) -> id of a new core.users row (committed, so other connections see it)."""

    def _make(name: str | None = None, **cols) -> uuid.UUID:
        name = name or "user-" + uuid.uuid4().hex[:8]
        cols.setdefault("email", f"{name}@example.org")
        keys = ["name", *cols]
        row = db.execute(
            f"INSERT INTO core.users ({', '.join(keys)}) VALUES ({', '.join(['%s'] * len(keys))}) RETURNING id",
            [name, *cols.values()]).fetchone()
        db.commit()
        return row[0]

    return _make


@pytest.fixture
def make_conversation(db):
    def _make(user_id, name: str = "test conversation", **cols) -> uuid.UUID:
        keys = ["user_id", "name", *cols]
        row = db.execute(
            f"INSERT INTO core.conversations ({', '.join(keys)}) VALUES ({', '.join(['%s'] * len(keys))}) RETURNING id",
            [user_id, name, *cols.values()]).fetchone()
        db.commit()
        return row[0]

    return _make


@pytest.fixture
def add_messages(db):
    """add_messages(user, conversation, n) inserts n messages in one multi-row INSERT."""

    def _add(user_id, conversation_id, n: int = 1, content: str = "mensagem de teste", role: str = "user",
             created_at: str | None = None) -> None:
        db.execute(
            "INSERT INTO core.messages (user_id, conversation_id, role, content, created_at) "
            "SELECT %s, %s, %s::api.message_role, %s || ' ' || g, coalesce(%s::timestamptz, now()) "
            "FROM generate_series(1, %s) g",
            (user_id, conversation_id, role, content, created_at, n))
        db.commit()

    return _add


@pytest.fixture
def as_app(connect):
    """as_app(user_id) -> autocommit connection as assistant_app with app.user_id set."""

    def _as(user_id):
        return connect(role="assistant_app", user_id=user_id)

    return _as




def name_user(conn, user_id) -> None:
    """Name the end user for the current transaction, the way the README tells applications to."""
    conn.execute("SELECT api.act_as(%s)", (user_id,))
