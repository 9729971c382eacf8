"""maint.register_partitioned_table: validation, policy, first partitions."""
import psycopg
import pytest


def test_register_creates_default_and_current_through_premake(db, events, partitions):
    rows = db.execute("SELECT action, partition FROM maint.register_partitioned_table(%s, 'month', 3)", (events,)).fetchall()
    assert rows[0][0] == "register"
    expected = [r[0] for r in db.execute(
        "SELECT 'test_events_p' || to_char(maint.partition_period_start(now(), 'month', n) AT TIME ZONE 'UTC', 'YYYYMM')"
        " FROM generate_series(0, 3) n ORDER BY 1").fetchall()]
    assert partitions(events) == expected + ["test_events_default"]
    assert db.execute("SELECT partition_interval, premake, retention, retention_action FROM maint.partition_policies"
                      " WHERE parent = %s::regclass", (events,)).fetchone() == ("month", 3, None, "drop")


def test_register_refuses_a_table_that_is_not_partitioned(db):
    db.execute("CREATE TABLE core.plain (created_at timestamptz)")
    with pytest.raises(psycopg.errors.WrongObjectType):
        db.execute("SELECT * FROM maint.register_partitioned_table('core.plain', 'month')")


def test_register_refuses_a_key_that_is_not_one_timestamptz(db):
    db.execute("CREATE TABLE core.by_day (d date) PARTITION BY RANGE (d)")
    with pytest.raises(psycopg.errors.WrongObjectType):
        db.execute("SELECT * FROM maint.register_partitioned_table('core.by_day', 'day')")


@pytest.mark.parametrize("args", ["'week'", "'month', -1", "'month', 3, '-1 day'", "'month', 3, '1 year', 'truncate'"])
def test_register_refuses_bad_parameters(db, events, args):
    with pytest.raises(psycopg.errors.InvalidParameterValue):
        db.execute(f"SELECT * FROM maint.register_partitioned_table('{events}', {args})")


def test_unregister_removes_the_policy_and_keeps_the_partitions(db, events, partitions):
    db.execute("SELECT * FROM maint.register_partitioned_table(%s, 'month', 1)", (events,))
    before = partitions(events)
    assert db.execute("SELECT maint.unregister_partitioned_table(%s)", (events,)).fetchone()[0] is True
    assert db.execute("SELECT maint.unregister_partitioned_table(%s)", (events,)).fetchone()[0] is False
    assert partitions(events) == before
    assert db.execute("SELECT count(*) FROM maint.maintain_partitions()").fetchone()[0] == 0
    with pytest.raises(psycopg.errors.NoDataFound):
        db.execute("SELECT * FROM maint.maintain_partitions(%s)", (events,))


def test_a_registered_table_dropped_without_unregistering_is_skipped_not_fatal(db, events):
    db.execute("SELECT * FROM maint.register_partitioned_table(%s, 'month', 1)", (events,))
    db.execute("DROP TABLE core.test_events")
    rows = db.execute("SELECT action, detail FROM maint.maintain_partitions()").fetchall()
    assert len(rows) == 1 and rows[0][0] == "skip" and "unregister_partitioned_table" in rows[0][1]


def test_registering_again_updates_the_policy_but_not_the_interval(db, events):
    db.execute("SELECT * FROM maint.register_partitioned_table(%s, 'month', 1)", (events,))
    rows = db.execute("SELECT action FROM maint.register_partitioned_table(%s, 'month', 2, '1 year', 'detach')",
                      (events,)).fetchall()
    assert rows == [("update",), ("create",)]
    assert db.execute("SELECT premake, retention_action, updated_at >= created_at FROM maint.partition_policies"
                      " WHERE parent = %s::regclass", (events,)).fetchone() == (2, "detach", True)
    with pytest.raises(psycopg.errors.InvalidParameterValue):
        db.execute("SELECT * FROM maint.register_partitioned_table(%s, 'day')", (events,))
