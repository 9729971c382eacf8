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
