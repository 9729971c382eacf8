"""Retention: exactly the partitions past retention leave (dropped or detached), no other."""


def make_months(db, parent, first, last):
    """Partitions for months first..last relative to now (e.g. -8..0)."""
    db.execute("SELECT maint.create_partition(%s::regclass, maint.partition_period_start(now(), 'month', n))"
               " FROM generate_series(%s::int, %s::int) n", (parent, first, last))


def expired(db, parent, retention):
    """Partition names whose upper bound is at or before now() - retention, computed apart from maint."""
    return [r[0] for r in db.execute(
        "SELECT 'test_events_p' || to_char(lo AT TIME ZONE 'UTC', 'YYYYMM') FROM ("
        "  SELECT maint.partition_period_start(now(), 'month', n) AS lo,"
        "         maint.partition_period_start(now(), 'month', n + 1) AS hi FROM generate_series(-8, 0) n) m"
        " WHERE hi <= now() - %s::interval ORDER BY 1", (retention,)).fetchall()]


def test_retention_drops_exactly_the_partitions_past_retention(db, events, partitions):
    db.execute("SELECT * FROM maint.register_partitioned_table(%s, 'month', 2)", (events,))
    make_months(db, events, -8, 0)
    db.execute("INSERT INTO core.test_events (created_at) SELECT now() - n * interval '1 day' FROM generate_series(0, 240) n")
    before = set(partitions(events))
    gone = expired(db, events, "100 days")
    assert len(gone) >= 4

    db.execute("UPDATE maint.partition_policies SET retention = '100 days' WHERE parent = %s::regclass", (events,))
    rows = db.execute("SELECT action, partition FROM maint.maintain_partitions(%s)", (events,)).fetchall()

    assert sorted(rows) == sorted(("drop", "core." + name) for name in gone)
    assert set(partitions(events)) == before - set(gone)
    assert db.execute("SELECT count(*) FROM pg_class WHERE relname = ANY(%s)", (gone,)).fetchone()[0] == 0
    # no row newer than the cutoff's partition was touched
    assert db.execute("SELECT min(created_at) >= maint.partition_period_start(now() - interval '100 days', 'month')"
                      " FROM core.test_events").fetchone()[0]
    # running again changes nothing
    assert db.execute("SELECT count(*) FROM maint.maintain_partitions(%s)", (events,)).fetchone()[0] == 0


def test_retention_detach_moves_expired_partitions_to_archive_with_their_rows(db, events, partitions):
    db.execute("SELECT * FROM maint.register_partitioned_table(%s, 'month', 1)", (events,))
    make_months(db, events, -8, 0)
    db.execute("INSERT INTO core.test_events (created_at) SELECT now() - n * interval '1 day' FROM generate_series(0, 240) n")
    total = db.execute("SELECT count(*) FROM core.test_events").fetchone()[0]
    gone = expired(db, events, "6 months")
    assert gone

    rows = db.execute("SELECT action, partition FROM maint.register_partitioned_table(%s, 'month', 1, '6 months', 'detach')",
                      (events,)).fetchall()

    assert sorted(r for r in rows if r[0] == "detach") == sorted(("detach", "core." + n) for n in gone)
    assert not set(gone) & set(partitions(events))
    archived = db.execute("SELECT relname FROM pg_class WHERE relnamespace = 'archive'::regnamespace AND relname = ANY(%s)"
                          " ORDER BY 1", (gone,)).fetchall()
    assert [r[0] for r in archived] == gone
    kept = db.execute("SELECT count(*) FROM core.test_events").fetchone()[0]
    in_archive = sum(db.execute(f"SELECT count(*) FROM archive.{n}").fetchone()[0] for n in gone)
    assert kept + in_archive == total
    # archived data is the DBA's: the grant the partitions inherited from the parent is gone
    assert not any(db.execute("SELECT has_table_privilege('assistant_service', %s, 'SELECT')", (f"archive.{n}",)).fetchone()[0]
                   for n in gone)


def test_no_retention_keeps_every_partition(db, events, partitions):
    db.execute("SELECT * FROM maint.register_partitioned_table(%s, 'month', 1)", (events,))
    make_months(db, events, -30, 0)
    before = partitions(events)
    assert db.execute("SELECT count(*) FROM maint.apply_retention(%s)", (events,)).fetchone()[0] == 0
    assert partitions(events) == before


def test_detach_into_a_taken_archive_name_keeps_the_partition_and_reports_it(db, events, partitions):
    db.execute("SELECT * FROM maint.register_partitioned_table(%s, 'month', 0, '3 months', 'detach')", (events,))
    db.execute("SELECT maint.create_partition(%s::regclass, now() - interval '6 months')", (events,))
    old = partitions(events)[0]
    db.execute(f"CREATE TABLE archive.{old} (v int)")
    rows = db.execute("SELECT action, partition FROM maint.apply_retention(%s)", (events,)).fetchall()
    assert rows == [("conflict", f"core.{old}")]
    assert old in partitions(events)


def test_retention_releases_each_partition_before_waiting_for_the_next(db, connect, app_login, iso):
    # Five expired days of ops.system_logs (30 days of retention); a session reads the third
    # one directly, holding its lock. Before 0030 retention kept ACCESS EXCLUSIVE on
    # ops.system_logs from its first drop while it retried the third (api.write_log blocked
    # 13 s); now each drop commits, and the third is waited for holding nothing on the parent.
    days = [r[0] for r in db.execute(
        "SELECT to_char(d AT TIME ZONE 'UTC', 'YYYYMMDD') FROM ("
        "  SELECT maint.partition_period_start(now(), 'day', -n) AS d FROM generate_series(44, 40, -1) n) s").fetchall()]
    db.execute("SELECT maint.create_partition('ops.system_logs', maint.partition_period_start(now(), 'day', -n))"
               " FROM generate_series(40, 44) n")
    db.execute("INSERT INTO ops.system_logs (logged_at, level, source, message)"
               " SELECT maint.partition_period_start(now(), 'day', -n) + interval '1 hour', 'INFO', 'teste', 'dia -' || n"
               " FROM generate_series(40, 44) n")
    db.commit()
    blocker = connect(autocommit=False)
    blocker.execute(f"SELECT count(*) FROM ops.system_logs_p{days[2]}")  # ACCESS SHARE on that day only

    maint = connect()
    maint.execute("SET maint.lock_timeout = '100ms'")
    maint.execute("SET maint.lock_retries = 1000")
    cleanup = iso.Background(lambda: maint.execute("CALL maint.run_cleanup()"))
    observer = connect()
    assert (f"ops.system_logs_p{days[2]}", "AccessExclusiveLock") in iso.waiting_for(observer, maint.info.backend_pid)

    # the two days before it are gone, committed; maintenance holds nothing on the parent
    gone = observer.execute("SELECT to_regclass(%s) IS NULL, to_regclass(%s) IS NULL",
                            (f"ops.system_logs_p{days[0]}", f"ops.system_logs_p{days[1]}")).fetchone()
    assert gone == (True, True)
    assert not {r for r, _ in iso.held_by(observer, maint.info.backend_pid)} & {"ops.system_logs", "ops.system_logs_default"}
    # and an app's log line is not kept waiting (a lock_timeout would raise 55P03 if it were)
    app = app_login(autocommit=True)
    app.execute("SET lock_timeout = '200ms'")
    for n in range(5):
        assert app.execute("SELECT api.write_log('INFO', 'assistente', %s)", (f"linha {n} durante a retenção",)).fetchone()[0]

    blocker.commit()
    cleanup.result()
    assert observer.execute("SELECT count(*) FROM pg_class WHERE relname = ANY(%s)",
                            ([f"system_logs_p{d}" for d in days],)).fetchone()[0] == 0
    actions = observer.execute("SELECT actions FROM maint.maintenance_runs ORDER BY id DESC LIMIT 1").fetchone()[0]
    assert sorted(a["partition"] for a in actions if a["action"] == "drop") == [f"ops.system_logs_p{d}" for d in days]
