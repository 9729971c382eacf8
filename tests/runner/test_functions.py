"""functions/: a fresh database and an upgraded one end up with identical functions."""
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


def migration_ids(project):
    return sorted(p.stem for p in (project / "migrations").glob("[0-9]*.sql") if not p.name.endswith(".rollback.sql"))


def test_stepwise_upgrade_and_fresh_apply_have_identical_functions(run, project, db_url, empty_db):
    # db_url: the template-made database, migrated in one go; empty_db: upgraded one migration at a time
    for mid in migration_ids(project):
        r = run("apply", "--to", mid)
        assert r.code == 0, r.text
    assert functions_of(empty_db) == functions_of(db_url)
    assert len(functions_of(empty_db)) >= 3


def test_a_changed_function_file_is_reloaded_by_apply(run, project, empty_db, add_migration):
    assert run("apply").code == 0
    f = project / "functions" / "tg__set_updated_at.sql"
    original = f.read_text()
    f.write_text(original.replace("NEW.updated_at := now();", "NEW.updated_at := statement_timestamp();"))
    r = run("verify")
    assert r.code == 10 and "functions/tg__set_updated_at.sql changed since it was loaded" in r.out, r.text
    r = run("apply")
    assert r.code == 0 and "reloaded functions/tg__set_updated_at.sql" in r.out, r.text
    assert run("verify").code == 0
    with psycopg.connect(empty_db) as c:
        body = c.execute("SELECT prosrc FROM pg_proc WHERE proname = 'tg__set_updated_at'").fetchone()[0]
    assert "statement_timestamp()" in body


def test_upgraded_database_matches_a_fresh_one_after_a_function_changes(run, project, empty_db, db_url):
    """Upgrade path: the function file changes after it was applied; apply re-loads it, and the result
    equals a database built fresh from the changed files."""
    assert run("apply").code == 0
    f = project / "functions" / "uuid_v7_timestamp.sql"
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


def test_a_function_file_no_migration_loads_is_reported(run, project):
    (project / "functions" / "orphan.sql").write_text("-- nothing loads me\n")
    assert run("apply").code == 0
    r = run("verify")
    assert r.code == 10 and "functions/orphan.sql is not loaded by any migration" in r.out


def test_a_migration_without_a_rollback_partner_is_reported(run, project, add_migration):
    mid = add_migration(project, "create_a", "CREATE TABLE core.a (id int);", "DROP TABLE core.a;")
    (project / "migrations" / f"{mid}.rollback.sql").unlink()
    r = run("verify")
    assert r.code == 10 and f"{mid}.sql has no {mid}.rollback.sql partner" in r.out
