"""runner.py seed: each seed file in one transaction, as the owner role."""
import psycopg


def test_a_failing_seed_keeps_nothing_and_says_which_file(run, tmp_path, empty_db):
    assert run("apply").code == 0
    good = tmp_path / "a_good.sql"
    good.write_text("CREATE TABLE core.seeded (v int); INSERT INTO core.seeded VALUES (1);")
    bad = tmp_path / "b_bad.sql"
    bad.write_text("INSERT INTO core.seeded VALUES (2); INSERT INTO core.seeded VALUES ('x');")
    r = run("seed", str(good), str(bad))
    assert r.code == 6, r.text
    assert "b_bad.sql failed" in r.err and "22P02" in r.err and "Traceback" not in r.text
    with psycopg.connect(empty_db) as c:
        assert [x[0] for x in c.execute("SELECT v FROM core.seeded")] == [1]
        assert c.execute("SELECT pg_get_userbyid(relowner) FROM pg_class WHERE oid = 'core.seeded'::regclass"
                         ).fetchone()[0] == "assistant_owner"
