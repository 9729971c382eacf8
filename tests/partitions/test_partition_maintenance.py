"""maint.maintain_partitions: creation up to premake, idempotence, what new partitions carry."""


def test_maintenance_twice_changes_nothing_the_second_time(db, events, partitions):
    db.execute("SELECT * FROM maint.register_partitioned_table(%s, 'day', 5)", (events,))
    before = partitions(events)
    assert len(before) == 1 + 5 + 1  # today, five days ahead, default
    assert db.execute("SELECT count(*) FROM maint.maintain_partitions(%s)", (events,)).fetchone()[0] == 0
    assert db.execute("SELECT count(*) FROM maint.maintain_partitions()").fetchone()[0] == 0
    assert partitions(events) == before


def test_maintenance_fills_gaps_and_creates_what_premake_asks(db, events, partitions):
    db.execute("SELECT * FROM maint.register_partitioned_table(%s, 'month', 2)", (events,))
    # a partition three months back, as if maintenance had not run for a while: the months in
    # between are missing, and premake was raised since
    db.execute("SELECT * FROM maint.create_partition(%s, now() - interval '3 months')", (events,))
    db.execute("UPDATE maint.partition_policies SET premake = 4 WHERE parent = %s::regclass", (events,))
    rows = db.execute("SELECT action, partition FROM maint.maintain_partitions(%s)", (events,)).fetchall()
    assert [a for a, _ in rows] == ["create"] * 4
    expected = [r[0] for r in db.execute(
        "SELECT 'test_events_p' || to_char(maint.partition_period_start(now(), 'month', n) AT TIME ZONE 'UTC', 'YYYYMM')"
        " FROM generate_series(-3, 4) n ORDER BY 1").fetchall()]
    assert partitions(events) == expected + ["test_events_default"]
    # contiguous: each upper bound is the next lower bound
    gaps = db.execute("SELECT count(*) FROM (SELECT upper_bound, lead(lower_bound) OVER (ORDER BY lower_bound) AS next"
                      " FROM maint.partition_bounds(%s)) b WHERE next IS NOT NULL AND next <> upper_bound",
                      (events,)).fetchone()[0]
    assert gaps == 0


def test_new_partitions_carry_the_parents_indexes_owner_and_privileges(db, events):
    db.execute("SELECT * FROM maint.register_partitioned_table(%s, 'month', 1)", (events,))
    rows = db.execute("""
        SELECT c.relname, pg_get_userbyid(c.relowner),
               has_table_privilege('assistant_service', c.oid, 'INSERT'),
               has_table_privilege('assistant_app', c.oid, 'SELECT'),
               (SELECT count(*) FROM pg_index x WHERE x.indrelid = c.oid),
               obj_description(c.oid, 'pg_class') IS NOT NULL
          FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
         WHERE i.inhparent = %s::regclass""", (events,)).fetchall()
    assert len(rows) == 3
    for name, owner, service_insert, app_select, n_indexes, commented in rows:
        assert (owner, service_insert, app_select, n_indexes, commented) == ("assistant_owner", True, False, 2, True), name


def test_partition_names_fit_the_identifier_limit(db):
    long = "e" * 60
    db.execute(f"CREATE TABLE core.{long} (created_at timestamptz NOT NULL) PARTITION BY RANGE (created_at)")
    db.execute(f"SELECT * FROM maint.register_partitioned_table('core.{long}', 'day', 1)")
    names = [r[0] for r in db.execute(
        f"SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'core.{long}'::regclass"
    ).fetchall()]
    assert len(names) == 3
    assert all(len(n.encode()) <= 63 for n in names)
    assert sorted(n[-10:] for n in names if "_p" in n)[0].startswith("_p")
    assert any(n.endswith("_default") for n in names)
