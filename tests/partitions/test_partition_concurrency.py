"""Maintenance next to writers: inserts are never refused and no row goes missing."""
import threading

import pytest

WRITERS = 4
ROUNDS = 6


@pytest.mark.slow
def test_four_writers_inserting_during_maintenance_all_succeed(db, events, connect, partitions):
    db.execute("SELECT * FROM maint.register_partitioned_table(%s, 'month', 3)", (events,))
    # old, empty partitions for retention to drop while the writers run
    db.execute("SELECT maint.create_partition(%s::regclass, maint.partition_period_start(now(), 'month', n))"
               " FROM generate_series(-12, -1) n", (events,))
    db.commit()

    errors: list[BaseException] = []
    inserted = [0] * WRITERS
    stop = threading.Event()

    def writer(n: int) -> None:
        # writes until maintenance has done all its rounds, so every round runs next to writers
        try:
            conn = connect()
            while not stop.is_set() or inserted[n] < 100:
                # rows of the last ~60 days: months that no retention step below touches
                conn.execute("INSERT INTO core.test_events (created_at, payload)"
                             " VALUES (now() - random() * interval '60 days', %s)", (f"{n}:{inserted[n]}",))
                inserted[n] += 1
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    for t in threads:
        t.start()

    maint = connect()
    actions: list[str] = []
    try:
        for round_ in range(ROUNDS):
            # each round: one more old month past retention (dropped under ACCESS EXCLUSIVE with
            # a short lock_timeout), and the farthest future partition removed so it is made
            # again (attached under SHARE UPDATE EXCLUSIVE)
            maint.execute("UPDATE maint.partition_policies SET retention = make_interval(months => %s)"
                          " WHERE parent = %s::regclass", (11 - round_, events))
            last = partitions(events, maint)[-2]
            maint.execute("SET lock_timeout = '250ms'")
            try:
                maint.execute(f"DROP TABLE core.{last}")
            except Exception:  # noqa: BLE001 - a busy moment: the next round tries again
                pass
            maint.execute("RESET lock_timeout")
            actions += [r[0] for r in maint.execute("SELECT action FROM maint.maintain_partitions(%s)", (events,)).fetchall()]
            assert all(t.is_alive() for t in threads) or errors
    finally:
        stop.set()
        for t in threads:
            t.join()

    assert errors == []
    assert "create" in actions and actions.count("drop") >= ROUNDS - 1
    assert "skip" not in actions
    total = sum(inserted)
    assert db.execute("SELECT count(*), count(DISTINCT payload) FROM core.test_events").fetchone() == (total, total)
    assert db.execute("SELECT count(*) FROM core.test_events_default").fetchone()[0] == 0
    # and the policy is met at the end: another run has nothing left to do
    assert db.execute("SELECT count(*) FROM maint.maintain_partitions(%s)", (events,)).fetchone()[0] == 0
