"""make backup / make restore: a dump restored into a fresh database is identical, table by table."""
import os
import secrets
import subprocess
import time
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

ROOT = Path(__file__).resolve().parents[2]

TABLES = """
    SELECT format('%I.%I', n.nspname, c.relname)
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%%'
     ORDER BY 1"""


def fingerprint(conn) -> dict[str, tuple[int, str]]:
    """Row count and md5 of the sorted rows of every table (partitions included)."""
    out = {}
    for (table,) in conn.execute(TABLES).fetchall():
        out[table] = conn.execute(
            f"SELECT count(*), md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '')) FROM {table} t").fetchone()
    return out


def make(target: str, url: str, **variables) -> subprocess.CompletedProcess:
    env = dict(os.environ, DATABASE_URL=url)
    args = ["make", "-s", target] + [f"{k}={v}" for k, v in variables.items()]
    return subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


@pytest.fixture
def fresh_name(db_url):
    name = "restored_" + secrets.token_hex(4)
    yield name
    admin = db_url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@pytest.mark.slow
def test_backup_then_restore_into_a_fresh_database_is_identical(db, db_url, events, tmp_path, fresh_name):
    db.execute("SELECT * FROM maint.register_partitioned_table(%s, 'month', 2, '2 years', 'detach')", (events,))
    db.execute("SELECT maint.create_partition(%s::regclass, maint.partition_period_start(now(), 'month', n))"
               " FROM generate_series(-5, -1) n", (events,))
    db.execute("INSERT INTO core.test_events (created_at, payload)"
               " SELECT now() - n * interval '1 hour', md5(n::text) FROM generate_series(1, 3000) n")
    db.execute("INSERT INTO core.test_events (created_at, payload) VALUES (now() - interval '10 years', 'stuck')")
    db.commit()
    before = fingerprint(db)
    db.commit()
    assert before["core.test_events_default"][0] == 1 and len(before) > 5

    p = make("backup", db_url, BACKUP_DIR=tmp_path)
    assert p.returncode == 0, p.stderr
    dumps = list(tmp_path.glob(f"{db.info.dbname}-*.dump"))
    assert len(dumps) == 1 and not list(tmp_path.glob("*.partial"))

    p = make("restore", db_url, FILE=dumps[0], RESTORE_DB=fresh_name)
    assert p.returncode == 0, p.stderr
    with psycopg.connect(db_url.rsplit("/", 1)[0] + "/" + fresh_name) as restored:
        assert fingerprint(restored) == before
        # the restored database is a working one: partitions still attached, policy still there
        assert restored.execute("SELECT count(*) FROM maint.maintain_partitions()").fetchone()[0] == 1  # the warn
        assert restored.execute("SELECT count(*) FROM core.test_events").fetchone()[0] == 3001


def test_restore_refuses_a_database_that_is_not_empty(db, db_url, tmp_path):
    p = make("backup", db_url, BACKUP_DIR=tmp_path)
    assert p.returncode == 0, p.stderr
    dump = next(tmp_path.glob("*.dump"))
    # the test database itself holds the whole schema
    p = make("restore", db_url, FILE=dump, RESTORE_DB=db.info.dbname)
    assert p.returncode != 0
    assert f"database {db.info.dbname} is not empty" in p.stderr and "FORCE=1" in p.stderr
    assert db.execute("SELECT to_regclass('maint.partition_policies') IS NOT NULL").fetchone()[0]


def test_restore_with_force_replaces_a_database_that_is_not_empty(db, db_url, tmp_path, fresh_name):
    p = make("backup", db_url, BACKUP_DIR=tmp_path)
    assert p.returncode == 0, p.stderr
    dump = next(tmp_path.glob("*.dump"))
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(fresh_name)))
    other = db_url.rsplit("/", 1)[0] + "/" + fresh_name
    with psycopg.connect(other, autocommit=True) as conn:
        conn.execute("CREATE TABLE public.junk (v int)")
    p = make("restore", db_url, FILE=dump, RESTORE_DB=fresh_name, FORCE=1)
    assert p.returncode == 0, p.stderr
    with psycopg.connect(other) as conn:
        assert conn.execute("SELECT to_regclass('public.junk') IS NULL").fetchone()[0]
        assert fingerprint(conn) == fingerprint(db)


def test_backup_keeps_only_the_last_days(db, db_url, tmp_path):
    name = db.info.dbname
    old = tmp_path / f"{name}-20000101T000000Z.dump"
    recent = tmp_path / f"{name}-20000102T000000Z.dump"
    other = tmp_path / "someone-elses-file.dump"
    for f in (old, recent, other):
        f.write_bytes(b"x")
    now = time.time()
    os.utime(old, (now - 4 * 86400, now - 4 * 86400))
    os.utime(recent, (now - 2 * 86400, now - 2 * 86400))
    os.utime(other, (now - 30 * 86400, now - 30 * 86400))

    p = make("backup", db_url, BACKUP_DIR=tmp_path, KEEP_DAYS=3)
    assert p.returncode == 0, p.stderr
    assert not old.exists() and recent.exists() and other.exists()
    assert len(list(tmp_path.glob(f"{name}-*.dump"))) == 2
