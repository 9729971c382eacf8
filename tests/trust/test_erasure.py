"""Erasure and export (LGPD): api.erase_user removes everything a person owns, in every table the
catalog shows (partitions, the default partition, tables detached into archive, tables added
later), and pseudonymises every mention of them elsewhere (audit trail, logs, executions, alerts,
other users' data), recording the erasure without personal data; api.export_user gives everything
held about a person as one JSON document."""
from __future__ import annotations

import json
import secrets
import time
import uuid
from dataclasses import dataclass

import psycopg
import pytest
from psycopg import sql
from psycopg.types.json import Jsonb

# every column of a string or JSON type, of every table (partitions and archive included), in
# every schema that is not the system's
TEXT_COLUMNS = """
    SELECT n.nspname, c.relname, a.attname
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
      JOIN pg_type t ON t.oid = a.atttypid
     WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'
       AND (t.typcategory = 'S' OR t.oid IN ('json'::regtype, 'jsonb'::regtype)
            OR (t.typcategory = 'A' AND (SELECT e.typcategory FROM pg_type e WHERE e.oid = t.typelem) = 'S'))
     ORDER BY 1, 2, 3"""

TABLES = """
    SELECT format('%I.%I', n.nspname, c.relname)
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'
     ORDER BY 1"""


def hits(db, needles: list[str]) -> list[tuple[str, str]]:
    """(table.column, needle) for every string/JSON column of every table holding a needle."""
    found = []
    for schema, table, column in db.execute(TEXT_COLUMNS).fetchall():
        q = sql.SQL("SELECT n FROM unnest(%s::text[]) AS n WHERE EXISTS "
                    "(SELECT FROM {}.{} AS t WHERE t.{}::text ILIKE '%%' || n || '%%')").format(
            sql.Identifier(schema), sql.Identifier(table), sql.Identifier(column))
        found += [(f"{schema}.{table}.{column}", n) for (n,) in db.execute(q, (needles,)).fetchall()]
    return found


def snapshot(db) -> dict[str, tuple[int, str]]:
    """Row count and md5 of the sorted rows of every table."""
    out = {}
    for (table,) in db.execute(TABLES).fetchall():
        out[table] = db.execute(f"SELECT count(*), md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '')) "
                                f"FROM {table} t").fetchone()
    return out


# the tables a user owns rows in: a user_id column, partitioned parents and archived partitions
OWNED_TABLES = """
    SELECT format('%I.%I', n.nspname, c.relname)
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'user_id' AND NOT a.attisdropped
     WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND n.nspname NOT IN ('pg_catalog', 'information_schema')
     ORDER BY 1"""


def owned_rows(db, user_id) -> dict[str, list[str]]:
    """Every row a user owns, table by table, as sorted text."""
    out = {"core.users": [r[0] for r in db.execute("SELECT u::text FROM core.users u WHERE id = %s", (user_id,))]}
    for (table,) in db.execute(OWNED_TABLES).fetchall():
        out[table] = [r[0] for r in db.execute(f"SELECT t::text FROM {table} t WHERE user_id = %s ORDER BY 1", (user_id,))]
    return out


@dataclass
class Person:
    id: uuid.UUID
    name: str
    email: str
    said: str          # a distinctive string of their messages


USER_TABLES = ["core.users", "core.conversations", "core.messages", "core.tasks", "core.events", "core.actions",
               "core.reminders", "core.memories", "core.credentials", "ops.dashboards",
               "core.search_words"]  # 0040: the user's search vocabulary, derived from messages and memories


def make_person(db, first: str, last: str) -> Person:
    tag = secrets.token_hex(3)
    p = Person(None, f"{first} {last} {tag}", f"{first.lower()}.{tag}@exemplo.com.br",
               f"Consulta sigilosa de {first} número {tag}")
    p.id = db.execute("INSERT INTO core.users (name, email, preferences, metadata) VALUES (%s, %s, %s, %s) RETURNING id",
                      (p.name, p.email, Jsonb({"idioma": "pt-BR"}), Jsonb({"crm": p.email}))).fetchone()[0]
    return p


def give_data(db, p: Person, archive_month: str = "2025-01-15") -> None:
    """A row in every user-owned table, messages in two months, the default partition and an
    old month (archived by the caller), an audit trail of profile changes."""
    conv = db.execute("INSERT INTO core.conversations (user_id, name, summary, metadata) VALUES (%s, %s, %s, %s) RETURNING id",
                      (p.id, f"Conversa de {p.name}", f"Resumo: {p.said}", Jsonb({"email": p.email}))).fetchone()[0]
    conv2 = db.execute("INSERT INTO core.conversations (user_id, name) VALUES (%s, 'Manutenção') RETURNING id", (p.id,)).fetchone()[0]
    for when in ("now()", "now() + interval '1 month'", "'2020-06-15'", f"'{archive_month}'"):
        db.execute(f"INSERT INTO core.messages (user_id, conversation_id, role, content, metadata, created_at) "
                   f"VALUES (%s, %s, 'user', %s, %s, {when}), (%s, %s, 'assistant', %s, '{{}}', {when})",
                   (p.id, conv, f"{p.said} — sou {p.name}, {p.email}", Jsonb({"from": p.email}), p.id, conv2, p.said))
    msg = db.execute("SELECT created_at, id FROM core.messages WHERE user_id = %s AND conversation_id = %s "
                     "ORDER BY created_at DESC LIMIT 1", (p.id, conv)).fetchone()
    task = db.execute("INSERT INTO core.tasks (user_id, conversation_id, agent, description, result) VALUES (%s, %s, 'agenda', %s, %s) "
                      "RETURNING id", (p.id, conv, f"Marcar voo de {p.name}", Jsonb({"nota": p.said}))).fetchone()[0]
    db.execute("INSERT INTO core.events (user_id, conversation_id, task_id, actor, type, content) VALUES (%s, %s, %s, 'agenda', 'task.created', %s)",
               (p.id, conv, task, Jsonb({"email": p.email})))
    db.execute("INSERT INTO core.actions (user_id, conversation_id, message_created_at, message_id, type, name, parameters) "
               "VALUES (%s, %s, %s, %s, 'query', 'consultar', %s)", (p.id, conv, msg[0], msg[1], Jsonb({"quem": p.name})))
    db.execute("INSERT INTO core.reminders (user_id, conversation_id, title, description, scheduled_at) VALUES (%s, %s, %s, %s, now() + interval '1 day')",
               (p.id, conv, f"Lembrar {p.name}", p.said))
    db.execute("INSERT INTO core.memories (user_id, tier, content, source_conversation_id) VALUES (%s, 'long_term', %s, %s)",
               (p.id, f"{p.name} prefere janela; {p.said}", conv))
    db.execute("INSERT INTO core.credentials (user_id, kind, title, number, issuer, valid_from, metadata) "
               "VALUES (%s, 'licence', 'PPL', %s, 'ANAC', '2020-01-01', %s)", (p.id, f"PPL-{p.id.hex[:6]}", Jsonb({"titular": p.name})))
    db.execute("INSERT INTO ops.dashboards (user_id, name, description, widgets) VALUES (%s, %s, %s, %s)",
               (p.id, f"Painel de {p.name}", p.email, Jsonb([{"view": "api.tool_usage_7d", "titulo": p.said}])))
    # an audit trail: the profile changed twice
    db.execute("UPDATE core.users SET preferences = %s WHERE id = %s", (Jsonb({"idioma": "pt-BR", "voz": p.name}), p.id))
    db.execute("UPDATE core.users SET metadata = %s WHERE id = %s", (Jsonb({"crm": p.email, "nota": p.said}), p.id))


@pytest.fixture
def world(db):
    """Ana (to be erased), Bruno (must stay intact), Carla (whose data mentions Ana), operational
    rows mentioning Ana, and an old month of messages detached into archive."""
    db.execute("SELECT maint.create_partition('core.messages', '2025-01-01')")
    ana, bruno, carla = (make_person(db, "Ana", "Beatriz Souza"), make_person(db, "Bruno", "Carvalho Lima"),
                         make_person(db, "Carla", "Dias Rocha"))
    for p in (ana, bruno):
        give_data(db, p)
    conv = db.execute("INSERT INTO core.conversations (user_id, name) VALUES (%s, 'Equipe') RETURNING id", (carla.id,)).fetchone()[0]
    db.execute("INSERT INTO core.messages (user_id, conversation_id, role, content, metadata) VALUES (%s, %s, 'user', %s, %s)",
               (carla.id, conv, f"Falei com {ana.name.upper()} ({ana.email.upper()}) sobre o voo",
                Jsonb({"mencionado": str(ana.id)})))
    # operations that mention Ana: log lines, an execution, an alert, a configuration entry
    db.execute("SELECT api.write_log('INFO', 'brain', %s, %s)",
               (f"login de {ana.email}", Jsonb({"trace_id": f"trace-{ana.id}", "user_id": str(ana.id), "nome": ana.name})))
    db.execute("SELECT api.write_log('ERROR', 'erp_gateway', %s, %s)", (f"falha para {ana.name}", Jsonb({"module": "erp"})))
    db.execute("SELECT api.write_log('INFO', 'brain', %s)", (f"resposta para {bruno.email}",))
    ex = db.execute("SELECT api.start_process('consultar_estoque', %s, 'https://erp.example/estoque', %s, '203.0.113.7', 'app/1.0', %s)",
                    (Jsonb({"email": ana.email}), Jsonb({"cliente": ana.name}), f"sessao-{ana.id}")).fetchone()[0]
    db.execute("SELECT api.complete_process(%s, false, %s, %s)", (ex, Jsonb({"para": ana.email}), f"{ana.name} sem cadastro"))
    db.execute("SELECT api.raise_alert('api_timeout', 'warning', 'ERP lento', %s, %s, %s)",
               (f"pedido de {ana.email}", Jsonb({"user_id": str(ana.id)}), ex))
    db.execute("SELECT api.set_config('support.last_contact', %s, 'setting', 'último contato', %s)", (Jsonb(ana.email), ana.email))
    # January 2025 leaves for the archive (a retention of one year, detach), with messages of Ana and Bruno
    done = db.execute("SELECT action, partition FROM maint.register_partitioned_table("
                      "'core.messages', 'month', 3, interval '1 year', 'detach')").fetchall()
    assert ("detach", "core.messages_p202501") in done
    db.commit()
    assert db.execute("SELECT count(*) FROM archive.messages_p202501 WHERE user_id = %s", (ana.id,)).fetchone()[0] == 2
    assert db.execute("SELECT count(*) FROM core.messages_default WHERE user_id = %s", (ana.id,)).fetchone()[0] == 2
    return ana, bruno, carla


@pytest.fixture
def service(login):
    """An autocommit connection of a LOGIN role that is only in assistant_service."""
    name, _, url = login("assistant_service")
    conns = []

    def _connect():
        conns.append(psycopg.connect(url, autocommit=True))
        return conns[-1]
    _connect.login = name
    yield _connect
    for c in conns:
        c.close()


def erase(conn, user_id) -> dict:
    return conn.execute("SELECT api.erase_user(%s)", (user_id,)).fetchone()[0]


def test_erasure_leaves_no_trace_of_the_person_and_keeps_everyone_else(db, world, service):
    ana, bruno, carla = world
    needles = [ana.email, ana.name, ana.said, str(ana.id), ana.id.hex]
    found = {t for t, _ in hits(db, needles)}
    assert found >= {"core.users.email", "core.messages_default.content", "archive.messages_p202501.content",
                     "core.memories.content", "ops.process_executions.input_params", "ops.alerts.message",
                     "ops.config.updated_by"}, found
    assert any(t.startswith("ops.audit_log_p") and t.endswith(".new_values") for t in found), found
    bruno_before = owned_rows(db, bruno.id)
    assert all(bruno_before[t] for t in USER_TABLES + ["archive.messages_p202501"]), bruno_before
    ana_before = {t: len(rows) for t, rows in owned_rows(db, ana.id).items() if rows}
    db.commit()

    started = time.monotonic()
    summary = erase(service(), ana.id)
    elapsed = time.monotonic() - started
    print(f"\nerase_user: {sum(ana_before.values())} rows owned, {elapsed * 1000:.0f} ms")  # a smoke figure

    assert hits(db, needles) == []
    # what was deleted, table by table, is what Ana owned
    assert summary["deleted"] == ana_before
    assert summary["user_found"] and summary["name_erased"] and not summary["already_erased"]
    assert {"ops.audit_log", "ops.system_logs", "ops.process_executions", "ops.alerts", "ops.config",
            "core.messages"} <= set(summary["pseudonymised"])
    assert db.execute("SELECT count(*) FROM ops.audit_log WHERE app_user_id = %s OR row_key::text LIKE %s OR subject_user_id = %s",
                      (ana.id, f"%{ana.id}%", ana.id)).fetchone()[0] == 0
    # Bruno is untouched, row for row
    assert owned_rows(db, bruno.id) == bruno_before
    # Carla keeps her message, without Ana in it
    [(content, meta)] = db.execute("SELECT content, metadata FROM core.messages WHERE user_id = %s", (carla.id,)).fetchall()
    pseudonym = uuid.UUID(summary["pseudonym"])
    assert (content, meta) == ("Falei com [erased] ([erased]) sobre o voo", {"mencionado": str(pseudonym)})
    # the facts stay, pseudonymised: the log line, the execution (its client address cleared), the alert
    assert db.execute("SELECT message, trace_id, metadata FROM ops.system_logs WHERE source = 'brain' AND level = 'INFO' "
                      "AND message LIKE 'login de%%'").fetchone() == (
        "login de [erased]", f"trace-{pseudonym}", {"user_id": str(pseudonym), "nome": "[erased]"})
    assert db.execute("SELECT status::text, input_params, client_ip, session_id FROM ops.process_executions").fetchone() == (
        "failed", {"email": "[erased]"}, None, f"sessao-{pseudonym}")
    assert db.execute("SELECT message FROM ops.system_logs WHERE message LIKE 'resposta para%%'").fetchone() == (
        f"resposta para {bruno.email}",)
    # the audit trail of Ana's profile: the changes are still there, their values are not
    trail = db.execute("SELECT operation::text, row_key, old_values, new_values FROM ops.audit_log "
                       "WHERE table_name = 'users' AND row_key = %s ORDER BY id", (Jsonb({"id": str(pseudonym)}),)).fetchall()
    assert [op for op, *_ in trail] == ["INSERT", "UPDATE", "UPDATE", "DELETE"]
    # 0095: whose rows they were about reads the pseudonym too, for her profile and her own rows
    about, rows_about = db.execute("SELECT count(*) FILTER (WHERE subject_user_id = %s), count(*) FROM ops.audit_log"
                                   " WHERE row_key ->> 'user_id' = %s OR (table_name = 'users' AND row_key ->> 'id' = %s)",
                                   (pseudonym, str(pseudonym), str(pseudonym))).fetchone()
    assert about == rows_about > len(trail)
    assert trail[1][2] == {"preferences": "[erased]"} and trail[1][3] == {"preferences": "[erased]"}
    assert set(trail[3][2].values()) == {"[erased]"} and "email" in trail[3][2]

    # recorded, without personal data
    rec = db.execute("SELECT to_jsonb(e) FROM ops.erasure_log e").fetchall()
    assert len(rec) == 1
    rec = rec[0][0]
    assert rec["login_role"] == service.login and rec["pseudonym"] == str(pseudonym) and rec["completed_at"]
    assert rec["deleted"] == ana_before
    assert not any(n.lower() in json.dumps(rec, ensure_ascii=False).lower() for n in needles)


def test_erasing_again_changes_nothing_and_reports_the_first_erasure(db, world, service):
    ana, bruno, _ = world
    first = erase(service(), ana.id)
    db.commit()
    before = snapshot(db)
    db.commit()
    again = erase(service(), ana.id)
    assert again["already_erased"] and again["deleted"] == {} and again["pseudonymised"] == {}
    assert (again["erasure_id"], again["pseudonym"]) == (first["erasure_id"], first["pseudonym"])
    assert snapshot(db) == before
    # the pseudonym is stable: one per person, never the id itself
    assert first["pseudonym"] != str(ana.id)
    assert db.execute("SELECT count(*) FROM ops.erasure_log").fetchone() == (1,)


def test_export_holds_every_row_of_every_table_of_the_person_and_nobody_elses(db, world, service):
    ana, bruno, carla = world
    doc = service().execute("SELECT api.export_user(%s)", (bruno.id,)).fetchone()[0]
    assert doc["user_id"] == str(bruno.id)
    tables = doc["tables"]
    for table, rows in owned_rows(db, bruno.id).items():
        assert len(tables[table]) == len(rows), table
    assert {t for t in USER_TABLES + ["archive.messages_p202501"] if tables[t]} == set(USER_TABLES + ["archive.messages_p202501"])
    assert tables["core.users"][0]["email"] == bruno.email
    assert all("search_vector" not in m for m in tables["core.messages"])
    # the audit entries about Bruno's profile, and the log line that names him
    assert {(r["table_name"], r["operation"]) for r in tables["ops.audit_log"]} >= {("users", "INSERT"), ("users", "UPDATE")}
    assert [r["message"] for r in tables["ops.system_logs"]] == [f"resposta para {bruno.email}"]
    text = json.dumps(doc, ensure_ascii=False)
    assert ana.email not in text and ana.said not in text and carla.email not in text

    ana_doc = service().execute("SELECT api.export_user(%s)", (ana.id,)).fetchone()[0]["tables"]
    assert len(ana_doc["ops.system_logs"]) == 2 and len(ana_doc["ops.process_executions"]) == 1
    assert len(ana_doc["ops.alerts"]) == 1 and ana_doc["ops.config"][0]["updated_by"] == ana.email
    assert "Carla" not in json.dumps(ana_doc, ensure_ascii=False)   # Carla's message about Ana is Carla's


def test_export_of_an_unknown_or_erased_user_is_no_data(world, service):
    ana, _, _ = world
    svc = service()
    erase(svc, ana.id)
    with pytest.raises(psycopg.errors.NoDataFound, match="nothing left to export"):
        svc.execute("SELECT api.export_user(%s)", (ana.id,))


def test_a_table_added_later_is_erased_without_a_list(db, world, service):
    ana, bruno, _ = world
    db.execute("CREATE SCHEMA extra")
    db.execute("CREATE TABLE extra.voice_samples (user_id uuid NOT NULL, id int, transcript text)")
    db.execute("ALTER SCHEMA extra OWNER TO assistant_owner")
    db.execute("ALTER TABLE extra.voice_samples OWNER TO assistant_owner")
    db.execute("INSERT INTO extra.voice_samples VALUES (%s, 1, %s), (%s, 2, 'bom dia')", (ana.id, ana.said, bruno.id))
    db.commit()
    summary = erase(service(), ana.id)
    assert summary["deleted"]["extra.voice_samples"] == 1
    assert db.execute("SELECT user_id FROM extra.voice_samples").fetchall() == [(bruno.id,)]


def test_a_user_table_the_erasure_cannot_delete_from_is_an_error(db, world, service):
    ana, _, _ = world
    db.execute("CREATE TABLE public.shadow_copy (user_id uuid, note text)")
    db.execute("INSERT INTO public.shadow_copy VALUES (%s, 'x')", (ana.id,))
    db.commit()
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="public.shadow_copy holds user_id rows"):
        erase(service(), ana.id)
    assert db.execute("SELECT count(*) FROM core.users WHERE id = %s", (ana.id,)).fetchone() == (1,)  # nothing erased


def test_a_one_word_name_is_not_erased_from_other_peoples_text(db, service):
    uid = db.execute("INSERT INTO core.users (name, email) VALUES ('Ana', 'ana.unica@exemplo.com') RETURNING id").fetchone()[0]
    db.execute("SELECT api.write_log('INFO', 'brain', 'Ana Maria pediu banana; ana.unica@exemplo.com; "
               "joana.unica@exemplo.com e ana.unica@exemplo.com.br são outras')")
    db.commit()
    summary = erase(service(), uid)
    assert not summary["name_erased"]
    assert db.execute("SELECT message FROM ops.system_logs").fetchall() == [
        ("Ana Maria pediu banana; [erased]; joana.unica@exemplo.com e ana.unica@exemplo.com.br são outras",)]


@pytest.mark.parametrize("role", ["assistant_app", "assistant_readonly"])
def test_only_the_service_erases_and_exports(connect, world, role):
    ana, _, _ = world
    conn = connect(role=role)
    for statement in ("SELECT api.erase_user(%s)", "SELECT api.export_user(%s)"):
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(statement, (ana.id,))


def test_the_erasure_path_does_not_open_the_audit_log_to_anyone(db, db_url, world, service):
    ana, bruno, _ = world
    with service() as svc:
        svc.autocommit = False
        erase(svc, ana.id)
        # same transaction, after the erasure: the service still may not touch audit rows or forge an erasure
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            svc.execute("UPDATE ops.audit_log SET new_values = '{}'")
        svc.rollback()
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            svc.execute("INSERT INTO ops.erasure_log (pseudonym, db_role) VALUES (gen_random_uuid(), 'x')")
        svc.rollback()
    # the owner itself, outside an erasure, may not rewrite history
    with psycopg.connect(db_url) as owner:
        owner.execute("SET ROLE assistant_owner")
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="append-only: UPDATE refused outside an erasure"):
            owner.execute("UPDATE ops.audit_log SET db_role = 'someone' WHERE row_key ->> 'id' = %s", (str(bruno.id),))
        owner.rollback()
        # nor can an erasure's transaction change what dates and identifies an audit row
        owner.execute("SET ROLE assistant_owner")
        owner.execute("INSERT INTO ops.erasure_log (pseudonym, db_role) VALUES (gen_random_uuid(), 'test')")
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="not change its id, time, operation or transaction"):
            owner.execute("UPDATE ops.audit_log SET changed_at = changed_at - interval '1 day'")
        owner.rollback()
