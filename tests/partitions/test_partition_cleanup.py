"""maint.run_cleanup: retention of every policy, then the other areas' cleanups when present."""
import psycopg
import pytest

STEPS = ("core.cleanup_expired_memories", "ops.cleanup_system_logs")


@pytest.fixture
def stand_ins(db):
    """Replace the other areas' cleanup functions (whatever their signature) by stand-ins that
    record their call, so the test does not depend on those areas."""
    for oid in db.execute("SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace"
                          " WHERE n.nspname || '.' || p.proname = ANY(%s)", (list(STEPS),)).fetchall():
        db.execute(f"DROP ROUTINE {oid[0]} CASCADE")
    db.execute("CREATE TABLE core.cleanup_calls (step text NOT NULL)")
    db.execute("""CREATE FUNCTION core.cleanup_expired_memories() RETURNS integer LANGUAGE sql
                  AS $$ INSERT INTO core.cleanup_calls VALUES ('memories') RETURNING 7 $$""")
    db.execute("""CREATE FUNCTION ops.cleanup_system_logs(p_keep interval DEFAULT '30 days') RETURNS void LANGUAGE sql
                  AS $$ INSERT INTO core.cleanup_calls VALUES ('logs') $$""")
    db.commit()


def test_cleanup_applies_retention_and_calls_the_other_cleanups(db, events, stand_ins, connect, partitions):
    db.execute("SELECT * FROM maint.register_partitioned_table(%s, 'day', 1, '3 days')", (events,))
    db.execute("SELECT maint.create_partition(%s::regclass, now() - n * interval '1 day') FROM generate_series(1, 10) n",
               (events,))
    db.commit()
    assert len(partitions(events)) == 1 + 10 + 1 + 1

    conn = connect()
    notices = []
    conn.add_notice_handler(lambda d: notices.append(d.message_primary))
    conn.execute("CALL maint.run_cleanup()")

    # kept: the day holding now() - 3 days and every later one (today-3 .. today+1), the default
    assert len(partitions(events)) == 4 + 1 + 1
    assert sorted(r[0] for r in db.execute("SELECT step FROM core.cleanup_calls").fetchall()) == ["logs", "memories"]
    # the run's summary: one table's retention, then the other areas' cleanups
    assert notices[0].startswith("cleanup run ") and "7 dropped/detached" in notices[0], notices
    assert any("core.cleanup_expired_memories: 7" in n for n in notices), notices


def test_cleanup_without_the_other_areas_still_applies_retention(db, events, connect, partitions):
    for oid in db.execute("SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace"
                          " WHERE n.nspname || '.' || p.proname = ANY(%s)", (list(STEPS),)).fetchall():
        db.execute(f"DROP ROUTINE {oid[0]} CASCADE")
    db.execute("SELECT * FROM maint.register_partitioned_table(%s, 'month', 0, '1 month')", (events,))
    db.execute("SELECT maint.create_partition(%s::regclass, now() - interval '6 months')", (events,))
    db.commit()
    conn = connect()
    notices = []
    conn.add_notice_handler(lambda d: notices.append(d.message_primary))
    conn.execute("CALL maint.run_cleanup()")
    assert len(partitions(events)) == 2
    assert any("core.cleanup_expired_memories not installed: skipped" in n for n in notices), notices


def test_cleanup_inside_a_transaction_block_is_refused(db, events):
    # it commits step by step, which a transaction block cannot allow
    db.execute("SELECT * FROM maint.register_partitioned_table(%s, 'month', 0, '1 month')", (events,))
    with pytest.raises(psycopg.errors.InvalidTransactionTermination):
        db.execute("CALL maint.run_cleanup()")
