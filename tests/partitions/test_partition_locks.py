"""Locks: creating partitions and inserting do not wait for each other; a lock that does not
come in time makes maintenance skip that step (retried next run), never fail or queue for long."""


def test_an_open_write_transaction_makes_creation_skip_then_the_next_run_creates(db, events, connect, partitions):
    # Creating a partition takes a lock on the parent that conflicts with ROW EXCLUSIVE (else an
    # insert racing the ATTACH would be refused by the default's new constraint): a writer's open
    # transaction makes it wait lock_timeout per try, then skip, never fail or queue for long.
    db.execute("SELECT * FROM maint.register_partitioned_table(%s, 'month', 0)", (events,))
    db.commit()
    writer = connect(autocommit=False)
    writer.execute("INSERT INTO core.test_events (created_at) VALUES (now())")  # open: ROW EXCLUSIVE held

    maint = connect()
    maint.execute("SET maint.lock_retries = 1")
    rows = maint.execute("SELECT action, detail FROM maint.register_partitioned_table(%s, 'month', 2)", (events,)).fetchall()
    assert [r[0] for r in rows] == ["update", "skip", "skip"]
    assert "EXCLUSIVE on core.test_events not granted" in rows[1][1]
    writer.commit()
    rows = maint.execute("SELECT action FROM maint.maintain_partitions(%s)", (events,)).fetchall()
    assert rows == [("create",), ("create",)]


def test_a_new_partition_takes_its_locks_for_its_own_transaction_only(db, events, connect, iso):
    # the locks of each half, observed in pg_locks while its transaction is open
    db.execute("SELECT * FROM maint.register_partitioned_table(%s, 'month', 0)", (events,))
    db.commit()
    maint = connect(autocommit=False)
    observer = connect()
    pid = maint.info.backend_pid
    maint.execute("SELECT maint.prepare_partition(%s, now() + interval '1 month')", (events,))
    held = iso.held_by(observer, pid)
    new = maint.execute("SELECT relname FROM pg_class WHERE relname LIKE 'test_events_p%%' AND NOT relispartition").fetchone()[0]
    # preparing: a read lock on the parent (LIKE), the new table's own locks
    assert {(r, m) for r, m in held if r in ("core.test_events", "core.test_events_default")} == {
        ("core.test_events", "AccessShareLock")}
    maint.commit()

    maint.execute("SELECT * FROM maint.attach_partition(%s, now() + interval '1 month')", (events,))
    held = iso.held_by(observer, pid)
    # attaching: writers wait at the parent (EXCLUSIVE; reads go on), the default is scanned
    assert ("core.test_events", "ExclusiveLock") in held
    assert ("core.test_events_default", "AccessExclusiveLock") in held
    assert (f"core.{new}", "AccessExclusiveLock") in held
    assert not any(m == "AccessExclusiveLock" for r, m in held if r == "core.test_events")
    # a reader is not kept waiting
    reader = connect()
    reader.execute("SET lock_timeout = '100ms'")
    lo, hi = db.execute("SELECT maint.partition_period_start(now(), 'month'), maint.partition_period_start(now(), 'month', 1)").fetchone()
    db.rollback()
    reader.execute("SELECT count(*) FROM core.test_events WHERE created_at >= %s AND created_at < %s", (lo, hi))
    maint.commit()
    assert iso.held_by(observer, pid) == set()


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
