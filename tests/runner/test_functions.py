"""functions/<schema>/<name>/NNNN.sql: each migration loads the function text of its own version,
a rollback restores the version before, a loaded version is frozen, and a fresh database and an
upgraded one end up with identical functions."""
import psycopg

FUNCTIONS_SQL = """
SELECT n.nspname, p.proname, pg_get_function_identity_arguments(p.oid),
       pg_get_functiondef(p.oid), obj_description(p.oid, 'pg_proc'),
       pg_get_userbyid(p.proowner), p.proacl::text
  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
 WHERE n.nspname IN ('util', 'maint', 'core', 'ops', 'api')
 ORDER BY 1, 2, 3
"""


def functions_of(url):
    with psycopg.connect(url) as c:
        return c.execute(FUNCTIONS_SQL).fetchall()


def function_body(url, qualified: str) -> str:
    with psycopg.connect(url) as c:
        return c.execute("SELECT pg_get_functiondef(%s::regproc)", (qualified,)).fetchone()[0]


def migration_ids(project):
    return sorted(p.stem for p in (project / "migrations").glob("[0-9]*.sql") if not p.name.endswith(".rollback.sql"))


def test_stepwise_upgrade_and_fresh_apply_have_identical_functions(run, project, db_url, empty_db):
    # db_url: the template-made database, migrated in one go; empty_db: upgraded one migration at a time
    for mid in migration_ids(project):
        r = run("apply", "--to", mid)
        assert r.code == 0, r.text
    assert functions_of(empty_db) == functions_of(db_url)
    assert len(functions_of(empty_db)) >= 3


def test_each_migration_loads_the_function_version_of_its_time(run, project, empty_db):
    """0004 loads the messages trigger as it was then (no first_message_at), 0008 its own version."""
    assert run("apply", "--to", "0007").code == 0
    assert "first_message_at" not in function_body(empty_db, "core.tg_messages__maintain_conversation")
    assert run("apply", "--to", "0008").code == 0
    assert "first_message_at" in function_body(empty_db, "core.tg_messages__maintain_conversation")


def test_a_new_function_version_is_loaded_by_its_migration_and_rolled_back(run, project, empty_db):
    assert run("apply").code == 0
    before = function_body(empty_db, "util.tg__set_updated_at")
    r = run("new", "stamp_with_statement_time", "--function", "util.tg__set_updated_at")
    assert r.code == 0, r.text
    mid = migration_ids(project)[-1]
    version = project / "functions" / "util" / "tg__set_updated_at" / f"{mid[:4]}.sql"
    assert f"created functions/util/tg__set_updated_at/{mid[:4]}.sql" in r.out.replace(str(project) + "/", "")
    version.write_text(version.read_text().replace("NEW.updated_at := now();", "NEW.updated_at := statement_timestamp();"))
    assert f"-- functions: util.tg__set_updated_at" in (project / "migrations" / f"{mid}.sql").read_text()
    r = run("apply")
    assert r.code == 0, r.text
    assert "statement_timestamp()" in function_body(empty_db, "util.tg__set_updated_at")
    assert run("verify").code == 0
    r = run("rollback")
    assert r.code == 0, r.text
    assert function_body(empty_db, "util.tg__set_updated_at") == before


def test_an_upgraded_database_matches_a_fresh_one_after_a_function_changes(run, project, empty_db, db_url):
    assert run("apply").code == 0
    r = run("new", "reword_uuid_comment", "--function", "util.uuid_v7_timestamp")
    assert r.code == 0, r.text
    mid = migration_ids(project)[-1]
    f = project / "functions" / "util" / "uuid_v7_timestamp" / f"{mid[:4]}.sql"
    f.write_text(f.read_text().replace("'The creation time", "'Creation time"))
    assert run("apply").code == 0
    with psycopg.connect(db_url, autocommit=True) as c:
        fresh = c.execute("SELECT current_database()").fetchone()[0] + "_fresh"
        c.execute(f'CREATE DATABASE "{fresh}"')
    fresh_url = db_url.rsplit("/", 1)[0] + "/" + fresh
    try:
        assert run("apply", database=fresh_url).code == 0
        assert functions_of(empty_db) == functions_of(fresh_url)
    finally:
        with psycopg.connect(db_url, autocommit=True) as c:
            c.execute(f'DROP DATABASE "{fresh}" WITH (FORCE)')


def test_an_edited_loaded_function_version_is_refused_like_an_edited_migration(run, project, empty_db):
    assert run("apply").code == 0
    f = project / "functions" / "util" / "tg__set_updated_at" / "0001.sql"
    f.write_text(f.read_text().replace("NEW.updated_at := now();", "NEW.updated_at := statement_timestamp();"))
    r = run("verify")
    assert r.code == 8 and "functions/util/tg__set_updated_at/0001.sql changed after 0001_create_foundation loaded it" in r.err, r.text
    r = run("apply")
    assert r.code == 8 and "--accept-changed 0001_create_foundation" in r.err, r.text
    r = run("apply", "--accept-changed", "0001_create_foundation")
    assert r.code == 0 and "re-loaded" in r.out, r.text
    assert "statement_timestamp()" in function_body(empty_db, "util.tg__set_updated_at")
    assert run("verify").code == 0


def test_a_failing_function_file_reports_its_own_error_not_an_aborted_transaction(run, project, add_migration, empty_db):
    assert run("apply").code == 0
    mid = add_migration(project, "break_a_function", "", "", headers="-- functions: util.tg__set_updated_at")
    f = project / "functions" / "util" / "tg__set_updated_at" / f"{mid[:4]}.sql"
    f.write_text("CREATE OR REPLACE FUNCTION util.tg__set_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$ BEGN $$ WITH;\n")
    r = run("apply")
    assert r.code == 6, r.text
    assert f"loading functions/util/tg__set_updated_at/{mid[:4]}.sql" in r.err, r.text
    assert "42601" in r.err and "25P02" not in r.err, r.text


def test_a_registry_of_an_older_runner_is_converted_and_stale_functions_reloaded(run, project, empty_db):
    """Databases migrated before versioning kept public._assistant_db_function (name, sha256, first_migration)."""
    assert run("apply").code == 0
    with psycopg.connect(empty_db) as c:
        c.execute("DROP TABLE public._assistant_db_function_version")
        c.execute("CREATE TABLE public._assistant_db_function (name text PRIMARY KEY, sha256 text NOT NULL,"
                  " first_migration text NOT NULL, loaded_at timestamptz NOT NULL DEFAULT now())")
        c.execute("INSERT INTO public._assistant_db_function (name, sha256, first_migration)"
                  " VALUES ('uuid_v7_timestamp', repeat('0', 64), '0001_create_foundation')")
        c.execute("COMMENT ON FUNCTION util.uuid_v7_timestamp(uuid) IS 'an older text'")
    r = run("apply")
    assert r.code == 0, r.text
    assert "reloaded functions/util/uuid_v7_timestamp/0001.sql" in r.out, r.text
    with psycopg.connect(empty_db) as c:
        assert c.execute("SELECT to_regclass('public._assistant_db_function')").fetchone()[0] is None
        n = c.execute("SELECT count(*) FROM public._assistant_db_function_version").fetchone()[0]
        assert c.execute("SELECT obj_description('util.uuid_v7_timestamp(uuid)'::regprocedure)").fetchone()[0] != "an older text"
    assert n >= 50
    assert run("verify").code == 0


def test_a_function_directory_no_migration_loads_is_reported(run, project):
    d = project / "functions" / "core" / "orphan"
    d.mkdir(parents=True)
    (d / "0003.sql").write_text("CREATE OR REPLACE FUNCTION core.orphan() RETURNS int LANGUAGE sql AS 'SELECT 1';\n")
    (project / "functions" / "stray.sql").write_text("-- old layout\n")
    assert run("apply").code == 0
    r = run("verify")
    assert r.code == 10, r.text
    assert "functions/core/orphan/ is not loaded by any migration" in r.out, r.out
    assert "stray.sql: function files live in functions/<schema>/<name>/NNNN.sql" in r.out, r.out


def test_a_version_without_its_migration_is_reported(run, project):
    d = project / "functions" / "util" / "tg__set_updated_at"
    (d / "0005.sql").write_text((d / "0001.sql").read_text())
    r = run("verify")
    assert r.code == 10, r.text
    assert "version 0005 must be loaded by migration 0005" in r.out, r.out


def test_a_migration_without_a_rollback_partner_is_reported(run, project, add_migration):
    mid = add_migration(project, "create_a", "CREATE TABLE core.a (id int);", "DROP TABLE core.a;")
    (project / "migrations" / f"{mid}.rollback.sql").unlink()
    r = run("verify")
    assert r.code == 10 and f"{mid}.sql has no {mid}.rollback.sql partner" in r.out
