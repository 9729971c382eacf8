"""The DBA's make targets, run as cron would run them, against the test database."""
import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def make(target: str, url: str) -> subprocess.CompletedProcess:
    return subprocess.run(["make", "-s", target], cwd=ROOT, env=dict(os.environ, DATABASE_URL=url),
                          capture_output=True, text=True, timeout=300)


def test_make_rotate_maintains_and_repairs_every_registered_table(db, db_url, events):
    db.execute("SELECT * FROM maint.register_partitioned_table(%s, 'month', 0)", (events,))
    db.execute("INSERT INTO core.test_events (created_at) VALUES (now() - interval '3 months')")
    db.execute("UPDATE maint.partition_policies SET premake = 2 WHERE parent = %s::regclass", (events,))
    db.commit()
    p = make("rotate", db_url)
    assert p.returncode == 0, p.stdout + p.stderr
    # the summary: the headline, then what it did to the table
    assert "maintenance run" in p.stdout and "1 row moved" in p.stdout, p.stdout
    assert "core.test_events: created 5" in p.stdout, p.stdout  # -3 (its row), -2, -1 (the gap), +1, +2
    assert db.execute("SELECT count(*) FROM core.test_events_default").fetchone()[0] == 0
    assert db.execute("SELECT count(*) FROM maint.maintain_partitions(%s)", (events,)).fetchone()[0] == 0


def test_make_partitions_prints_the_report(db, db_url, events):
    db.execute("SELECT * FROM maint.register_partitioned_table(%s, 'day', 1, '30 days')", (events,))
    db.commit()
    p = make("partitions", db_url)
    assert p.returncode == 0, p.stderr
    assert "core.test_events" in p.stdout and "core.test_events_default" in p.stdout and "DEFAULT" in p.stdout
    assert "drop after 30 days" in p.stdout


def test_make_cleanup_and_vacuum_succeed(db, db_url, events):
    db.execute("SELECT * FROM maint.register_partitioned_table(%s, 'month', 0, '1 month')", (events,))
    db.execute("SELECT maint.create_partition(%s::regclass, now() - interval '1 year')", (events,))
    db.commit()
    p = make("cleanup", db_url)
    assert p.returncode == 0, p.stderr
    assert db.execute("SELECT count(*) FROM maint.partition_bounds(%s)", (events,)).fetchone()[0] == 1
    p = make("vacuum", db_url)
    assert p.returncode == 0, p.stderr
    assert db.execute("SELECT last_vacuum IS NOT NULL AND last_analyze IS NOT NULL FROM pg_stat_user_tables"
                      " WHERE relid = 'maint.partition_policies'::regclass").fetchone()[0]


def test_make_rotate_prints_what_it_did_then_nothing_to_do(db, db_url, events):
    db.execute("SELECT * FROM maint.register_partitioned_table(%s, 'month', 0)", (events,))
    db.execute("INSERT INTO core.test_events (created_at) SELECT now() - interval '1 month' FROM generate_series(1, 3)")
    db.execute("INSERT INTO core.test_events (created_at) VALUES ('1970-01-01 00:00+00')")
    db.commit()
    first = make("rotate", db_url)
    assert first.returncode == 0, first.stdout + first.stderr
    lines = first.stdout.splitlines()
    assert len(lines) <= 24  # one screen
    assert lines[0].startswith("maintenance run ") and "1 created, 3 rows moved" in lines[0]
    assert "1 stray row left in default partitions" in lines[0]
    table = lines.index(next(ln for ln in lines if ln.startswith("  core.test_events: ")))
    assert lines[table].startswith("  core.test_events: created 1 (core.test_events_p") and "moved 3 rows" in lines[table]
    assert lines[table + 1].startswith("    stray: 1 row kept in core.test_events_default, dated 1970-01-01 00:00:00+00:")
    assert lines[-1].startswith("hint: rows moved: ANALYZE core.test_events refreshes")

    db.execute("DELETE FROM core.test_events WHERE created_at < '1971-01-01'")
    db.commit()
    again = make("rotate", db_url)
    assert again.returncode == 0, again.stdout + again.stderr
    assert again.stdout.splitlines()[-1].endswith("nothing to do (5 tables checked)"), again.stdout


def test_make_rotate_during_another_run_says_it_skipped(db, db_url, connect):
    other = connect()
    run_id = other.execute("SELECT run_id FROM maint.begin_run('maintenance')").fetchone()[0]
    p = make("rotate", db_url)
    assert p.returncode == 0, p.stdout + p.stderr
    assert p.stdout.startswith("maintenance run ") and f"skipped: run {run_id} (pid {other.info.backend_pid}" in p.stdout


def test_make_rotate_reports_a_failed_step_then_exits_non_zero(db, db_url, events):
    db.execute("SELECT * FROM maint.register_partitioned_table(%s, 'month', 0)", (events,))
    db.execute("INSERT INTO core.test_events (id, created_at) VALUES (1, now() - interval '2 months')")
    # a foreign key pointing at the parent: deleting row 1 from the default would orphan its child
    db.execute("CREATE TABLE core.test_refs (event_id bigint NOT NULL, event_at timestamptz NOT NULL,"
               " FOREIGN KEY (event_id, event_at) REFERENCES core.test_events (id, created_at))")
    db.execute("INSERT INTO core.test_refs SELECT id, created_at FROM core.test_events")
    db.commit()
    p = make("rotate", db_url)
    assert p.returncode != 0
    assert "1 FAILED" in p.stdout.splitlines()[0], p.stdout
    assert "    FAILED: the partition from" in p.stdout and "SQLSTATE 23503" in p.stdout, p.stdout
    assert "ERROR:  partition maintenance run" in p.stdout


def test_make_partitions_counts_the_rows_of_a_default_partition(db, db_url, events):
    db.execute("SELECT * FROM maint.register_partitioned_table(%s, 'month', 0)", (events,))
    db.execute("INSERT INTO core.test_events (created_at) SELECT '1970-01-01'::timestamptz + n * interval '1 second'"
               " FROM generate_series(1, 1234) n")
    db.commit()  # no ANALYZE: reltuples of the default still reads -1
    p = make("partitions", db_url)
    assert p.returncode == 0, p.stderr
    default_row = next(ln for ln in p.stdout.splitlines() if "core.test_events_default" in ln)
    assert [c.strip() for c in default_row.split("|")][2:4] == ["DEFAULT", "1234"], default_row
    table_row = next(ln for ln in p.stdout.splitlines() if ln.lstrip().startswith("core.test_events "))
    assert table_row.rstrip().endswith("1234 rows: make rotate"), table_row
    assert "ANALYZE" in p.stdout


def test_make_cleanup_prints_a_summary(db, db_url, events):
    db.execute("SELECT * FROM maint.register_partitioned_table(%s, 'month', 0, '1 month')", (events,))
    db.execute("SELECT maint.create_partition(%s::regclass, now() - interval '1 year')", (events,))
    db.commit()
    p = make("cleanup", db_url)
    assert p.returncode == 0, p.stdout + p.stderr
    assert p.stdout.startswith("cleanup run ") and "1 dropped/detached" in p.stdout
    assert "core.test_events: retention: drop core.test_events_p" in p.stdout
