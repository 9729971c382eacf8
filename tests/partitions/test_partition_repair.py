"""Rows in a default partition: moved into proper partitions, none lost or doubled."""
import psycopg
import pytest

CHECKSUM = "SELECT count(*), md5(string_agg(t::text, ',' ORDER BY id, created_at)) FROM core.test_events t"


def test_rows_in_the_default_partition_for_a_past_month_are_moved_out(db, events, connect):
    db.execute("SELECT * FROM maint.register_partitioned_table(%s, 'month', 1)", (events,))
    db.execute("INSERT INTO core.test_events (created_at, payload)"
               " SELECT maint.partition_period_start(now(), 'month', -2) + n * interval '40 minutes', 'row ' || n"
               " FROM generate_series(1, 1000) n")
    db.commit()
    assert db.execute("SELECT count(*) FROM core.test_events_default").fetchone()[0] == 1000
    before = db.execute(CHECKSUM).fetchone()
    db.commit()

    conn = connect()  # autocommit: the procedure commits per target partition
    conn.execute("CALL maint.repair_default_partition(%s)", (events,))

    assert db.execute(CHECKSUM).fetchone() == before
    assert db.execute("SELECT count(*) FROM core.test_events_default").fetchone()[0] == 0
    month = db.execute("SELECT 'core.test_events_p' || to_char(maint.partition_period_start(now(), 'month', -2)"
                       " AT TIME ZONE 'UTC', 'YYYYMM')").fetchone()[0]
    assert db.execute(f"SELECT count(*) FROM {month}").fetchone()[0] == 1000
    assert db.execute("SELECT relispartition FROM pg_class WHERE oid = %s::regclass", (month,)).fetchone()[0]


def test_repair_spreads_rows_of_several_periods_each_into_its_own_partition(db, events, connect):
    db.execute("SELECT * FROM maint.register_partitioned_table(%s, 'day', 0)", (events,))
    db.execute("INSERT INTO core.test_events (created_at) SELECT now() - n * interval '1 day' - interval '1 hour'"
               " FROM generate_series(3, 9) n, generate_series(1, 10)")
    db.commit()
    before = db.execute(CHECKSUM).fetchone()
    db.commit()
    connect().execute("CALL maint.repair_default_partition(%s)", (events,))
    assert db.execute(CHECKSUM).fetchone() == before
    per_partition = db.execute("SELECT tableoid::regclass::text, count(*) FROM core.test_events GROUP BY 1").fetchall()
    assert len(per_partition) == 7 and all(n == 10 for _, n in per_partition)
    assert not any(name.endswith("_default") for name, _ in per_partition)


def test_maintenance_creates_a_partition_whose_rows_wait_in_the_default(db, events, partitions):
    # premake 0: next month has no partition, so its early rows land in the default; raising
    # premake must not fail on them (pg_partman's most reported failure) but take them along
    db.execute("SELECT * FROM maint.register_partitioned_table(%s, 'month', 0)", (events,))
    db.execute("INSERT INTO core.test_events (created_at) SELECT maint.partition_period_start(now(), 'month', 1)"
               " + n * interval '1 hour' FROM generate_series(0, 99) n")
    before = db.execute(CHECKSUM).fetchone()
    db.execute("UPDATE maint.partition_policies SET premake = 1 WHERE parent = %s::regclass", (events,))
    rows = db.execute("SELECT action, detail FROM maint.maintain_partitions(%s)", (events,)).fetchall()
    assert rows[0][0] == "create" and "moved 100 rows" in rows[0][1]
    assert db.execute(CHECKSUM).fetchone() == before
    assert db.execute("SELECT count(*) FROM core.test_events_default").fetchone()[0] == 0


def test_maintenance_moves_rows_of_a_past_month_and_fills_the_gap_to_it(db, events, partitions):
    db.execute("SELECT * FROM maint.register_partitioned_table(%s, 'month', 0)", (events,))
    db.execute("INSERT INTO core.test_events (created_at) VALUES (now() - interval '1 year')")
    rows = db.execute("SELECT action, detail FROM maint.maintain_partitions(%s)", (events,)).fetchall()
    assert [a for a, _ in rows] == ["create"] * 12 and "moved 1 row" in rows[0][1]
    assert db.execute("SELECT count(*) FROM core.test_events_default").fetchone()[0] == 0
    assert len(partitions(events)) == 13 + 1


def test_maintenance_reports_rows_it_keeps_in_the_default(db, events):
    db.execute("SELECT * FROM maint.register_partitioned_table(%s, 'month', 0)", (events,))
    db.execute("INSERT INTO core.test_events (created_at) VALUES ('1970-01-01 00:00+00')")
    rows = db.execute("SELECT action, partition, detail FROM maint.maintain_partitions(%s)", (events,)).fetchall()
    assert [(a, p) for a, p, _ in rows] == [("stray", "core.test_events_default")]
    assert rows[0][2].startswith("1 row kept in core.test_events_default, dated 1970-01-01")


def test_run_maintenance_also_empties_the_default(db, events, connect):
    db.execute("SELECT * FROM maint.register_partitioned_table(%s, 'month', 0)", (events,))
    db.execute("INSERT INTO core.test_events (created_at) VALUES (now() - interval '1 year')")
    db.commit()
    connect().execute("CALL maint.run_maintenance()")
    assert db.execute("SELECT count(*) FROM core.test_events_default").fetchone()[0] == 0
    assert db.execute("SELECT tableoid::regclass::text FROM core.test_events").fetchone()[0] == (
        db.execute("SELECT 'core.test_events_p' || to_char((now() - interval '1 year') AT TIME ZONE 'UTC', 'YYYYMM')").fetchone()[0])


def test_repair_refuses_an_unregistered_table(db, connect):
    db.execute("CREATE TABLE core.loose (created_at timestamptz) PARTITION BY RANGE (created_at)")
    db.commit()
    with pytest.raises(psycopg.errors.NoDataFound):
        connect().execute("CALL maint.repair_default_partition('core.loose')")


def test_a_period_that_cannot_move_keeps_its_rows_and_the_others_still_move(db, events, connect):
    db.execute("SELECT * FROM maint.register_partitioned_table(%s, 'month', 0)", (events,))
    db.execute("INSERT INTO core.test_events (id, created_at) VALUES"
               " (1, now() - interval '2 months'), (2, now() - interval '2 months'), (3, now() - interval '4 months')")
    # a foreign key pointing at the parent: deleting row 3 from the default would orphan its child
    db.execute("CREATE TABLE core.test_refs (event_id bigint NOT NULL, event_at timestamptz NOT NULL,"
               " FOREIGN KEY (event_id, event_at) REFERENCES core.test_events (id, created_at))")
    db.execute("INSERT INTO core.test_refs SELECT id, created_at FROM core.test_events WHERE id = 3")
    db.commit()
    before = db.execute(CHECKSUM).fetchone()
    db.commit()

    with pytest.raises(psycopg.errors.RaiseException):
        connect().execute("CALL maint.repair_default_partition(%s)", (events,))

    assert db.execute(CHECKSUM).fetchone() == before
    assert db.execute("SELECT array_agg(id ORDER BY id) FROM core.test_events_default").fetchone()[0] == [3]
