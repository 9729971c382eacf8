"""Rolling back several migrations drops their tables and data: the runner asks on a terminal,
proceeds only on y/yes, and without a terminal refuses unless --yes says it in advance."""
import psycopg

from helpers import run_on_terminal


def applied_ids(url):
    with psycopg.connect(url) as c:
        return [r[0] for r in c.execute("SELECT migration_id FROM _yoyo_migration ORDER BY migration_id")]


def two_more(add_migration, project):
    a = add_migration(project, "create_a", "CREATE TABLE core.a (id int);", "DROP TABLE core.a;")
    b = add_migration(project, "create_b", "CREATE TABLE core.b (id int);", "DROP TABLE core.b;")
    return a, b


def test_several_migrations_are_rolled_back_after_yes_on_a_terminal(add_migration, run, project, empty_db):
    a, b = two_more(add_migration, project)
    assert run("apply").code == 0
    code, out, err = run_on_terminal(["--project", str(project), "--database", empty_db, "rollback", "--count", "2"],
                                     b"yes\n")
    assert code == 0, out + err
    assert f"roll back 2 migrations ({b}, {a}) and their data? [y/N]" in err
    assert f"rolled back  {b}" in out and f"rolled back  {a}" in out
    assert a not in applied_ids(empty_db)


def test_any_other_answer_rolls_back_nothing(add_migration, run, project, empty_db):
    a, b = two_more(add_migration, project)
    assert run("apply").code == 0
    for answer in (b"n\n", b"\n", b"sim\n"):
        code, out, err = run_on_terminal(["--project", str(project), "--database", empty_db, "rollback", "--count", "2"],
                                         answer)
        assert code == 2, out + err
        assert "rollback not confirmed: nothing was rolled back" in err
    assert b in applied_ids(empty_db)
    with psycopg.connect(empty_db) as c:
        assert c.execute("SELECT to_regclass('core.b')").fetchone()[0] is not None


def test_without_a_terminal_several_migrations_need_yes(add_migration, run, project, empty_db):
    a, b = two_more(add_migration, project)
    assert run("apply").code == 0
    before = applied_ids(empty_db)
    for args in (("--count", "2"), ("--to", before[-3])):
        r = run("rollback", *args)  # stdin is not a terminal
        assert r.code == 2, r.text
        assert "--yes" in r.err and f"roll back 2 migrations ({b}, {a})" in r.err
        assert applied_ids(empty_db) == before
    r = run("rollback", "--to", before[-3], "--yes")
    assert r.code == 0, r.text
    assert applied_ids(empty_db) == before[:-2]


def test_one_migration_is_rolled_back_without_a_question(add_migration, run, project, empty_db):
    a, b = two_more(add_migration, project)
    assert run("apply").code == 0
    r = run("rollback")
    assert r.code == 0 and f"rolled back  {b}" in r.out, r.text
    r = run("rollback", "--to", applied_ids(empty_db)[-2])  # --to covering one
    assert r.code == 0 and f"rolled back  {a}" in r.out, r.text
    code, out, err = run_on_terminal(["--project", str(project), "--database", empty_db, "rollback", "--count", "1"],
                                     None)
    assert code == 0 and "[y/N]" not in err, out + err
