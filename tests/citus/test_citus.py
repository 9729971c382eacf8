"""On a Citus coordinator with workers (CITUS_URL): the migrations apply unchanged, `runner.py
distribute` places every user-owned table by user_id colocated with core.users and is
idempotent, and the write API works there as an application uses it (a LOGIN only in
assistant_app, bind parameters, Portuguese text): counters exact under 4 concurrent writers,
another user's conversation refused, the audit trail written from the shards, no routine more
executable by PUBLIC on a worker than on the coordinator. Skipped without CITUS_URL."""
import threading
from pathlib import Path

import psycopg
import pytest
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb

from assistant_db.citus import USER_TABLES, USERS

ROOT = Path(__file__).resolve().parents[2]


def superuser(cluster):
    return psycopg.connect(cluster.url, autocommit=True)


def make_user(cluster, name):
    with superuser(cluster) as c:
        return c.execute("INSERT INTO core.users (name, email) VALUES (%s, %s) RETURNING id",
                         (name, f"{name.lower().replace(' ', '.')}@example.org")).fetchone()[0]


def acting(app_login, user_id):
    conn = psycopg.connect(app_login, row_factory=dict_row)

    def act():
        conn.rollback()
        conn.execute("SELECT api.act_as(%s)", (user_id,))
        return conn
    return conn, act


def exact_count(cluster, conv):
    """(message_count with the pending deltas, the real number of messages), read on the coordinator."""
    with superuser(cluster) as c:
        return c.execute(
            "SELECT c.message_count + coalesce((SELECT sum(d.message_count) FROM core.conversation_message_deltas d"
            "        WHERE d.user_id = c.user_id AND d.conversation_id = c.id), 0),"
            "       (SELECT count(*) FROM core.messages m WHERE m.user_id = c.user_id AND m.conversation_id = c.id)"
            "  FROM core.conversations c WHERE c.user_id = (SELECT user_id FROM core.conversations WHERE id = %s) AND c.id = %s",
            (conv, conv)).fetchone()


def test_the_migrations_apply_unchanged_on_the_coordinator(migrated):
    files = sorted(p.name[:-4] for p in (ROOT / "migrations").glob("[0-9]*.sql") if not p.name.endswith(".rollback.sql"))
    with superuser(migrated) as c:
        applied = {r[0] for r in c.execute("SELECT migration_id FROM _yoyo_migration").fetchall()}
        assert c.execute("SELECT extversion FROM pg_extension WHERE extname = 'citus'").fetchone()[0]
    assert set(files) <= applied


def test_distribute_is_idempotent(migrated, runner_cli):
    again = runner_cli("distribute", url=migrated.url)
    assert again.returncode == 0, again.stderr
    assert "distributed: nothing to change" in again.stdout


def test_every_user_owned_table_is_distributed_by_user_id_colocated_with_users(migrated):
    with superuser(migrated) as c:
        rows = dict(c.execute(
            "SELECT logicalrelid::regclass::text, colocationid FROM pg_dist_partition WHERE partmethod = 'h'").fetchall())
        users = rows[USERS]
        for table in USER_TABLES:
            assert rows.get(table) == users, f"{table} is not colocated with {USERS}"
            col = c.execute("SELECT column_to_column_name(logicalrelid, partkey) FROM pg_dist_partition"
                            " WHERE logicalrelid = %s::regclass", (table,)).fetchone()[0]
            assert col == "user_id"
        # core.messages' partitions, the default one included, are distributed with it
        parts = c.execute("SELECT i.inhrelid::regclass::text FROM pg_inherits i WHERE i.inhparent = 'core.messages'::regclass").fetchall()
        assert parts and all(rows.get(p) == users for (p,) in parts)
        # the audit log by whose row each audit row is about, colocated (0095), its partitions too
        assert rows.get("ops.audit_log") == users
        assert c.execute("SELECT column_to_column_name(logicalrelid, partkey) FROM pg_dist_partition"
                         " WHERE logicalrelid = 'ops.audit_log'::regclass").fetchone()[0] == "subject_user_id"
        parts = c.execute("SELECT i.inhrelid::regclass::text FROM pg_inherits i WHERE i.inhparent = 'ops.audit_log'::regclass").fetchall()
        assert parts and all(rows.get(p) == users for (p,) in parts)
        # configuration and secrets stay on the coordinator
        for table in ("ops.config", "ops.config_secrets", "maint.partition_policies"):
            assert c.execute("SELECT NOT EXISTS (SELECT FROM pg_dist_partition WHERE logicalrelid = %s::regclass)",
                             (table,)).fetchone()[0]


def test_no_routine_is_more_executable_by_public_on_a_worker_than_on_the_coordinator(migrated):
    q = ("SELECT p.oid::regprocedure::text FROM pg_proc p WHERE p.pronamespace::regnamespace::text IN"
         " ('core', 'api', 'ops', 'util', 'maint') AND has_function_privilege('public', p.oid, 'EXECUTE') ORDER BY 1")
    with superuser(migrated) as c:
        on_coordinator = {r[0] for r in c.execute(q).fetchall()}
    for worker in migrated.workers:
        with psycopg.connect(worker) as w:
            on_worker = {r[0] for r in w.execute(q).fetchall()}
        assert on_worker <= on_coordinator, sorted(on_worker - on_coordinator)


def test_the_write_api_works_and_each_users_rows_are_on_one_shard_group(migrated, app_login):
    uid = make_user(migrated, "Joana")
    conn, act = acting(app_login, uid)
    try:
        c = act()
        conv = c.execute("SELECT * FROM api.start_conversation(%s, %s)", ("Plano de voo", Jsonb({"canal": "voz"}))).fetchone()
        m = c.execute("SELECT * FROM api.add_message(%s, %s, %s)",
                      (conv["id"], "user", "Qual é a previsão para São Paulo amanhã?")).fetchone()
        # all in one transaction: before 0095 a worker crashed committing these (SIGSEGV in COMMIT
        # PREPARED, Citus 13.2.2 / PostgreSQL 15.20), when the audit rows went to the other node
        batch = c.execute("SELECT * FROM api.add_messages(%s, %s)", (conv["id"], Jsonb([
            {"role": "assistant", "content": "Céu claro, vento calmo.", "agent": "meteorologia"},
            {"role": "user", "content": "Obrigada!"}]))).fetchall()
        t = c.execute("SELECT * FROM api.add_task(%s, %s)", ("Conferir o METAR", conv["id"])).fetchone()
        c.execute("SELECT * FROM api.add_event('task.created', 'despacho', '{}', %s, %s)", (conv["id"], t["id"]))
        c.execute("SELECT * FROM api.add_reminder(%s, now() + interval '1 hour')", ("Exame médico",))
        c.execute("SELECT * FROM api.add_memory(%s, %s)", ("Prefere voar de manhã", "long_term"))
        c.execute("SELECT * FROM api.add_action(%s, 'query', 'metar.lookup')", (conv["id"],))
        c.execute("SELECT * FROM api.rename_conversation(%s, %s)", (conv["id"], "Voo para Campinas"))
        ended = c.execute("SELECT * FROM api.end_conversation(%s)", (conv["id"],)).fetchone()
        conn.commit()
    finally:
        conn.close()
    assert m["user_id"] == uid and [b["content"] for b in batch] == ["Céu claro, vento calmo.", "Obrigada!"]
    assert not ended["is_active"] and ended["name"] == "Voo para Campinas"
    assert exact_count(migrated, conv["id"]) == (3, 3)
    with superuser(migrated) as s:
        # the audit log too (0095): the audit rows of a user's rows are on the node of those rows
        shards = {s.execute("SELECT get_shard_id_for_distribution_column(%s, %s)", (t, uid)).fetchone()[0]
                  for t in USER_TABLES + ["ops.audit_log"]}
        audited = {r[0] for r in s.execute("SELECT table_name || ' ' || operation::text FROM ops.audit_log"
                                           " WHERE subject_user_id = %s", (uid,)).fetchall()}
        assert audited == {"users INSERT", "conversations INSERT", "conversations UPDATE", "memories INSERT"}, audited
        index = {s.execute("SELECT shardminvalue FROM pg_dist_shard WHERE shardid = %s", (sh,)).fetchone()[0] for sh in shards}
        assert len(index) == 1  # the same hash range in every table: one shard group, one node


def test_counters_stay_exact_under_4_concurrent_writers(migrated, app_login):
    uid = make_user(migrated, "Concorrente")
    conn, act = acting(app_login, uid)
    conv = act().execute("SELECT id FROM api.start_conversation('Quatro escritores')").fetchone()["id"]
    conn.commit()
    conn.close()
    errors = []
    barrier = threading.Barrier(4)

    def writer(n):
        w, wact = acting(app_login, uid)
        try:
            barrier.wait()
            for i in range(15):
                c = wact()
                if i % 3 == 0:
                    c.execute("SELECT * FROM api.add_messages(%s, %s, %s)",
                              (conv, ["user", "assistant"], [f"escritor {n} mensagem {i}", f"resposta {n}.{i}"]))
                else:
                    c.execute("SELECT * FROM api.add_message(%s, 'user', %s)", (conv, f"escritor {n}: olá {i}"))
                w.commit()
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            w.close()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(120)
    assert not errors, errors
    assert exact_count(migrated, conv) == (80, 80)  # 4 writers x (5 x 2 + 10 x 1)


def test_another_users_conversation_is_refused_by_the_write_api(migrated, app_login):
    a, b = make_user(migrated, "Ana"), make_user(migrated, "Bruno")
    conn, act_a = acting(app_login, a)
    theirs = act_a().execute("SELECT id FROM api.start_conversation('Da Ana')").fetchone()["id"]
    conn.commit()
    conn.close()
    conn, act_b = acting(app_login, b)
    try:
        with pytest.raises(psycopg.errors.NoDataFound) as exc:
            act_b().execute("SELECT * FROM api.add_message(%s, 'user', 'invasão')", (theirs,))
        assert "p_conversation_id" in exc.value.diag.message_primary
    finally:
        conn.close()
    assert exact_count(migrated, theirs) == (0, 0)


def test_the_audit_trail_is_written_from_the_shards(migrated, app_login):
    # on a shard the trigger runs in Citus's connection, whose login is the role that ran the
    # statement there (assistant_owner, the write API's SECURITY DEFINER owner): login_role names
    # it, not the application's login (README: what differs on Citus)
    uid = make_user(migrated, "Auditada")
    conn, act = acting(app_login, uid)
    conv = act().execute("SELECT id FROM api.start_conversation('Auditoria')").fetchone()["id"]
    conn.commit()
    conn.close()
    with superuser(migrated) as c:
        rows = c.execute("SELECT operation::text, login_role FROM ops.audit_log"
                         " WHERE table_schema = 'core' AND table_name = 'conversations' AND row_key ->> 'id' = %s",
                         (str(conv),)).fetchall()
    assert [r[0] for r in rows] == ["INSERT"]


def test_deleting_a_conversation_clears_the_references_as_on_one_server(migrated, app_login):
    uid = make_user(migrated, "Limpeza")
    conn, act = acting(app_login, uid)
    c = act()
    conv = c.execute("SELECT id FROM api.start_conversation('Temporária')").fetchone()["id"]
    task = c.execute("SELECT id FROM api.add_task('Tarefa que fica', %s)", (conv,)).fetchone()["id"]
    conn.commit()
    conn.close()
    with superuser(migrated) as s:
        s.execute("DELETE FROM core.conversations WHERE user_id = %s AND id = %s", (uid, conv))
        assert s.execute("SELECT conversation_id FROM core.tasks WHERE user_id = %s AND id = %s", (uid, task)).fetchone() == (None,)


def test_due_reminders_are_claimed_once_by_2_dispatchers(migrated, app_login, service_login):
    users = [make_user(migrated, f"Lembrete{i}") for i in range(3)]
    made = set()
    for uid in users:
        conn, act = acting(app_login, uid)
        c = act()
        for i in range(10):
            made.add(c.execute("SELECT id FROM api.add_reminder(%s, now() - interval '1 minute')",
                               (f"Revisão {i} da aeronave",)).fetchone()["id"])
        conn.commit()
        conn.close()
    claimed, errors = [], []
    barrier = threading.Barrier(2)

    def dispatcher():
        with psycopg.connect(service_login, autocommit=True) as d:
            try:
                barrier.wait()
                while True:
                    rows = d.execute("SELECT id FROM api.claim_due_reminders(4)").fetchall()
                    if not rows:
                        break
                    claimed.extend(r[0] for r in rows)
            except Exception as exc:  # noqa: BLE001 - reported below
                errors.append(exc)

    threads = [threading.Thread(target=dispatcher) for _ in range(2)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(120)
    assert not errors, errors
    mine = [i for i in claimed if i in made]
    assert len(mine) == len(set(mine)) == 30  # every one claimed, none twice


def test_every_routine_on_the_workers_has_the_coordinators_definition(migrated):
    q = ("SELECT p.oid::regprocedure::text, md5(pg_get_functiondef(p.oid)) FROM pg_proc p"
         " WHERE p.pronamespace::regnamespace::text IN ('core', 'api', 'ops', 'util', 'maint') AND p.prokind = 'f'")
    with superuser(migrated) as c:
        mine = dict(c.execute(q).fetchall())
    for worker in migrated.workers:
        with psycopg.connect(worker) as w:
            theirs = dict(w.execute(q).fetchall())
        assert theirs and {k: v for k, v in theirs.items() if mine.get(k) != v} == {}


def test_history_pages_follow_the_cursor_and_another_user_gets_P0002(migrated, app_login):
    uid, other = make_user(migrated, "Paginada"), make_user(migrated, "Curiosa")
    conn, act = acting(app_login, uid)
    c = act()
    conv = c.execute("SELECT id FROM api.start_conversation('Histórico longo')").fetchone()["id"]
    sent = [r["id"] for r in c.execute("SELECT id FROM api.add_messages(%s, %s)", (conv, Jsonb(
        [{"role": "user" if i % 2 == 0 else "assistant", "content": f"mensagem número {i} sobre o voo"} for i in range(7)])))]
    conn.commit()
    pages, cursor = [], (None, None)
    while True:
        rows = act().execute("SELECT id, created_at FROM api.conversation_history(%s, %s, %s, 3)",
                             (conv, cursor[0], cursor[1])).fetchall()
        conn.commit()
        if not rows:
            break
        pages.append([r["id"] for r in rows])
        cursor = (rows[-1]["created_at"], rows[-1]["id"])
    conn.close()
    assert [len(p) for p in pages] == [3, 3, 1]
    assert [i for p in pages for i in p] == list(reversed(sent))  # newest first, nothing lost or doubled
    conn, act_other = acting(app_login, other)
    try:
        with pytest.raises(psycopg.errors.NoDataFound):
            act_other().execute("SELECT * FROM api.conversation_history(%s)", (conv,))
    finally:
        conn.close()


def test_every_table_with_a_user_id_column_is_distributed_with_users(migrated):
    # a table added by a later migration (search_words, the import keys) must be in
    # assistant_db.citus.USER_TABLES: on Citus a trigger that writes it from a shard fails otherwise
    with superuser(migrated) as c:
        missing = [r[0] for r in c.execute(
            "SELECT c.oid::regclass::text FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'user_id'"
            " AND NOT a.attisdropped WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition"
            " AND c.relnamespace::regnamespace::text IN ('core', 'ops', 'api', 'maint')"
            " AND NOT EXISTS (SELECT FROM pg_dist_partition p WHERE p.logicalrelid = c.oid) ORDER BY 1").fetchall()]
    # the bulk loader's staging table stays on the coordinator: rows only pass through it, keyed by
    # the load's own sequence (api.load_staged_messages moves them into the distributed messages)
    assert missing == ["core.message_load_staging"]
    assert set(USER_TABLES) >= {"core.search_words", "core.imported_conversations", "core.imported_messages"}


def remote_commands(conn):
    """The (server, command) pairs Citus logs for the statements run while collecting."""
    seen = []
    conn.add_notice_handler(lambda d: seen.append((d.message_detail or "", d.message_primary or ""))
                            if (d.message_primary or "").startswith("issuing") else None)
    return seen


def shards_of(cluster, uid):
    with superuser(cluster) as s:
        return {r[0] for r in s.execute(
            "SELECT logicalrelid::regclass::text || '_' || get_shard_id_for_distribution_column(logicalrelid, %s)"
            "  FROM pg_dist_partition WHERE partmethod = 'h' AND colocationid = (SELECT colocationid FROM pg_dist_partition"
            "  WHERE logicalrelid = 'core.users'::regclass)", (uid,)).fetchall()}


def test_search_with_accents_is_routed_to_the_users_shard_and_finds_only_their_messages(migrated, app_login):
    a, b = make_user(migrated, "Buscadora"), make_user(migrated, "Vizinho")
    for uid, text in ((a, "As previsões para São José dos Campos estão ótimas"), (b, "Previsões de São José para o vizinho")):
        conn, act = acting(app_login, uid)
        c = act()
        conv = c.execute("SELECT id FROM api.start_conversation('Meteorologia')").fetchone()["id"]
        c.execute("SELECT * FROM api.add_message(%s, 'user', %s)", (conv, text))
        conn.commit()
        conn.close()
    conn, act = acting(app_login, a)
    try:
        c = act()
        c.execute("SET LOCAL citus.log_remote_commands = on")
        c.execute("SET LOCAL client_min_messages = log")
        seen = remote_commands(conn)
        rows = c.execute("SELECT content FROM api.search_messages(%s)", ("previsao sao jose",)).fetchall()
        conn.rollback()
    finally:
        conn.close()
    assert [r["content"] for r in rows] == ["As previsões para São José dos Campos estão ótimas"]
    servers = {d.split(" connectionId")[0] for d, m in seen if "core." in m}
    assert len(servers) == 1, seen  # one node
    mine = shards_of(migrated, a)
    named = {w for _, m in seen for w in m.replace("(", " ").replace(")", " ").split() if w.startswith("core.") and "_1" in w}
    assert named and named <= mine, (named, mine)  # and only the user's shards


def test_recall_with_accents_finds_the_users_memories_and_records_the_recall(migrated, app_login):
    a, b = make_user(migrated, "Lembrada"), make_user(migrated, "Outra")
    for uid, text in ((a, "Prefere voar de manhã saindo de São Paulo"), (b, "Também prefere São Paulo de manhã")):
        conn, act = acting(app_login, uid)
        act().execute("SELECT * FROM api.add_memory(%s, 'long_term')", (text,))
        conn.commit()
        conn.close()
    conn, act = acting(app_login, a)
    try:
        first = act().execute("SELECT content, access_count FROM api.recall_memories(%s)", ("sao paulo manha",)).fetchall()
        conn.commit()
        again = act().execute("SELECT content, access_count FROM api.recall_memories(%s)", ("são paulo",)).fetchall()
        conn.commit()
    finally:
        conn.close()
    assert [(r["content"], r["access_count"]) for r in first] == [("Prefere voar de manhã saindo de São Paulo", 1)]
    assert [(r["content"], r["access_count"]) for r in again] == [("Prefere voar de manhã saindo de São Paulo", 2)]


def test_one_user_reads_nothing_of_another_through_the_api_functions(migrated, app_login):
    a, b = make_user(migrated, "Dona"), make_user(migrated, "Intrusa")
    conn, act = acting(app_login, a)
    c = act()
    conv = c.execute("SELECT id FROM api.start_conversation('Segredo de Estado')").fetchone()["id"]
    c.execute("SELECT * FROM api.add_message(%s, 'user', 'A senha do cofre é orquídea')", (conv,))
    c.execute("SELECT * FROM api.add_memory('O cofre fica atrás do quadro', 'critical')")
    conn.commit()
    conn.close()
    conn, act = acting(app_login, b)
    try:
        assert act().execute("SELECT * FROM api.search_messages('orquidea cofre')").fetchall() == []
        assert act().execute("SELECT * FROM api.recall_memories('cofre quadro')").fetchall() == []
        with pytest.raises(psycopg.errors.NoDataFound):
            act().execute("SELECT * FROM api.conversation_history(%s)", (conv,))
        conn.rollback()
    finally:
        conn.close()
    conn, act = acting(app_login, a)
    try:
        assert len(act().execute("SELECT * FROM api.search_messages('orquidea')").fetchall()) == 1
    finally:
        conn.close()


def test_maintenance_creates_distributed_partitions_of_messages(migrated):
    with superuser(migrated) as c:
        before = {r[0] for r in c.execute("SELECT relid::text FROM pg_partition_tree('core.messages') WHERE isleaf").fetchall()}
        c.execute("UPDATE maint.partition_policies SET premake = premake + 2 WHERE parent = 'core.messages'::regclass")
        c.execute("CALL maint.run_maintenance()")
        after = {r[0] for r in c.execute("SELECT relid::text FROM pg_partition_tree('core.messages') WHERE isleaf").fetchall()}
        created = after - before
        assert len(created) == 2, created
        colocated = c.execute("SELECT colocationid FROM pg_dist_partition WHERE logicalrelid = 'core.users'::regclass").fetchone()[0]
        for p in created:
            assert c.execute("SELECT colocationid FROM pg_dist_partition WHERE logicalrelid = %s::regclass", (p,)).fetchone() == (colocated,)


def test_export_of_one_user_holds_their_rows_and_no_one_elses(migrated, app_login):
    a, b = make_user(migrated, "Exportada"), make_user(migrated, "Alheia")
    for uid, text in ((a, "Minha mensagem para exportar"), (b, "Mensagem de outra pessoa")):
        conn, act = acting(app_login, uid)
        c = act()
        conv = c.execute("SELECT id FROM api.start_conversation('Exportação')").fetchone()["id"]
        c.execute("SELECT * FROM api.add_message(%s, 'user', %s)", (conv, text))
        conn.commit()
        conn.close()
    with superuser(migrated) as c:
        doc = c.execute("SELECT api.export_user(%s)::text", (a,)).fetchone()[0]
    assert "Minha mensagem para exportar" in doc and "Mensagem de outra pessoa" not in doc and str(b) not in doc


def test_the_api_views_show_the_acting_user_their_rows_and_no_one_elses(migrated, app_login):
    """Reads through the api views run on the shards under row-level security: api.act_as sends
    the user with a seal the workers check (0091); api.conversations merges pending deltas (0092)."""
    a, b = make_user(migrated, "Leitora"), make_user(migrated, "Vizinha")
    convs = {}
    for uid, text in ((a, "Reunião às três em Brasília"), (b, "Consulta médica em Curitiba")):
        conn, act = acting(app_login, uid)
        c = act()
        convs[uid] = c.execute("SELECT id FROM api.start_conversation('Agenda')").fetchone()["id"]
        c.execute("SELECT * FROM api.add_message(%s, 'assistant', %s, p_agent => 'agenda')", (convs[uid], text))
        conn.commit()
        c = act()
        c.execute("SELECT * FROM api.add_task(%s, %s)", ("Confirmar " + text, convs[uid]))
        c.execute("SELECT * FROM api.add_memory(%s, 'long_term')", (text,))
        c.execute("SELECT * FROM api.add_reminder(%s, now() + interval '1 hour')", (text,))
        conn.commit()
        conn.close()
    with superuser(migrated) as s:  # a count the messages trigger left pending, as under concurrent writers
        s.execute("INSERT INTO core.conversation_message_deltas (user_id, conversation_id, message_count, last_message_at, agents)"
                  " VALUES (%s, %s, 2, now(), '{despacho,agenda}')", (a, convs[a]))
    conn, act = acting(app_login, a)
    try:
        seen = {}
        for view in ("conversations", "messages", "tasks", "open_tasks", "memories", "reminders"):
            seen[view] = act().execute(f"SELECT * FROM api.{view}").fetchall()
        other = act().execute("SELECT * FROM api.conversations WHERE id = %s", (convs[b],)).fetchall()
        me = act().execute("SELECT id FROM api.users").fetchall()
        conn.rollback()
    finally:
        conn.close()
    for view, rows in seen.items():
        assert len(rows) == 1 and rows[0]["user_id"] == a, (view, rows)
    assert seen["messages"][0]["content"] == "Reunião às três em Brasília"
    assert (seen["conversations"][0]["message_count"], seen["conversations"][0]["agents"]) == (3, ["agenda", "despacho"])
    assert other == [] and [r["id"] for r in me] == [a]


def test_a_user_set_without_act_as_is_refused_on_the_workers(migrated, app_login):
    """app.user_id reaches the workers with every SET LOCAL (citus.propagate_set_commands =
    'local'); without a seal made by api.act_as in this transaction they refuse it (28Y02), and a
    pooled connection's next transaction acts for no one."""
    a, b = make_user(migrated, "Titular"), make_user(migrated, "Curiosa")
    conn, act = acting(app_login, a)
    c = act()
    conv = c.execute("SELECT id FROM api.start_conversation('Particular')").fetchone()["id"]
    c.execute("SELECT * FROM api.add_message(%s, 'user', 'Meu CPF é 123.456.789-00')", (conv,))
    conn.commit()
    conn.close()
    conn, act = acting(app_login, b)
    try:
        c = act()
        copied = c.execute("SELECT api.act_as(%s), current_setting('app.user_worker_seal')", (a,)).fetchone()
        conn.commit()  # the seal of a finished transaction
        assert copied["current_setting"]
        for seal in (copied["current_setting"], "0" * 64):
            with pytest.raises(psycopg.OperationalError) as refused:
                conn.execute("SET LOCAL app.user_id = %s" % psycopg.sql.quote(str(a)))
                conn.execute("SET LOCAL app.user_worker_seal = %s" % psycopg.sql.quote(seal))
                conn.execute("SELECT * FROM api.messages").fetchall()
            assert refused.value.sqlstate == "28Y02", refused.value
            conn.rollback()
        assert conn.execute("SELECT * FROM api.messages").fetchall() == []  # a new transaction: no one
        conn.rollback()
    finally:
        conn.close()


def test_a_bulk_load_by_copy_arrives_in_the_users_history(migrated, app_login):
    """The COPY path (0094) on Citus: a login only in assistant_loader COPYs into the staging table
    (on the coordinator, no row-level security) and api.load_staged_messages moves the rows into
    core.messages; the app reads them in order, with exact counters and Portuguese search."""
    uid = make_user(migrated, "Importada")
    conn, act = acting(app_login, uid)
    conv = act().execute("SELECT id FROM api.start_conversation('Histórico importado')").fetchone()["id"]
    conn.commit()
    with superuser(migrated) as s:
        s.execute("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'citus_test_loader') THEN"
                  " CREATE ROLE citus_test_loader LOGIN PASSWORD 'citus-test-loader-pw' IN ROLE assistant_loader; END IF; END $$")
    loader = app_login.replace("citus_test_app:citus-test-app-pw", "citus_test_loader:citus-test-loader-pw")
    texts = [f"Mensagem importada número {i}: decolagem de Congonhas" for i in range(1, 41)]
    with psycopg.connect(loader, autocommit=True) as lc:
        with lc.cursor() as cur:
            with cur.copy("COPY core.message_load_staging (load_id, user_id, conversation_id, role, content, created_at)"
                          " FROM STDIN") as cp:
                for i, t in enumerate(texts):
                    cp.write_row(("citus", uid, conv, "user" if i % 2 == 0 else "assistant", t,
                                  f"2024-05-01 10:{i:02d}:00+00"))
        loaded = lc.execute("SELECT loaded FROM api.load_staged_messages('citus')").fetchone()[0]
    try:
        page = act().execute("SELECT content FROM api.conversation_history(%s, NULL, NULL, 100)", (conv,)).fetchall()
        found = act().execute("SELECT count(*) AS n FROM api.search_messages('decolagens congonhas', p_limit => 100)").fetchone()["n"]
        conn.rollback()
    finally:
        conn.close()
    assert loaded == 40
    assert [r["content"] for r in page][::-1] == texts
    assert found == 40 and exact_count(migrated, conv) == (40, 40)


def test_erase_of_one_user_deletes_their_rows_and_pseudonymises_the_mentions(migrated, app_login, service_login):
    a, b = make_user(migrated, "Erasmo Apagado"), make_user(migrated, "Beatriz Fica")
    for uid, text in ((a, "Minha reunião de manutenção às 9h"), (b, "Falei com Erasmo Apagado (erasmo.apagado@example.org)")):
        conn, act = acting(app_login, uid)
        c = act()
        conv = c.execute("SELECT id FROM api.start_conversation('Conversa de apagamento')").fetchone()["id"]
        c.execute("SELECT * FROM api.add_message(%s, 'user', %s)", (conv, text))
        c.execute("SELECT * FROM api.add_memory('Prefere reuniões cedo', 'long_term')")
        conn.commit()
        conn.close()
    with psycopg.connect(service_login) as s:
        first = s.execute("SELECT api.erase_user(%s)", (a,)).fetchone()[0]
        s.commit()
        again = s.execute("SELECT api.erase_user(%s)", (a,)).fetchone()[0]
        s.commit()
    assert first["user_found"] is True and first["deleted"]["core.users"] == 1
    assert first["deleted"]["core.messages"] == 1 and first["deleted"]["core.memories"] == 1
    assert again["already_erased"] is True and again["deleted"] == {}
    with superuser(migrated) as c:
        for t in USER_TABLES:
            assert c.execute(f"SELECT count(*) FROM {t} WHERE user_id = %s", (a,)).fetchone()[0] == 0, t
        assert c.execute("SELECT count(*) FROM core.users WHERE id = %s", (a,)).fetchone()[0] == 0
        kept = c.execute("SELECT content FROM core.messages WHERE user_id = %s", (b,)).fetchone()[0]
        assert "Erasmo" not in kept and "[erased]" in kept and kept.startswith("Falei com")
        assert c.execute("SELECT count(*) FROM core.memories WHERE user_id = %s", (b,)).fetchone()[0] == 1
        # the audit rows about the erased user's rows keep what happened, not the values
        # (their keys now name the pseudonym, as on one server)
        audit = c.execute("SELECT count(*), count(*) FILTER (WHERE coalesce(new_values, old_values)::text LIKE '%%reunião%%'"
                          "                               OR coalesce(new_values, old_values)::text LIKE '%%Erasmo%%'),"
                          "       count(*) FILTER (WHERE coalesce(row_key ->> 'user_id', row_key ->> 'id') = %s)"
                          "  FROM ops.audit_log WHERE subject_user_id = %s", (str(first["pseudonym"]), first["pseudonym"])).fetchone()
        # the user, the conversation and the memory written, and each deleted by the erasure with the
        # message (a message's INSERT is not audited): every one moved to the pseudonym
        ops_seen = sorted(c.execute("SELECT table_name || ' ' || operation::text FROM ops.audit_log WHERE subject_user_id = %s",
                                    (first["pseudonym"],)).fetchall())
        assert [r[0] for r in ops_seen] == ["conversations DELETE", "conversations INSERT", "memories DELETE", "memories INSERT",
                                            "messages DELETE", "users DELETE", "users INSERT"]
        assert audit[0] == 7 and audit[1] == 0 and audit[2] == 7, audit
        assert c.execute("SELECT count(*) FROM ops.audit_log WHERE row_key::text LIKE %s OR app_user_id = %s"
                         " OR subject_user_id = %s", (f"%{a}%", a, a)).fetchone()[0] == 0
        # ... moved to the pseudonym's shard group (the distribution column is not updated in place)
        moved = c.execute("SELECT count(*) FROM ops.audit_log WHERE subject_user_id = %s",
                          (first["pseudonym"],)).fetchone()[0]
        assert moved == 7 and first["pseudonymised"]["ops.audit_log.subject_user_id"] == 7
    # the same in autocommit, the erasure its own transaction (before 0095 the workers' audit guard
    # refused it there, not seeing the erasure's seal)
    c_id = make_user(migrated, "Clara Some")
    conn, act = acting(app_login, c_id)
    conv = act().execute("SELECT id FROM api.start_conversation('Outra conversa')").fetchone()["id"]
    conn.execute("SELECT * FROM api.add_message(%s, 'user', 'Bom dia, São Paulo')", (conv,))
    conn.commit()
    conn.close()
    with psycopg.connect(service_login, autocommit=True) as s:
        third = s.execute("SELECT api.erase_user(%s)", (c_id,)).fetchone()[0]
    assert third["deleted"]["core.messages"] == 1 and third["pseudonymised"]["ops.audit_log.subject_user_id"] >= 4
    # every node committed: no transaction left prepared, every worker answers
    for w in migrated.workers:
        with psycopg.connect(w, autocommit=True) as c:
            assert c.execute("SELECT count(*) FROM pg_prepared_xacts").fetchone()[0] == 0
