"""apply --dry-run, plan and rollback --dry-run: what would run, in order, with its SQL and the
function version files it loads, without changing anything or taking the migrations lock."""
import psycopg

from helpers import make_invalid_started_at_index, spawn, wait_for_lock_holder


def migration_ids(project):
    return sorted(p.stem for p in (project / "migrations").glob("[0-9]*.sql") if not p.name.endswith(".rollback.sql"))


def bookkeeping(url):
    """Everything the runner and yoyo keep, as rows, to compare before and after a dry run."""
    with psycopg.connect(url) as c:
        tables = [r[0] for r in c.execute(
            "SELECT relname FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind = 'r' ORDER BY 1")]
        rows = {t: sorted(map(repr, c.execute(f'SELECT * FROM public."{t}"').fetchall())) for t in tables}
        schemas = [r[0] for r in c.execute("SELECT nspname FROM pg_namespace ORDER BY 1")]
    return tables, rows, schemas


def test_dry_run_on_an_empty_database_prints_every_migration_in_order_and_creates_nothing(run, project, empty_db):
    before = bookkeeping(empty_db)
    r = run("apply", "--dry-run")
    assert r.code == 0, r.text
    ids = migration_ids(project)
    # in the order apply runs them (yoyo's dependency order), each announced once
    positions = [r.out.index(f" apply {mid} (") for mid in ids]
    assert len(positions) == len(ids)
    assert r.out.index(f"1/{len(ids)} apply 0001_") < r.out.index(f"2/{len(ids)} apply ")
    # the SQL of a migration and of the function versions it loads, each file named
    first = (project / "migrations" / f"{ids[0]}.sql").read_text().strip().splitlines()
    assert first[-1] in r.out
    assert "-- ---- functions/util/tg__set_updated_at/0001.sql (loaded" in r.out
    assert "CREATE OR REPLACE FUNCTION util.tg__set_updated_at" in r.out
    assert "outside a transaction" in r.out  # 0017's CREATE INDEX CONCURRENTLY
    # nothing was created: not even yoyo's tables or the runner's lock table
    assert bookkeeping(empty_db) == before
    assert "_yoyo_migration" not in before[0]


def test_plan_is_apply_dry_run_and_lists_only_what_is_pending(add_migration, run, project, empty_db):
    assert run("apply").code == 0
    a = add_migration(project, "create_a", "CREATE TABLE core.a (id int);", "DROP TABLE core.a;")
    b = add_migration(project, "create_b", "CREATE TABLE core.b (id int);", "DROP TABLE core.b;",
                      headers="-- functions: util.tg__set_updated_at")
    before = bookkeeping(empty_db)
    r = run("plan")
    assert r.code == 0, r.text
    assert r.out == run("apply", "--dry-run").out
    assert "plan: apply 2 migrations" in r.out
    assert r.out.index(f"1/2 apply {a}") < r.out.index("CREATE TABLE core.a") < r.out.index(f"2/2 apply {b}")
    assert "-- ---- functions/util/tg__set_updated_at/0001.sql (loaded before the statements)" in r.out
    assert "0001_create_foundation" not in r.out.split("plan:")[1].split("\n")[0]
    r = run("plan", "--to", a)
    assert a in r.out and b not in r.out and "plan: apply 1 migration " in r.out
    assert bookkeeping(empty_db) == before
    with psycopg.connect(empty_db) as c:
        assert c.execute("SELECT to_regclass('core.a')").fetchone()[0] is None
    r = run("apply")
    assert r.code == 0
    r = run("plan")
    assert r.code == 0 and "up to date" in r.out and "plan:" not in r.out


def test_rollback_dry_run_prints_the_rollback_files_and_the_function_versions_restored(run, project, empty_db):
    assert run("apply").code == 0
    r = run("new", "stamp_with_statement_time", "--function", "util.tg__set_updated_at", database=None)
    assert r.code == 0, r.text
    mid = migration_ids(project)[-1]
    assert run("apply").code == 0
    before = bookkeeping(empty_db)
    r = run("rollback", "--count", "2", "--dry-run")  # no confirmation asked: nothing is rolled back
    assert r.code == 0, r.text
    ids = migration_ids(project)
    assert r.out.index(f"1/2 roll back {mid}") < r.out.index(f"2/2 roll back {ids[-2]}")
    assert f"-- ---- migrations/{mid}.rollback.sql" in r.out.replace(str(project) + "/", "")
    assert ("-- ---- functions/util/tg__set_updated_at/0001.sql (restored: the version in force before "
            f"{mid})") in r.out
    assert bookkeeping(empty_db) == before


def test_dry_run_takes_no_migrations_lock(add_migration, run, project, empty_db):
    """A plan reads the bookkeeping only: it runs while another runner holds the lock."""
    assert run("apply").code == 0
    add_migration(project, "slow", "SELECT pg_sleep(30);", "")
    holder = spawn(project, empty_db, "apply")
    try:
        wait_for_lock_holder(empty_db)
        r = run("--lock-wait", "0", "plan")
        assert r.code == 0, r.text
        assert "waiting for the migrations lock" not in r.out and "SELECT pg_sleep(30);" in r.out
    finally:
        holder.kill()
        holder.communicate(timeout=60)


def test_dry_run_refuses_like_apply_when_an_applied_migration_was_edited(add_migration, run, project):
    mid = add_migration(project, "create_a", "CREATE TABLE core.a (id int);", "DROP TABLE core.a;")
    assert run("apply").code == 0
    path = project / "migrations" / f"{mid}.sql"
    path.write_text(path.read_text().replace("(id int)", "(id bigint)"))
    r = run("plan")
    assert r.code == 8 and "checksum mismatch" in r.err, r.text


def test_dry_run_names_an_invalid_index_it_would_drop(run, project, empty_db):
    assert run("apply", "--to", "0016").code == 0
    with psycopg.connect(empty_db, autocommit=True) as c:
        make_invalid_started_at_index(c)
    r = run("plan")
    assert r.code == 0, r.text
    assert "first drops the INVALID index core.conversations_started_at_idx" in r.out

