"""apply / rollback / status / new / verify, as a DBA runs them."""
import re
import subprocess

import psycopg
from psycopg import sql


PROJECT_SCHEMAS = ("ext", "util", "maint", "core", "ops", "api", "archive")


def migration_ids(project):
    return sorted(p.stem for p in (project / "migrations").glob("[0-9]*.sql") if not p.name.endswith(".rollback.sql"))


def applied_ids(url):
    with psycopg.connect(url) as c:
        return [r[0] for r in c.execute("SELECT migration_id FROM _yoyo_migration ORDER BY migration_id")]


def test_apply_brings_an_empty_database_to_head(run, project, empty_db):
    r = run("apply")
    assert r.code == 0, r.text
    assert applied_ids(empty_db) == migration_ids(project)
    for mid in migration_ids(project):
        assert f"applied  {mid}" in r.out


def test_apply_twice_is_a_no_op(run):
    assert run("apply").code == 0
    r = run("apply")
    assert r.code == 0 and "up to date" in r.out


def test_apply_to_stops_after_the_named_migration(add_migration, run, project, empty_db):
    add_migration(project, "create_a", "CREATE TABLE core.a (id int);", "DROP TABLE core.a;")
    add_migration(project, "create_b", "CREATE TABLE core.b (id int);", "DROP TABLE core.b;")
    ids = migration_ids(project)
    r = run("apply", "--to", ids[-2][:4])
    assert r.code == 0, r.text
    assert applied_ids(empty_db) == ids[:-1]


def test_status_lists_applied_with_dates_and_pending(add_migration, run, project):
    add_migration(project, "create_a", "CREATE TABLE core.a (id int);", "DROP TABLE core.a;")
    ids = migration_ids(project)
    assert run("apply", "--to", ids[-2]).code == 0
    r = run("status")
    assert r.code == 0, r.text
    assert re.search(rf"applied  {ids[0]}\s+\d{{4}}-\d\d-\d\d \d\d:\d\d:\d\d UTC", r.out)
    assert re.search(rf"pending  {ids[-1]}", r.out)
    assert f"{len(ids) - 1} applied, 1 pending" in r.out


def test_rollback_count_and_to(add_migration, run, project, empty_db):
    add_migration(project, "create_a", "CREATE TABLE core.a (id int);", "DROP TABLE core.a;")
    add_migration(project, "create_b", "CREATE TABLE core.b (id int);", "DROP TABLE core.b;")
    ids = migration_ids(project)
    assert run("apply").code == 0
    r = run("rollback")  # default: the last one
    assert r.code == 0 and f"rolled back  {ids[-1]}" in r.out
    assert applied_ids(empty_db) == ids[:-1]
    assert run("apply").code == 0
    r = run("rollback", "--count", "2", "--yes")
    assert r.code == 0, r.text
    assert applied_ids(empty_db) == ids[:-2]
    assert run("apply").code == 0
    r = run("rollback", "--to", ids[0], "--yes")
    assert r.code == 0, r.text
    assert applied_ids(empty_db) == ids[:1]
    with psycopg.connect(empty_db) as c:
        assert c.execute("SELECT to_regclass('core.a')").fetchone()[0] is None


def test_full_rollback_leaves_no_project_object(run, project, empty_db):
    assert run("apply").code == 0
    r = run("rollback", "--count", str(len(migration_ids(project))), "--yes")
    assert r.code == 0, r.text
    with psycopg.connect(empty_db) as c:
        schemas = [r[0] for r in c.execute(
            "SELECT nspname FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%' "
            "AND nspname NOT IN ('public', 'information_schema')")]
        assert schemas == []
        exts = [r[0] for r in c.execute("SELECT extname FROM pg_extension WHERE extname <> 'plpgsql'")]
        assert exts == []
        # only the runner's and yoyo's bookkeeping remains in public
        tables = sorted(r[0] for r in c.execute(
            "SELECT relname FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind IN ('r','p','v','m')"))
        assert all(t.startswith(("_yoyo", "yoyo", "_assistant_db")) for t in tables), tables
        assert c.execute("SELECT count(*) FROM _yoyo_migration").fetchone()[0] == 0
        assert c.execute("SELECT count(*) FROM public._assistant_db_function_version").fetchone()[0] == 0
        assert c.execute("SELECT count(*) FROM pg_proc WHERE pronamespace = 'public'::regnamespace").fetchone()[0] == 0
        assert c.execute("SELECT count(*) FROM pg_type t WHERE typnamespace = 'public'::regnamespace "
                         "AND typtype IN ('e','d','c') AND NOT EXISTS (SELECT FROM pg_class WHERE reltype = t.oid)").fetchone()[0] == 0
        assert c.execute("SELECT count(*) FROM pg_default_acl").fetchone()[0] == 0


def normalised_schema_dump(pg_bin, url) -> str:
    out = subprocess.run([str(pg_bin / "pg_dump"), "--schema-only", "--no-owner", "--no-privileges",
                          "--exclude-table=public._yoyo*", "--exclude-table=public.yoyo*",
                          "--exclude-table=public._assistant_db*", url],
                         capture_output=True, text=True, check=True).stdout
    lines = [ln for ln in out.splitlines() if ln.strip() and not ln.startswith("--")
             and not ln.startswith(("SET ", "SELECT pg_catalog.set_config", "\\restrict", "\\unrestrict"))]
    return "\n".join(lines)


def privileges_snapshot(url) -> list:
    with psycopg.connect(url) as c:
        return c.execute(
            "SELECT n.nspname, c.relname, c.relkind, pg_get_userbyid(c.relowner), c.relacl::text "
            "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = ANY(%s) ORDER BY 1, 2", (list(PROJECT_SCHEMAS),)).fetchall() + c.execute(
            "SELECT n.nspname, p.proname, pg_get_function_identity_arguments(p.oid), pg_get_userbyid(p.proowner), "
            "p.proacl::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
            "WHERE n.nspname = ANY(%s) ORDER BY 1, 2, 3", (list(PROJECT_SCHEMAS),)).fetchall()


def test_up_down_up_gives_an_identical_schema(run, project, empty_db, pg_bin):
    assert run("apply").code == 0
    first = normalised_schema_dump(pg_bin, empty_db)
    first_privs = privileges_snapshot(empty_db)
    assert "CREATE SCHEMA core" in first
    r = run("rollback", "--count", str(len(migration_ids(project))), "--yes")
    assert r.code == 0, r.text
    r = run("apply")
    assert r.code == 0, r.text
    assert normalised_schema_dump(pg_bin, empty_db) == first
    assert privileges_snapshot(empty_db) == first_privs


def test_new_creates_a_migration_pair_depending_on_the_heads(run, project):
    ids = migration_ids(project)
    depended = set()
    for mid in ids:
        text = (project / "migrations" / f"{mid}.sql").read_text()
        depended |= set(re.search(r"^-- depends:(.*)$", text, re.M).group(1).split()) if "-- depends:" in text else set()
    heads = [m for m in ids if m not in depended]
    r = run("new", "create_widgets", database=None)
    assert r.code == 0, r.text
    number = int(ids[-1][:4]) + 1
    path = project / "migrations" / f"{number:04d}_create_widgets.sql"
    assert path.is_file() and path.with_name(f"{number:04d}_create_widgets.rollback.sql").is_file()
    depends = re.search(r"^-- depends:(.*)$", path.read_text(), re.M).group(1).split()
    assert sorted(depends) == sorted(heads)
    # the new (empty) migration applies and rolls back cleanly
    assert run("apply").code == 0
    assert run("rollback").code == 0


def test_new_rejects_a_bad_name(run):
    r = run("new", "123 !!", database=None)
    assert r.code == 2 and "invalid migration name" in r.err


def test_migrations_run_as_the_owner_role(add_migration, run, empty_db, project):
    add_migration(project, "create_a", "CREATE TABLE core.widget (id int);", "DROP TABLE core.widget;")
    assert run("apply").code == 0
    with psycopg.connect(empty_db) as c:
        owner = c.execute("SELECT pg_get_userbyid(relowner) FROM pg_class WHERE oid = 'core.widget'::regclass").fetchone()[0]
    assert owner == "assistant_owner"


def _dba_login(empty_db, name):
    """A DBA login with CREATEROLE that owns the database, not a superuser (as on managed services)."""
    dbname = empty_db.rsplit("/", 1)[1]
    with psycopg.connect(empty_db, autocommit=True) as c:
        c.execute(sql.SQL("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = {n}) THEN "
                          "CREATE ROLE {i} LOGIN CREATEROLE PASSWORD 'dba-secret'; END IF; END $$")
                  .format(n=sql.Literal(name), i=sql.Identifier(name)))
        c.execute(sql.SQL("ALTER DATABASE {} OWNER TO {}").format(sql.Identifier(dbname), sql.Identifier(name)))
        c.execute(sql.SQL("ALTER SCHEMA public OWNER TO {}").format(sql.Identifier(name)))
    return f"postgresql://{name}:dba-secret@" + empty_db.split("@", 1)[1]


def test_a_non_superuser_dba_login_can_migrate(db, run, empty_db):
    """pg_trgm and unaccent are trusted extensions, so the database owner creates them; membership in
    assistant_owner is granted by a superuser beforehand (the roles are cluster-wide and already exist)."""
    url = _dba_login(empty_db, "dba_member")
    with psycopg.connect(empty_db, autocommit=True) as c:
        c.execute("GRANT assistant_owner TO dba_member")
    r = run("apply", database=url)
    assert r.code == 0, r.text
    assert run("status", database=url).code == 0


def test_a_dba_login_without_membership_gets_a_clear_error_on_16_plus(db, run, empty_db, pg_major):
    url = _dba_login(empty_db, "dba_stranger")
    with psycopg.connect(empty_db, autocommit=True) as c:
        c.execute("REVOKE assistant_owner FROM dba_stranger")
    r = run("apply", database=url)
    if pg_major < 16:  # CREATEROLE may grant any non-superuser role
        assert r.code == 0, r.text
        with psycopg.connect(empty_db, autocommit=True) as c:
            c.execute("REVOKE assistant_owner FROM dba_stranger")
    else:
        assert r.code == 6, r.text
        assert "42501" in r.err and "may not grant itself membership in role assistant_owner" in r.err
        assert "GRANT assistant_owner TO dba_stranger" in r.err


def test_rollback_refuses_without_a_rollback_file(add_migration, run, project, empty_db):
    mid = add_migration(project, "create_a", "CREATE TABLE core.a (id int);", "DROP TABLE core.a;")
    assert run("apply").code == 0
    (project / "migrations" / f"{mid}.rollback.sql").unlink()
    r = run("rollback")
    assert r.code == 10 and f"{mid}.rollback.sql is missing" in r.err, r.text
    assert mid in applied_ids(empty_db)
    with psycopg.connect(empty_db) as c:
        assert c.execute("SELECT to_regclass('core.a')").fetchone()[0] is not None


def test_url_parameters_pass_through_to_libpq(run, empty_db):
    r = run("status", database=empty_db + "?connect_timeout=5&application_name=dba-console")
    assert r.code == 0, r.text


def test_rows_a_migration_selects_are_shown_only_with_verbose(add_migration, run, project):
    add_migration(project, "report", "SELECT 42 AS the_answer;", "")
    r = run("apply")
    assert r.code == 0 and "the_answer" not in r.out
    assert run("rollback").code == 0
    r = run("--verbose", "apply")
    assert r.code == 0 and "the_answer" in r.out and "42" in r.out


def test_status_shows_who_applied_each_migration_and_unknown_for_older_rows(run, project, empty_db):
    ids = migration_ids(project)
    assert run("apply", "--to", ids[1]).code == 0
    # a database migrated by a runner that did not record who applied: no applied_by column
    with psycopg.connect(empty_db, autocommit=True) as c:
        c.execute("ALTER TABLE public._assistant_db_checksum DROP COLUMN applied_by")
    assert run("apply").code == 0  # adds the column back; the older rows stay NULL
    r = run("status")
    assert r.code == 0, r.text
    when = r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC"
    for mid in ids[:2]:
        assert re.search(rf"applied  {mid}\s+{when}  by unknown", r.out), r.out
    for mid in ids[2:]:
        assert re.search(rf"applied  {mid}\s+{when}  by postgres \([\w.-]+@[\w.-]+\)", r.out), r.out
    with psycopg.connect(empty_db) as c:
        by = c.execute("SELECT applied_by FROM public._assistant_db_checksum WHERE migration_id = %s",
                       (ids[-1],)).fetchone()[0]
    assert by.startswith("postgres (")
