"""`runner.py distribute`: place the migrated schema on a Citus cluster (README "Running on Citus").

Run on the coordinator after `runner.py apply`; idempotent (every step looks first, and a second
run changes nothing and says so). What goes where:
  * distributed by user_id, colocated with core.users (distributed by id), so that everything of
    one user is on one shard group and every statement naming a user_id is routed to one node:
    USER_TABLES below (core.messages with its partitions and default partition);
  * reference tables (a copy on every node), read by functions that run on the shards:
    core.identity_settings and core.identity_keys (core.current_user_id() checks the seal there);
  * everything else stays on the coordinator, where only coordinator-side functions read it:
    configuration and secrets, the maintenance bookkeeping, operations tables, ops.audit_log.

What the schema needs on Citus and cannot have as landed, changed here on Citus only (plain
PostgreSQL never runs this): row-level security policies without a subquery (Citus refuses
subqueries in policies of distributed tables); the unique index on lower(email) of core.users
(a unique index without the distribution column) is dropped, as Citus cannot enforce it; the
ON DELETE SET NULL (col) foreign keys become NO ACTION with BEFORE DELETE triggers that clear the
references (core.tg_conversations__unlink_references, core.tg_tasks__unlink_events, 0061);
assistant_owner may log in (Citus opens its connections to the workers as the role that runs the
statement, and the package's SECURITY DEFINER functions run as assistant_owner); the text
search configurations and every routine of the package are created on the workers.
"""
from __future__ import annotations

import json

from psycopg import sql

from .errors import EXIT_OK, EXIT_USAGE, RunnerError
from .urls import connect

USERS = "core.users"
USER_TABLES = ["core.credentials", "core.conversations", "core.messages", "core.conversation_message_deltas",
               "core.search_words", "core.imported_conversations", "core.imported_messages",
               "core.tasks", "core.events", "core.actions", "core.reminders", "core.memories", "ops.dashboards"]
# a copy on every node: core.resolve_app_user checks the workers' seal with the key (0091), and
# api.act_as reads the identity settings
REFERENCE_TABLES: list[str] = ["core.identity_settings", "core.identity_keys"]
# the roles that read core's tables through the api views (security_invoker): on the workers
# Citus names the shards (core.messages_102008) in the statements it sends as that role, which
# needs USAGE on core there; the tables' privileges and row-level security still decide
SHARD_READERS = ("assistant_app", "assistant_readonly", "assistant_service", "assistant_personal_reader")
# database settings the shards need (Citus sends ALTER DATABASE ... SET to the workers)
DATABASE_SETTINGS = (
    ("citus.enable_unsafe_triggers", "on"),             # triggers on distributed tables
    ("citus.allow_nested_distributed_execution", "on"),  # their writes to other distributed tables
    ("citus.propagate_set_commands", "local"),           # SET LOCAL app.user_id ... reaches the workers (0091)
)
# distributed by subject_user_id (0095), colocated with core.users: written by the audit trigger of
# each shard to a shard of the same node; read on the coordinator
AUDIT_LOG = "ops.audit_log"
# ops.tg__audit's subject of a row of no one user
NIL_UUID = "00000000-0000-0000-0000-000000000000"
SCHEMAS = ("util", "core", "ops", "api", "maint")
SUBQUERY = "( SELECT core.current_user_id() AS current_user_id)"

# (table, constraint, columns, referenced table, referenced columns, trigger on the referenced
# table that clears the references before the row goes)
SET_NULL_KEYS = [
    ("core.tasks", "tasks_user_id_conversation_id_fkey", "user_id, conversation_id", "core.conversations", "user_id, id"),
    ("core.events", "events_user_id_conversation_id_fkey", "user_id, conversation_id", "core.conversations", "user_id, id"),
    ("core.events", "events_user_id_task_id_fkey", "user_id, task_id", "core.tasks", "user_id, id"),
    ("core.reminders", "reminders_user_id_conversation_id_fkey", "user_id, conversation_id", "core.conversations", "user_id, id"),
    ("core.memories", "memories_user_id_source_conversation_id_fkey", "user_id, source_conversation_id",
     "core.conversations", "user_id, id"),
]
UNLINK_TRIGGERS = [
    ("core.conversations", "conversations_unlink_references", "core.tg_conversations__unlink_references()"),
    ("core.tasks", "tasks_unlink_events", "core.tg_tasks__unlink_events()"),
]


def run_on_workers(conn, what: str, template: str, *args: str) -> None:
    """format(template, args...) on every worker (run_command_on_workers); a failure is an error."""
    marks = ", ".join(["%s::text"] * len(args))
    for node, ok, result in conn.execute(
            f"SELECT nodename || ':' || nodeport, success, result FROM run_command_on_workers(format(%s::text, {marks}))",
            (template, *args)).fetchall():
        if not ok:
            raise RunnerError(f"creating {what} on {node} failed: {result}", EXIT_USAGE)


def distribute(runner) -> int:
    conn = connect(runner.target)
    say = runner.say
    changed = 0
    try:
        if not conn.execute("SELECT EXISTS (SELECT FROM pg_extension WHERE extname = 'citus')").fetchone()[0]:
            raise RunnerError("this database is not a Citus coordinator (no citus extension)", EXIT_USAGE,
                              "CREATE EXTENSION citus on the coordinator and the workers, citus_add_node the workers, then run again.")
        if conn.execute("SELECT to_regclass('core.users') IS NULL").fetchone()[0]:
            raise RunnerError("the schema is not migrated here (no core.users)", EXIT_USAGE, "Run `runner.py apply` first.")
        conn.execute("SET citus.enable_unsafe_triggers = on")
        conn.execute("SET citus.multi_shard_modify_mode = 'sequential'")

        def dist(table):
            return conn.execute("SELECT partmethod FROM pg_dist_partition WHERE logicalrelid = %s::regclass",
                                (table,)).fetchone()

        # the settings the shards' triggers need, for every session of this database (Citus sends
        # ALTER DATABASE ... SET to the workers): triggers on distributed tables, and the writes
        # they make to other distributed tables (the audit log, the conversation counters)
        for name, value in DATABASE_SETTINGS:
            if not conn.execute("SELECT EXISTS (SELECT FROM pg_db_role_setting s JOIN pg_database d ON d.oid = s.setdatabase "
                                "WHERE d.datname = current_database() AND s.setrole = 0 AND %s = ANY (s.setconfig))",
                                (f"{name}={value}",)).fetchone()[0]:
                dbname = conn.execute("SELECT current_database()").fetchone()[0]
                conn.execute(sql.SQL("ALTER DATABASE {} SET {} = {}").format(sql.Identifier(dbname), sql.SQL(name), sql.Literal(value)))
                say(f"ALTER DATABASE {dbname} SET {name} = {value}")
                changed += 1
        # 1. assistant_owner may log in (trust or a password is pg_hba's business: restrict it to the nodes)
        if not conn.execute("SELECT rolcanlogin FROM pg_roles WHERE rolname = 'assistant_owner'").fetchone()[0]:
            conn.execute("ALTER ROLE assistant_owner LOGIN")
            say("assistant_owner may now log in (Citus connects to the workers as it); restrict it in pg_hba.conf to the nodes")
            changed += 1
        # 3. policies without a subquery
        for rel, pol, qual, check in conn.execute(
                "SELECT p.polrelid::regclass::text, p.polname, pg_get_expr(p.polqual, p.polrelid), pg_get_expr(p.polwithcheck, p.polrelid) "
                "FROM pg_policy p WHERE p.polrelid::regclass::text = ANY(%s) "
                "AND (pg_get_expr(p.polqual, p.polrelid) LIKE '%%' || %s || '%%' OR pg_get_expr(p.polwithcheck, p.polrelid) LIKE '%%' || %s || '%%')",
                ([USERS, *USER_TABLES], SUBQUERY, SUBQUERY)).fetchall():
            stmt = f"ALTER POLICY {pol} ON {rel}"
            if qual:
                stmt += f" USING ({qual.replace(SUBQUERY, 'core.current_user_id()')})"
            if check:
                stmt += f" WITH CHECK ({check.replace(SUBQUERY, 'core.current_user_id()')})"
            conn.execute(stmt)
            say(f"policy {pol} on {rel}: core.current_user_id() without a subquery")
            changed += 1
        # 4. the unique index Citus cannot enforce
        if conn.execute("SELECT to_regclass('core.users_lower_email_idx') IS NOT NULL").fetchone()[0]:
            conn.execute("DROP INDEX core.users_lower_email_idx")
            say("dropped core.users_lower_email_idx (unique lower(email) across shards is not enforceable on Citus)")
            changed += 1
        # 5. ON DELETE SET NULL (col) keys: NO ACTION, and triggers that clear the references first
        for table, name, cols, ref, refcols in SET_NULL_KEYS:
            action = conn.execute("SELECT confdeltype FROM pg_constraint WHERE conrelid = %s::regclass AND conname = %s",
                                  (table, name)).fetchone()
            if action and action[0] != "a":
                with conn.transaction():
                    conn.execute(f"ALTER TABLE {table} DROP CONSTRAINT {name}")
                    conn.execute(f"ALTER TABLE {table} ADD CONSTRAINT {name} FOREIGN KEY ({cols}) REFERENCES {ref} ({refcols})")
                say(f"{table}.{name}: ON DELETE NO ACTION (the references are cleared by a trigger)")
                changed += 1
        for table, trigger, function in UNLINK_TRIGGERS:
            if not conn.execute("SELECT EXISTS (SELECT FROM pg_trigger WHERE tgrelid = %s::regclass AND tgname = %s)",
                                (table, trigger)).fetchone()[0]:
                conn.execute(f"CREATE TRIGGER {trigger} BEFORE DELETE ON {table} FOR EACH ROW EXECUTE FUNCTION {function}")
                conn.execute(f"COMMENT ON TRIGGER {trigger} ON {table} IS "
                             "'Citus only (runner.py distribute): clears the references ON DELETE SET NULL (col) cleared on one server.'")
                say(f"trigger {trigger} on {table}")
                changed += 1
        # the package's schemas, then its extensions (in schema ext), on the workers as on the coordinator
        for nsp, owner in conn.execute("SELECT n.nspname, n.nspowner::regrole::text FROM pg_namespace n "
                                       "WHERE n.nspname = ANY(%s) ORDER BY 1", (["ext", "archive", *SCHEMAS],)).fetchall():
            run_on_workers(conn, f"schema {nsp}",
                           "SET citus.enable_ddl_propagation = off; CREATE SCHEMA IF NOT EXISTS %I AUTHORIZATION %I", nsp, owner)
        for ext, nsp in conn.execute("SELECT e.extname, e.extnamespace::regnamespace::text FROM pg_extension e "
                                     "WHERE e.extnamespace::regnamespace::text = 'ext' ORDER BY 1").fetchall():
            for node, ok, result in conn.execute(
                    "SELECT nodename || ':' || nodeport, success, result FROM run_command_on_workers("
                    " format('SET citus.enable_ddl_propagation = off; CREATE EXTENSION IF NOT EXISTS %%I SCHEMA %%I', %s::text, %s::text))",
                    (ext, nsp)).fetchall():
                if not ok:
                    raise RunnerError(f"creating extension {ext} on {node} failed: {result}", EXIT_USAGE)
        # the text search configurations, rebuilt on each worker from the coordinator's catalog (Citus does not send
        # them with the tables whose generated columns use them)
        for (cfg,) in conn.execute("SELECT c.oid::regconfig::text FROM pg_ts_config c WHERE c.cfgnamespace::regnamespace::text = ANY(%s)",
                                   (list(SCHEMAS),)).fetchall():
            ddl = conn.execute(
                "SELECT format('CREATE TEXT SEARCH CONFIGURATION %%s (PARSER = %%s); ', c.oid::regconfig, (SELECT format('%%I.%%I', pp.prsnamespace::regnamespace, pp.prsname) FROM pg_ts_parser pp WHERE pp.oid = c.cfgparser)) "
                "       || string_agg(format('ALTER TEXT SEARCH CONFIGURATION %%s ADD MAPPING FOR %%s WITH %%s; ', c.oid::regconfig, t.alias, m.dicts), '') "
                "       || format('ALTER TEXT SEARCH CONFIGURATION %%s OWNER TO %%I;', c.oid::regconfig, c.cfgowner::regrole) "
                "  FROM pg_ts_config c "
                "  JOIN (SELECT mapcfg, maptokentype, string_agg(mapdict::regdictionary::text, ', ' ORDER BY mapseqno) AS dicts "
                "          FROM pg_ts_config_map GROUP BY 1, 2) m ON m.mapcfg = c.oid "
                "  JOIN ts_token_type(c.cfgparser) t ON t.tokid = m.maptokentype "
                " WHERE c.oid = %s::regconfig GROUP BY c.oid, c.cfgparser, c.cfgowner", (cfg,)).fetchone()[0]
            for node, ok, result in conn.execute(
                    "SELECT nodename || ':' || nodeport, success, result FROM run_command_on_workers("
                    " format('DO $do$ BEGIN IF to_regnamespace(%%L) IS NOT NULL AND NOT EXISTS (SELECT FROM pg_ts_config WHERE cfgname = %%L"
                    " AND cfgnamespace = to_regnamespace(%%L)) THEN PERFORM set_config(''citus.enable_ddl_propagation'', ''off'', true); EXECUTE %%L; END IF; END $do$', "
                    " %s::text, %s::text, %s::text, %s::text))",
                    (cfg.split(".")[0], cfg.split(".")[1], cfg.split(".")[0], ddl)).fetchall():
                if not ok:
                    raise RunnerError(f"creating {cfg} on {node} failed: {result}", EXIT_USAGE)
        # 6. tables
        for table in REFERENCE_TABLES:
            if not dist(table):
                conn.execute("SELECT create_reference_table(%s)", (table,))
                say(f"{table}: reference table")
                changed += 1
        if not dist(USERS):
            conn.execute("SELECT create_distributed_table(%s, 'id')", (USERS,))
            say(f"{USERS}: distributed by id")
            changed += 1
        for table in USER_TABLES:
            if not dist(table):
                conn.execute("SELECT create_distributed_table(%s, 'user_id', colocate_with => %s)", (table, USERS))
                say(f"{table}: distributed by user_id, colocated with {USERS}")
                changed += 1
        # the audit log by whose row each audit row is about (0095), colocated with the users: the
        # audit trigger of a shard writes to a shard of its own node, in its own local transaction
        audit_by = conn.execute("SELECT column_to_column_name(logicalrelid, partkey) FROM pg_dist_partition "
                                "WHERE logicalrelid = %s::regclass", (AUDIT_LOG,)).fetchone()
        if audit_by is None:
            with conn.transaction():
                # rows written before 0095 name no subject: derived from their key, as ops.tg__audit
                # derives it; the append-only guard (a trigger) is skipped for this one backfill
                conn.execute("SET LOCAL session_replication_role = replica")
                n = conn.execute(f"UPDATE {AUDIT_LOG} SET subject_user_id = coalesce("
                                 "  CASE WHEN row_key ? 'user_id' THEN (row_key ->> 'user_id')::uuid"
                                 "       WHEN table_schema = 'core' AND table_name = 'users' THEN (row_key ->> 'id')::uuid END,"
                                 f" '{NIL_UUID}') WHERE subject_user_id IS NULL").rowcount
                conn.execute(f"ALTER TABLE {AUDIT_LOG} ALTER COLUMN subject_user_id SET NOT NULL")
                # Citus enforces a primary key only with the distribution column in it
                conn.execute(f"ALTER TABLE {AUDIT_LOG} DROP CONSTRAINT audit_log_pkey, "
                             "ADD CONSTRAINT audit_log_pkey PRIMARY KEY (subject_user_id, id, changed_at)")
            conn.execute("SELECT create_distributed_table(%s, 'subject_user_id', colocate_with => %s)", (AUDIT_LOG, USERS))
            say(f"{AUDIT_LOG}: distributed by subject_user_id, colocated with {USERS} ({n} earlier rows given their subject)")
            changed += 1
        elif audit_by[0] != "subject_user_id":
            # alter_distributed_table refuses it ("cannot complete operation on a table with identity column")
            raise RunnerError(f"{AUDIT_LOG} is distributed by {audit_by[0]} (a `distribute` from before 0095), and Citus "
                              "cannot redistribute a table with an identity column", EXIT_USAGE,
                              "Dump the data (pg_dump --data-only), create a new database from the migrations, run "
                              "`runner.py distribute` there and load the dump; until then api.erase_user fails on Citus "
                              "(README: Running on Citus).")
        # 7. every routine of the package on the workers (those whose body reads a table that stays on
        #    the coordinator cannot be created there, and are coordinator-only: listed)
        # a routine can be created on the workers only once what its body names is there, so
        # the ones refused are tried again while a pass still creates one
        coordinator_only = ["start"]
        while coordinator_only:
            coordinator_only, created = [], 0
            for (proc,) in conn.execute(
                    "SELECT p.oid::regprocedure::text FROM pg_proc p "
                    "WHERE p.pronamespace::regnamespace::text = ANY(%s) AND p.prokind = 'f' "
                    "AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e') "
                    "AND NOT EXISTS (SELECT FROM pg_dist_object o WHERE o.classid = 'pg_proc'::regclass AND o.objid = p.oid) ORDER BY 1",
                    (list(SCHEMAS),)).fetchall():
                try:
                    with conn.transaction():
                        conn.execute("SELECT create_distributed_function(%s::regprocedure)", (proc,))
                    created += 1
                except Exception as exc:  # noqa: BLE001 - reported, and the function stays on the coordinator
                    why = str(exc).splitlines()[0]
                    if "current transaction is aborted" in why:  # the worker's first error is only a WARNING
                        why = "its body names an object that is only on the coordinator"
                    coordinator_only.append((proc, why))
            changed += created
            if not created:
                break
        # a routine replaced on the coordinator while its old text stayed on the workers (a
        # migration applied with deferred propagation): the coordinator's definition is sent again
        defs = conn.execute(
            "SELECT p.oid::regprocedure::text, md5(pg_get_functiondef(p.oid)), pg_get_functiondef(p.oid) FROM pg_proc p "
            "WHERE p.pronamespace::regnamespace::text = ANY(%s) AND p.prokind = 'f' "
            "AND EXISTS (SELECT FROM pg_dist_object o WHERE o.classid = 'pg_proc'::regclass AND o.objid = p.oid)",
            (list(SCHEMAS),)).fetchall()
        for node, ok, result in conn.execute(
                "SELECT nodename || ':' || nodeport, success, result FROM run_command_on_workers("
                "$$SELECT coalesce(json_object_agg(p.oid::regprocedure::text, md5(pg_get_functiondef(p.oid))), '{}') FROM pg_proc p"
                " WHERE p.pronamespace::regnamespace::text IN ('util', 'core', 'ops', 'api', 'maint') AND p.prokind = 'f'$$)").fetchall():
            if not ok:
                raise RunnerError(f"reading the routines of {node} failed: {result}", EXIT_USAGE)
            theirs = json.loads(result)
            stale = [(proc, text) for proc, digest, text in defs if theirs.get(proc) not in (None, digest)]
            for proc, text in stale:
                res = conn.execute("SELECT success, result FROM run_command_on_workers(%s)",
                                   (f"SET citus.enable_ddl_propagation = off; {text}",)).fetchall()
                if not all(r[0] for r in res):
                    raise RunnerError(f"replacing {proc} on the workers failed: {res}", EXIT_USAGE)
                say(f"{proc}: the coordinator's definition sent to the workers (they held an older one)")
                changed += 1
            if stale:
                break  # run_command_on_workers sent them to every worker
        # the privileges of the package's schemas and routines, on the workers as on the coordinator:
        # Citus created them there without the GRANTs and REVOKEs the migrations made (and
        # ALTER DEFAULT PRIVILEGES ... REVOKE EXECUTE FROM PUBLIC is not propagated either)
        acl_sql = conn.execute(
            "SELECT string_agg(stmt, '; ') FROM ("
            " SELECT format('REVOKE ALL ON SCHEMA %%I FROM PUBLIC', n.nspname) AS stmt FROM pg_namespace n WHERE n.nspname = ANY(%s)"
            " UNION ALL"
            " SELECT format('GRANT %%s ON SCHEMA %%I TO %%s', a.privilege_type, n.nspname,"
            "        CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(a.grantee::regrole::text) END)"
            "   FROM pg_namespace n, aclexplode(n.nspacl) a WHERE n.nspname = ANY(%s) AND a.grantee <> n.nspowner"
            " UNION ALL"
            " SELECT format('REVOKE ALL ON FUNCTION %%s FROM PUBLIC', p.oid::regprocedure) FROM pg_proc p"
            "  WHERE p.pronamespace::regnamespace::text = ANY(%s) AND p.prokind = 'f'"
            "    AND EXISTS (SELECT FROM pg_dist_object o WHERE o.classid = 'pg_proc'::regclass AND o.objid = p.oid)"
            " UNION ALL"
            " SELECT format('GRANT EXECUTE ON FUNCTION %%s TO %%s', p.oid::regprocedure,"
            "        CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(a.grantee::regrole::text) END)"
            "   FROM pg_proc p, aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) a"
            "  WHERE p.pronamespace::regnamespace::text = ANY(%s) AND p.prokind = 'f' AND a.grantee <> p.proowner"
            "    AND EXISTS (SELECT FROM pg_dist_object o WHERE o.classid = 'pg_proc'::regclass AND o.objid = p.oid)"
            ") s", (list(SCHEMAS), list(SCHEMAS), list(SCHEMAS), list(SCHEMAS))).fetchone()[0]
        if acl_sql:
            run_on_workers(conn, "the privileges of the package's schemas and routines",
                           "SET citus.enable_ddl_propagation = off; %s", acl_sql)
        run_on_workers(conn, "USAGE on schema core for the roles that read shards",
                       "SET citus.enable_ddl_propagation = off; GRANT USAGE ON SCHEMA core TO %s", ", ".join(SHARD_READERS))
        if coordinator_only:
            say(f"{len(coordinator_only)} routines stay on the coordinator only:")
            for proc, why in coordinator_only:
                say(f"  {proc}: {why}")
        say("distributed: nothing to change" if changed == 0 else f"distributed: {changed} changes")
    finally:
        conn.close()
    return EXIT_OK
