"""Locks: creating partitions and inserting do not wait for each other; a lock that does not
come in time makes maintenance skip that step (retried next run), never fail or queue for long."""


def test_partitions_are_created_while_an_insert_transaction_is_open(db, events, connect, partitions):
    db.execute("SELECT * FROM maint.register_partitioned_table(%s, 'month', 0)", (events,))
    db.commit()
    writer = connect(autocommit=False)
    writer.execute("INSERT INTO core.test_events (created_at) VALUES (now())")  # open: ROW EXCLUSIVE held

    maint = connect()
    maint.execute("SET maint.lock_retries = 1")
    rows = maint.execute("SELECT action FROM maint.register_partitioned_table(%s, 'month', 2)", (events,)).fetchall()
    assert [r[0] for r in rows] == ["update", "create", "create"]
    writer.commit()


def test_inserts_go_on_while_maintenance_holds_its_locks(db, events, connect):
    db.execute("SELECT * FROM maint.register_partitioned_table(%s, 'month', 0)", (events,))
    db.commit()
    maint = connect(autocommit=False)
    maint.execute("UPDATE maint.partition_policies SET premake = 3 WHERE parent = %s::regclass", (events,))
    assert len(maint.execute("SELECT * FROM maint.maintain_partitions(%s)", (events,)).fetchall()) == 3
    # maintenance's transaction is still open, holding what ATTACH took; a writer with a
    # lock_timeout would fail with 55P03 if it had to wait
    writer = connect()
    writer.execute("SET lock_timeout = '100ms'")
    writer.execute("INSERT INTO core.test_events (created_at) VALUES (now())")
    maint.commit()
    assert db.execute("SELECT count(*) FROM core.test_events").fetchone()[0] == 1


def test_retention_skips_a_partition_whose_lock_does_not_come_and_drops_it_next_run(db, events, connect, partitions):
    db.execute("SELECT * FROM maint.register_partitioned_table(%s, 'month', 0, '2 months')", (events,))
    db.execute("SELECT maint.create_partition(%s::regclass, now() - make_interval(months => n))"
               " FROM unnest(ARRAY[6, 2, 1]) n", (events,))
    db.commit()
    old = partitions(events)[0]
    assert db.execute("SELECT count(*) FROM maint.maintain_partitions(%s) WHERE action = 'create'", (events,)).fetchone()[0] == 0
    db.rollback()

    reader = connect(autocommit=False)
    reader.execute("SELECT count(*) FROM core.test_events")  # a long read: ACCESS SHARE on all of it

    maint = connect()
    maint.execute("SET maint.lock_timeout = '50ms'")
    maint.execute("SET maint.lock_retries = 3")
    rows = maint.execute("SELECT action, partition FROM maint.maintain_partitions(%s)", (events,)).fetchall()
    assert rows == [("skip", f"core.{old}")]
    assert old in partitions(events)

    reader.commit()
    rows = maint.execute("SELECT action, partition FROM maint.maintain_partitions(%s)", (events,)).fetchall()
    assert rows == [("drop", f"core.{old}")]


def test_creation_skips_when_the_parent_is_locked_and_the_run_goes_on(db, events, connect, partitions):
    db.execute("SELECT * FROM maint.register_partitioned_table(%s, 'month', 0)", (events,))
    db.commit()
    blocker = connect(autocommit=False)
    blocker.execute(f"LOCK TABLE {events} IN SHARE UPDATE EXCLUSIVE MODE")  # as a manual VACUUM would

    maint = connect()
    maint.execute("SET maint.lock_timeout = '50ms'")
    maint.execute("SET maint.lock_retries = 2")
    maint.execute("UPDATE maint.partition_policies SET premake = 1 WHERE parent = %s::regclass", (events,))
    rows = maint.execute("SELECT action FROM maint.maintain_partitions(%s)", (events,)).fetchall()
    assert rows == [("skip",)]
    blocker.commit()
    rows = maint.execute("SELECT action FROM maint.maintain_partitions(%s)", (events,)).fetchall()
    assert rows == [("create",)]
