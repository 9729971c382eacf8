"""Catalog lints over the fully migrated database: the conventions a reviewer would check by hand.
The one home of these lints (comments, search paths, privileges, names), for every schema."""
import os

import pytest

PROJECT_SCHEMAS = ["util", "maint", "core", "ops", "api"]
OBVIOUS_COLUMNS = {"id", "created_at", "updated_at"}


def test_server_under_test_is_the_requested_version(db):
    wanted = os.environ.get("PG")
    version = db.execute("SELECT current_setting('server_version_num')::int / 10000").fetchone()[0]
    assert version >= 15
    if wanted:
        assert version == int(wanted)


def test_every_table_and_view_has_a_comment(db):
    rows = db.execute(
        "SELECT c.oid::regclass::text FROM pg_class c "
        "WHERE c.relnamespace::regnamespace::text = ANY(%s) AND c.relkind IN ('r','p','v','m','f') "
        "AND NOT c.relispartition AND obj_description(c.oid, 'pg_class') IS NULL ORDER BY 1",
        (PROJECT_SCHEMAS + ["archive"],)).fetchall()
    assert rows == []


def test_every_column_has_a_comment(db):
    rows = db.execute(
        "SELECT c.oid::regclass::text || '.' || a.attname FROM pg_class c "
        "JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped "
        "WHERE c.relnamespace::regnamespace::text = ANY(%s) AND c.relkind IN ('r','p','v','m') "
        "AND NOT c.relispartition AND col_description(c.oid, a.attnum) IS NULL "
        "AND a.attname <> ALL(%s) ORDER BY 1",
        (PROJECT_SCHEMAS, sorted(OBVIOUS_COLUMNS))).fetchall()
    assert [r[0] for r in rows] == []


def test_every_function_has_a_comment(db):
    rows = db.execute(
        "SELECT p.oid::regprocedure::text FROM pg_proc p "
        "WHERE p.pronamespace::regnamespace::text = ANY(%s) AND obj_description(p.oid, 'pg_proc') IS NULL "
        "ORDER BY 1", (PROJECT_SCHEMAS,)).fetchall()
    assert rows == []


def test_every_schema_type_and_enum_has_a_comment(db):
    rows = db.execute(
        "SELECT t.oid::regtype::text FROM pg_type t WHERE t.typnamespace::regnamespace::text = ANY(%s) "
        "AND t.typtype IN ('e','d') AND obj_description(t.oid, 'pg_type') IS NULL ORDER BY 1",
        (PROJECT_SCHEMAS,)).fetchall()
    assert rows == []


def test_every_policy_and_text_search_configuration_has_a_comment(db):
    rows = db.execute(
        "SELECT pol.polrelid::regclass::text || ': ' || pol.polname FROM pg_policy pol JOIN pg_class c ON c.oid = pol.polrelid "
        "WHERE c.relnamespace::regnamespace::text = ANY(%s) AND obj_description(pol.oid, 'pg_policy') IS NULL "
        "UNION ALL "
        "SELECT cfgname FROM pg_ts_config WHERE cfgnamespace::regnamespace::text = ANY(%s) "
        "AND obj_description(oid, 'pg_ts_config') IS NULL "
        "UNION ALL "
        "SELECT dictname FROM pg_ts_dict WHERE dictnamespace::regnamespace::text = ANY(%s) "
        "AND obj_description(oid, 'pg_ts_dict') IS NULL ORDER BY 1",
        (PROJECT_SCHEMAS, PROJECT_SCHEMAS, PROJECT_SCHEMAS)).fetchall()
    assert rows == []


INLINED_WITHOUT_SEARCH_PATH = [
    "util.uuid_generate_v7()",
    "util.hmac_sha256_keyed(bytea,bytea,bytea)",
    "util.uuid_v7_from_counter(bigint)",
    # in the CHECK constraints of every user-written text (0052); qualifies its operator
    "util.has_visible_text(text)",
]


def test_every_function_has_a_fixed_search_path_ending_in_pg_temp(db):
    # Exempt: SECURITY INVOKER procedures, because PostgreSQL forbids a SET clause on a procedure
    # that COMMITs (maint.run_maintenance commits per table), and a routine running with the
    # caller's rights gains nothing from a hijacked search_path. They qualify every name instead.
    rows = db.execute(
        "SELECT p.oid::regprocedure::text, p.proconfig FROM pg_proc p "
        "WHERE p.pronamespace::regnamespace::text = ANY(%s) AND p.prokind IN ('f','p') "
        "AND NOT (p.prokind = 'p' AND NOT p.prosecdef) "
        # Inlined SQL expressions on hot paths: a SET clause would stop PostgreSQL inlining them
        # (util.uuid_generate_v7 and util.uuid_v7_from_counter are column defaults: 3x slower ingest of ids;
        # util.hmac_sha256_keyed runs in every statement's identity check). Their bodies qualify
        # every name with pg_catalog instead.
        "AND p.oid::regprocedure::text <> ALL (%s) "
        "AND NOT EXISTS (SELECT FROM unnest(coalesce(p.proconfig, '{}')) s "
        "                WHERE s LIKE 'search\\_path=%%' AND s LIKE '%%pg\\_temp') ORDER BY 1",
        (PROJECT_SCHEMAS, INLINED_WITHOUT_SEARCH_PATH)).fetchall()
    assert rows == []


def test_every_security_definer_function_is_not_executable_by_public(db):
    rows = db.execute(
        "SELECT p.oid::regprocedure::text FROM pg_proc p "
        "WHERE p.pronamespace::regnamespace::text = ANY(%s) AND p.prosecdef "
        "AND has_function_privilege('public', p.oid, 'EXECUTE') ORDER BY 1", (PROJECT_SCHEMAS,)).fetchall()
    assert rows == []


def test_every_api_view_is_security_invoker(db):
    rows = db.execute(
        "SELECT c.oid::regclass::text FROM pg_class c WHERE c.relnamespace = 'api'::regnamespace "
        "AND c.relkind = 'v' AND NOT coalesce(c.reloptions @> ARRAY['security_invoker=true'], false) "
        "ORDER BY 1").fetchall()
    assert rows == []


def test_no_table_lives_in_api(db):
    rows = db.execute("SELECT relname FROM pg_class WHERE relnamespace = 'api'::regnamespace "
                      "AND relkind IN ('r','p')").fetchall()
    assert rows == []


def test_every_foreign_key_is_served_by_an_index(db):
    rows = db.execute("""
        SELECT c.conrelid::regclass::text, c.conname
          FROM pg_constraint c
         WHERE c.contype = 'f' AND c.connamespace::regnamespace::text = ANY(%s)
           AND NOT EXISTS (
                 SELECT FROM pg_index i
                  WHERE i.indrelid = c.conrelid
                    AND (i.indkey::int2[])[0:cardinality(c.conkey) - 1] @> c.conkey
                    AND (i.indkey::int2[])[0:cardinality(c.conkey) - 1] <@ c.conkey)
           AND NOT EXISTS (SELECT FROM pg_class r WHERE r.oid = c.conrelid AND r.relispartition)
         ORDER BY 1, 2""", (PROJECT_SCHEMAS,)).fetchall()
    assert rows == []


def test_constraint_and_index_names_follow_the_naming_scheme(db):
    """<table>_<columns>_pkey/_key/_fkey/_check/_excl and _idx: an error message then says what it is."""
    rows = db.execute("""
        SELECT con.conname FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid
         WHERE c.relnamespace::regnamespace::text = ANY(%s) AND NOT c.relispartition
           AND con.contype IN ('p','u','f','c','x')
           AND (con.conname NOT LIKE c.relname || '\\_%%'
                OR con.conname !~ '_(pkey|key|fkey|check|excl)$')
        UNION ALL
        SELECT i.relname FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class c ON c.oid = x.indrelid
         WHERE c.relnamespace::regnamespace::text = ANY(%s) AND NOT c.relispartition
           AND NOT EXISTS (SELECT FROM pg_constraint WHERE conindid = i.oid)
           AND (i.relname NOT LIKE c.relname || '\\_%%' OR i.relname !~ '_idx$')
         ORDER BY 1""", (PROJECT_SCHEMAS, PROJECT_SCHEMAS)).fetchall()
    assert [r[0] for r in rows] == []


@pytest.mark.parametrize("role", ["assistant_app", "assistant_readonly", "assistant_service", "assistant_loader"])
def test_app_roles_own_nothing(db, role):
    n = db.execute("SELECT count(*) FROM pg_class WHERE relowner = %s::regrole", (role,)).fetchone()[0]
    n += db.execute("SELECT count(*) FROM pg_proc WHERE proowner = %s::regrole", (role,)).fetchone()[0]
    assert n == 0


def test_no_privileges_for_public_on_project_tables(db):
    rows = db.execute(
        "SELECT c.oid::regclass::text FROM pg_class c WHERE c.relnamespace::regnamespace::text = ANY(%s) "
        "AND c.relkind IN ('r','p','v','m') AND has_table_privilege('public', c.oid, 'SELECT,INSERT,UPDATE,DELETE') "
        "ORDER BY 1", (PROJECT_SCHEMAS,)).fetchall()
    assert rows == []


GUARDED_COLUMNS = """
    SELECT t.tgrelid::regclass::text AS tbl, a.arg
      FROM pg_trigger t,
           unnest(string_to_array(encode(t.tgargs, 'escape'), '\\000')) AS a(arg)
     WHERE t.tgname = (SELECT relname FROM pg_class WHERE oid = t.tgrelid) || '_app_' || %(op)s || '_only_its_columns'
       AND NOT t.tgisinternal AND a.arg <> ''"""


@pytest.mark.parametrize("privilege", ["UPDATE", "INSERT"])
def test_every_api_column_the_app_may_not_write_is_refused_by_name(db, privilege):
    """PostgreSQL's column-privilege error ("permission denied for table X") names no column. So every
    writable column of an api view the app may INSERT into / UPDATE, over the core table of the same
    name, carries the app's column privilege: either the app really writes it, or a
    <table>_app_<op>s_only_its_columns trigger (0087) refuses it by name. A new column needs one or
    the other."""
    op = {"UPDATE": "updates", "INSERT": "inserts"}[privilege]
    # MATERIALIZED: the privilege functions must only see pairs that exist (they raise otherwise)
    unnamed = db.execute("""
        WITH cols AS MATERIALIZED (
            SELECT v.table_name::text AS tbl, v.column_name::text AS col
              FROM information_schema.columns v
              JOIN information_schema.columns b
                ON b.table_schema = 'core' AND b.table_name = v.table_name AND b.column_name = v.column_name
             WHERE v.table_schema = 'api' AND v.is_updatable = 'YES' AND b.is_generated = 'NEVER')
        SELECT tbl || '.' || col FROM cols
         WHERE has_table_privilege('assistant_app', format('api.%%I', tbl), %(priv)s)
           AND NOT has_column_privilege('assistant_app', format('core.%%I', tbl), col, %(priv)s)
         ORDER BY 1""", {"priv": privilege}).fetchall()
    assert [r[0] for r in unnamed] == [], "grant the app the column and guard it (0087), or let the app write it"
    guarded = db.execute(GUARDED_COLUMNS, {"op": op}).fetchall()
    assert {t for t, _ in guarded} >= ({"core.actions", "core.conversations", "core.memories", "core.reminders", "core.tasks"}
                                       | ({"core.credentials", "core.messages", "core.users"} if privilege == "UPDATE" else set()))
    missing = [f"{t}.{c}" for t, c in guarded
               if not db.execute("SELECT has_column_privilege('assistant_app', %s, %s, %s)", (t, c, privilege)).fetchone()[0]]
    assert missing == [], "a guard names a column the app cannot even reach (or that does not exist)"
