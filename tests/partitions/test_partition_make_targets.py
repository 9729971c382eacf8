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
    assert p.returncode == 0, p.stderr
    assert "core.test_events create" in p.stderr  # NOTICEs: what it did
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
