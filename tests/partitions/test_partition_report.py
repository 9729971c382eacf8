"""maint.partition_report: every partitioned table, its partitions, sizes, stuck default rows."""
import psycopg
import pytest


def test_report_lists_partitions_with_bounds_sizes_and_a_stuck_default(db, events, connect):
    db.execute("SELECT * FROM maint.register_partitioned_table(%s, 'month', 2, '1 year')", (events,))
    db.execute("INSERT INTO core.test_events (created_at) SELECT now() - n * interval '1 minute' FROM generate_series(1, 50) n")
    db.execute("INSERT INTO core.test_events (created_at) VALUES (now() - interval '5 years')")
    db.execute("ANALYZE core.test_events")
    db.commit()

    ro = connect(role="assistant_readonly")
    rows = ro.execute("""
        SELECT partition, is_default, lower_bound, upper_bound, row_estimate, total_bytes, default_has_rows,
               partition_interval, premake, retention = '1 year'
          FROM maint.partition_report WHERE parent = 'core.test_events' ORDER BY is_default, lower_bound""").fetchall()
    assert len(rows) == 3 + 1
    assert all(r[6] is True for r in rows)                       # the default holds a row
    assert all(r[5] > 0 for r in rows)                           # sizes (indexes included)
    assert {(r[7], r[8], r[9]) for r in rows} == {("month", 2, True)}  # the policy, on every row
    current = rows[0]
    assert current[0].startswith("core.test_events_p") and current[4] == 50
    assert db.execute("SELECT %s::timestamptz = maint.partition_period_start(now(), 'month')", (current[2],)).fetchone()[0]
    default = rows[-1]
    assert default[0] == "core.test_events_default" and default[2] is None and default[4] == 1


def test_report_shows_unregistered_and_list_partitioned_tables_too(db, connect):
    db.execute("CREATE TABLE core.by_kind (kind text) PARTITION BY LIST (kind)")
    db.execute("CREATE TABLE core.by_kind_a PARTITION OF core.by_kind FOR VALUES IN ('a')")
    db.commit()
    rows = connect(role="assistant_readonly").execute(
        "SELECT strategy, partition, bound, partition_interval, default_has_rows FROM maint.partition_report"
        " WHERE parent = 'core.by_kind'").fetchall()
    assert rows == [("list", "core.by_kind_a", "FOR VALUES IN ('a')", None, None)]


def test_readonly_role_sees_the_report_but_not_the_data(db, events, connect):
    db.execute("SELECT * FROM maint.register_partitioned_table(%s, 'month', 0)", (events,))
    db.commit()
    ro = connect(role="assistant_readonly")
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        ro.execute("SELECT * FROM maint.partition_policies")
    with pytest.raises(psycopg.errors.WrongObjectType):
        ro.execute("SELECT maint.default_partition_has_rows('maint.partition_policies')")
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        ro.execute("SELECT * FROM maint.maintain_partitions()")


def test_default_partitions_are_counted_for_the_readonly_role_exactly_when_few(db, events, connect):
    db.execute("SELECT * FROM maint.register_partitioned_table(%s, 'month', 0)", (events,))
    db.execute("INSERT INTO core.test_events (created_at) SELECT '1970-01-01'::timestamptz + n * interval '1 hour'"
               " FROM generate_series(1, 36) n")
    db.commit()  # not analyzed: the estimate still reads -1 (0 rows on PostgreSQL before 14)
    ro = connect(role="assistant_readonly")
    default = db.execute("SELECT 'core.test_events_default'::regclass::oid").fetchone()[0]
    db.rollback()
    assert ro.execute("SELECT * FROM maint.default_partition_rows(%s::oid::regclass)", (default,)).fetchone() == (36, True)
    # above the bound: the estimate, never below what was counted, marked as not exact
    assert ro.execute("SELECT * FROM maint.default_partition_rows(%s::oid::regclass, 10)", (default,)).fetchone() == (11, False)
    with pytest.raises(psycopg.errors.WrongObjectType):
        ro.execute("SELECT * FROM maint.default_partition_rows('maint.partition_policies')")
