"""A small chat backend on assistant-db, the way an application uses it: psycopg 3 and a
psycopg_pool connection pool, bind parameters, one transaction per request that names its end
user first (SELECT api.act_as(%s)), Portuguese text.

Two logins, because they do different jobs (README, "Connecting as an application"):
  APP_URL      a login that is only in assistant_app: everything a signed-in user does; row-level
               security limits it to the user the transaction names.
  SERVICE_URL  a login in assistant_service: sign-up and sign-in (looking a user up by email
               means reading every user's row, which the app login cannot), dispatching reminders.

Run against `make up`:  make examples   (creates both logins on the local cluster and runs this)
"""
from __future__ import annotations

import os
import uuid
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone

import psycopg
from psycopg.types.json import Jsonb
from psycopg_pool import ConnectionPool


def check_no_user_named(conn: psycopg.Connection) -> None:
    """Pool `check` hook: a connection handed out carries no user (api.act_as lasts one
    transaction; this fails only if something named a user for the session)."""
    named = conn.execute("SELECT coalesce(current_setting('app.user_id', true), '')").fetchone()[0]
    conn.rollback()
    if named:
        raise psycopg.OperationalError(f"pooled connection still names user {named}")


@contextmanager
def acting_as(pool: ConnectionPool, user_id: uuid.UUID):
    """One transaction of one request, for one end user: commits at the end, rolls back on an error."""
    with pool.connection() as conn:         # the pool opens a transaction and commits/rolls it back
        conn.execute("SELECT api.act_as(%s)", (user_id,))
        yield conn


def sign_up(service: ConnectionPool, name: str, email: str) -> uuid.UUID:
    with service.connection() as conn:
        row = conn.execute("INSERT INTO api.users (name, email, roles) VALUES (%s, %s, %s::api.user_role[]) "
                           "ON CONFLICT DO NOTHING RETURNING id", (name, email, ["pilot"])).fetchone()
        if row is None:                      # already signed up: the same person signs in
            return sign_in(service, email)
        return row[0]


def sign_in(service: ConnectionPool, email: str) -> uuid.UUID:
    with service.connection() as conn:
        row = conn.execute("SELECT id FROM api.users WHERE lower(email) = lower(%s) AND is_active",
                           (email,)).fetchone()
        if row is None:
            raise LookupError(f"no active user with email {email}")
        return row[0]


def main() -> None:
    app = ConnectionPool(os.environ["APP_URL"], min_size=1, max_size=4, check=check_no_user_named, open=True)
    service = ConnectionPool(os.environ["SERVICE_URL"], min_size=1, max_size=2, open=True)
    try:
        run(app, service)
    finally:
        app.close()
        service.close()


def run(app: ConnectionPool, service: ConnectionPool) -> None:
    email = f"ana.{uuid.uuid4().hex[:8]}@exemplo.com.br"
    ana = sign_up(service, "Ana Souza", email)
    assert sign_in(service, email.upper()) == ana        # emails are case-insensitive

    # a conversation: the user's turn and the reply written in one transaction come back in that order
    with acting_as(app, ana) as conn:
        conversation = conn.execute("INSERT INTO api.conversations (name) VALUES (%s) RETURNING id",
                                    ("Planejamento do voo",)).fetchone()[0]
        for n in range(1, 31):
            conn.execute("INSERT INTO api.messages (conversation_id, role, content) VALUES (%s, 'user', %s)",
                         (conversation, f"Pergunta {n}: quando é a próxima reunião sobre o avião PT-XYZ?"))
            conn.execute("INSERT INTO api.messages (conversation_id, role, content, latency_ms) "
                         "VALUES (%s, 'assistant', %s, %s)",
                         (conversation, f"Resposta {n}: as reuniões de manutenção são às quintas.", 420))

    # history, newest first, 20 a page; the next page starts after the last row of this one
    with acting_as(app, ana) as conn:
        page = conn.execute("SELECT created_at, id, role, content FROM api.conversation_history(%s, p_limit => 20)",
                            (conversation,)).fetchall()
        last_created_at, last_id = page[-1][0], page[-1][1]
        older = conn.execute("SELECT created_at, id, role, content FROM api.conversation_history("
                             "%s, p_before_created_at => %s, p_before_id => %s, p_limit => 20)",
                             (conversation, last_created_at, last_id)).fetchall()
        count = conn.execute("SELECT message_count FROM api.conversations WHERE id = %s", (conversation,)).fetchone()[0]
    assert len(page) == 20 and len(older) == 20 and count == 60
    assert page[0][3].startswith("Resposta 30") and page[1][3].startswith("Pergunta 30")
    assert not {row[1] for row in page} & {row[1] for row in older}
    print(f"history: {count} messages, newest: {page[0][3]!r}")

    # search, accent-insensitive Portuguese full text
    with acting_as(app, ana) as conn:
        hits = conn.execute("SELECT content, rank FROM api.search_messages(%s, p_limit => 5)", ("reuniao",)).fetchall()
    assert hits, "search for 'reuniao' found nothing"
    print(f"search 'reuniao': {len(hits)} hits, best: {hits[0][0]!r}")

    # memories: tiers are an api type the app names; recall ranks relevance, importance, recency
    with acting_as(app, ana) as conn:
        conn.execute("INSERT INTO api.memories (tier, content, importance) VALUES "
                     "('long_term', %s, 0.9), ('short_term', %s, 0.2)",
                     ("Ana prefere voar pela manhã, antes das 10h.", "Ana perguntou sobre o clima hoje."))
        recalled = conn.execute("SELECT tier::text, content FROM api.recall_memories(%s, p_tiers => %s::api.memory_tier[])",
                                ("voar manhã", ["long_term", "critical"])).fetchall()
    assert recalled and recalled[0][0] == "long_term"
    print(f"recall: {recalled[0][1]!r}")

    # a reminder due now, dispatched once by the service (SKIP LOCKED: safe with several dispatchers)
    with acting_as(app, ana) as conn:
        conn.execute("INSERT INTO api.reminders (conversation_id, title, scheduled_at) VALUES (%s, %s, %s)",
                     (conversation, "Revisar o plano de voo", datetime.now(timezone.utc) - timedelta(minutes=1)))
    with service.connection() as conn:
        claimed = conn.execute("SELECT user_id, title FROM api.claim_due_reminders(100)").fetchall()
        again = conn.execute("SELECT count(*) FROM api.claim_due_reminders(100) WHERE user_id = %s", (ana,)).fetchone()[0]
    assert (ana, "Revisar o plano de voo") in claimed and again == 0
    print(f"reminders dispatched: {len(claimed)}")

    # operations: a log line (level in any case) and one integration call, start to end
    with app.connection() as conn:
        conn.execute("SELECT api.write_log(%s, %s, %s, %s)",
                     ("info", "chat_app", "conversa criada", Jsonb({"module": "examples.chat_app", "line": 90})))
        execution = conn.execute("SELECT api.start_process(%s, %s)",
                                 ("consultar_estoque", Jsonb({"codigo": "PN-3321-A"}))).fetchone()[0]
        duration = conn.execute("SELECT api.complete_process(%s, true, %s)",
                                (execution, Jsonb({"saldo": 12}))).fetchone()[0]
    print(f"process {execution}: {duration} ms")

    # what the database refuses, and how it says so: another user's conversation is invisible
    bruno = sign_up(service, "Bruno Lima", f"bruno.{uuid.uuid4().hex[:8]}@exemplo.com.br")
    with acting_as(app, bruno) as conn:
        assert conn.execute("SELECT count(*) FROM api.messages WHERE conversation_id = %s",
                            (conversation,)).fetchone()[0] == 0
    try:
        with acting_as(app, bruno) as conn:
            conn.execute("INSERT INTO api.messages (conversation_id, role, content) VALUES (%s, 'user', 'oi')",
                         (conversation,))
    except psycopg.errors.ForeignKeyViolation:
        print("bruno cannot write into ana's conversation (23503)")
    else:
        raise AssertionError("bruno wrote into ana's conversation")
    print("chat_app: ok")


if __name__ == "__main__":
    main()
