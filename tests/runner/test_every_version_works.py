"""Every intermediate version a DBA can stop at works: migrate one step at a time from empty and,
after each step, run what an application and a DBA do at that version (create a user, a
conversation, write and read messages through api as the app role, search, partition maintenance);
then roll back one step at a time doing the same. Features are detected in the catalog, so the
workload is the one the version supports."""
import uuid

import psycopg
import pytest
from psycopg import sql


def migration_ids(project):
    return sorted(p.stem for p in (project / "migrations").glob("[0-9]*.sql") if not p.name.endswith(".rollback.sql"))


def exists(c, kind: str, name: str) -> bool:
    fn = {"rel": "to_regclass", "proc": "to_regprocedure"}[kind]
    return c.execute(sql.SQL("SELECT {}(%s) IS NOT NULL").format(sql.Identifier(fn)), (name,)).fetchone()[0]


def act_as(c, user_id):
    """Name the end user the way the version's api expects."""
    if exists(c, "proc", "api.act_as(uuid)"):
        c.execute("SELECT api.act_as(%s)", (user_id,))
    else:
        c.execute("SELECT set_config('app.user_id', %s, true)", (str(user_id),))


def smoke(url: str) -> list[str]:
    """Runs the workload the database supports; returns what it exercised (for the failure message)."""
    did = []
    with psycopg.connect(url, autocommit=True) as c:
        if exists(c, "rel", "core.users"):
            uid = c.execute("INSERT INTO core.users (name, email) VALUES ('Smoke', %s) RETURNING id",
                            (f"smoke-{uuid.uuid4().hex[:8]}@example.org",)).fetchone()[0]
            did.append("user")
            if exists(c, "rel", "core.messages") and exists(c, "rel", "api.messages"):
                with c.transaction():
                    c.execute("SET LOCAL ROLE assistant_app")
                    act_as(c, uid)
                    conv = c.execute("INSERT INTO api.conversations (name) VALUES ('smoke') RETURNING id").fetchone()[0]
                    c.execute("INSERT INTO api.messages (conversation_id, role, content) VALUES (%s, 'user', %s), (%s, 'assistant', %s)",
                              (conv, "Qual a previsão para a decolagem?", conv, "Vento calmo, decolagem liberada."))
                    n = c.execute("SELECT message_count FROM api.conversations WHERE id = %s", (conv,)).fetchone()[0]
                    assert n == 2, f"message_count {n}"
                    did.append("messages")
                    if exists(c, "proc", "api.conversation_history(uuid,timestamptz,uuid,integer)"):
                        rows = c.execute("SELECT role::text FROM api.conversation_history(%s)", (conv,)).fetchall()
                        assert [r[0] for r in rows] == ["assistant", "user"], rows
                        did.append("history")
                    if (exists(c, "proc", "api.search_messages(text,uuid,timestamptz,timestamptz,integer,integer)")
                            or exists(c, "proc", "api.search_messages(text,uuid,timestamptz,timestamptz,integer,integer,boolean)")):  # 0040 added p_typo_fallback
                        rows = c.execute("SELECT content FROM api.search_messages('decolagem')").fetchall()
                        assert len(rows) == 2, rows
                        did.append("search")
        if exists(c, "proc", "maint.run_maintenance()"):
            c.execute("CALL maint.run_maintenance()")
            did.append("maintenance")
    return did


@pytest.mark.slow
def test_every_version_works_when_applied_and_rolled_back_one_at_a_time(run, project, empty_db):
    ids = migration_ids(project)
    for mid in ids:
        r = run("apply", "--to", mid)
        assert r.code == 0, r.text
        try:
            did = smoke(empty_db)
        except Exception as exc:  # name the version that broke
            pytest.fail(f"after applying {mid}: {type(exc).__name__}: {exc}")
    # the head supports the whole workload: the smoke test is not vacuous
    assert set(did) >= {"user", "messages", "history", "search", "maintenance"}, did
    for mid in reversed(ids[1:]):
        r = run("rollback")
        assert r.code == 0, f"rolling back {mid}: {r.text}"
        try:
            smoke(empty_db)
        except Exception as exc:
            pytest.fail(f"after rolling back {mid}: {type(exc).__name__}: {exc}")
