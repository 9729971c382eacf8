"""Stray timestamps: maintenance creates partitions only inside a window around now (max_past
periods back, premake ahead), at most maint.max_new_partitions a run; rows outside it stay in the
default partition, are reported with their range, and never stop a run. Before 0031 a row dated
1970 made 683 partitions, year 1 ran out of shared memory, 294276 AD failed every later run."""
import pytest

STRAYS = ["1970-01-01 00:00:00+00", "0001-01-01 00:00:00+00", "0001-01-01 00:00:00+00 BC",
          "294276-12-31 23:59:59+00", "infinity", "-infinity"]


def run_maintenance(connect):
    conn = connect()
    notices = []
    conn.add_notice_handler(lambda d: notices.append(d.message_primary))
    conn.execute("CALL maint.run_maintenance()")
    run = conn.execute("SELECT id, status, actions FROM maint.maintenance_runs ORDER BY id DESC LIMIT 1").fetchone()
    return run, notices


def actions_of(run, parent, action=None):
    return [a for a in run[2] if a["parent"] == parent and action in (None, a["action"])]


@pytest.mark.parametrize("stray", STRAYS)
def test_a_stray_row_makes_no_partition_is_reported_and_the_run_succeeds(db, events, connect, partitions, stray):
    db.execute("SELECT * FROM maint.register_partitioned_table(%s, 'month', 1)", (events,))
    db.execute("INSERT INTO core.test_events (created_at, payload) VALUES (%s, 'relógio errado'), (now() - interval '2 months', 'ok')",
               (stray,))
    db.commit()
    before = len(partitions(events))

    run, notices = run_maintenance(connect)

    assert run[1] == "done"
    # only the in-window row's month, and the gap to it: the window, never the stray's year
    assert len(partitions(events)) == before + 2
    [strayed] = actions_of(run, events, "stray")
    assert strayed["rows"] == 1 and strayed["partition"] == "core.test_events_default"
    shown = db.execute("SELECT %s::timestamptz::text", (stray,)).fetchone()[0]
    assert f"dated {shown}:" in strayed["detail"], strayed["detail"]
    assert "1 stray row left in default partitions" in notices[0], notices
    assert db.execute("SELECT count(*) FROM core.test_events_default").fetchone()[0] == 1
    # and every later run too
    run, _ = run_maintenance(connect)
    assert run[1] == "done" and [a["action"] for a in actions_of(run, events)] == ["stray"]


def test_the_real_tables_keep_stray_rows_in_their_defaults_and_maintenance_goes_on(db, connect, people):
    [(uid, [conv])] = people(1, 1)
    db.execute("INSERT INTO core.messages (user_id, conversation_id, created_at, role, content) VALUES"
               " (%s, %s, '1970-01-01 00:00+00', 'user', 'Mensagem de 1970'),"
               " (%s, %s, '0001-01-01 00:00+00', 'user', 'Mensagem do ano 1'),"
               " (%s, %s, '294276-12-31 00:00+00', 'user', 'Mensagem do ano 294276')", (uid, conv) * 3)
    db.execute("INSERT INTO ops.system_logs (logged_at, level, source, message) VALUES ('1970-01-01', 'INFO', 'relógio', 'x'),"
               " ('294276-01-01', 'WARN', 'relógio', 'y'), ('infinity', 'ERROR', 'relógio', 'z')")
    db.commit()
    partitions_before = db.execute("SELECT count(*) FROM pg_inherits").fetchone()[0]
    run, _ = run_maintenance(connect)
    assert run[1] == "done"
    assert db.execute("SELECT count(*) FROM pg_inherits").fetchone()[0] == partitions_before
    assert actions_of(run, "core.messages", "stray")[0]["rows"] == 3
    assert actions_of(run, "ops.system_logs", "stray")[0]["rows"] == 3


def test_max_past_bounds_how_far_back_maintenance_goes(db, events, connect, partitions):
    db.execute("SELECT * FROM maint.register_partitioned_table(%s, 'day', 0)", (events,))
    db.execute("UPDATE maint.partition_policies SET max_past = 5 WHERE parent = %s::regclass", (events,))
    db.execute("INSERT INTO core.test_events (created_at) VALUES (now() - interval '4 days'), (now() - interval '6 days')")
    db.commit()
    run, _ = run_maintenance(connect)
    # four days back is inside the window: its day and the gap to today; six days back stays
    assert [a["action"] for a in actions_of(run, events)].count("create") == 4
    assert actions_of(run, events, "stray")[0]["rows"] == 1
    assert len(partitions(events)) == 5 + 1
    db.execute("UPDATE maint.partition_policies SET max_past = NULL WHERE parent = %s::regclass", (events,))  # 62 days
    db.commit()
    run, _ = run_maintenance(connect)
    assert [a["action"] for a in actions_of(run, events)] == ["create", "create"]  # the sixth day back and the fifth
    assert db.execute("SELECT count(*) FROM core.test_events_default").fetchone()[0] == 0


def test_a_run_creates_at_most_max_new_partitions_and_the_next_goes_on(db, events, connect, partitions):
    db.execute("SELECT * FROM maint.register_partitioned_table(%s, 'day', 0)", (events,))
    db.execute("UPDATE maint.partition_policies SET premake = 7 WHERE parent = %s::regclass", (events,))
    db.commit()
    conn = connect()
    conn.execute("SET maint.max_new_partitions = 3")
    conn.execute("CALL maint.run_maintenance()")
    run = conn.execute("SELECT id, status, actions FROM maint.maintenance_runs ORDER BY id DESC LIMIT 1").fetchone()
    assert run[1] == "done"
    mine = actions_of(run, events)
    assert [a["action"] for a in mine] == ["skip", "create", "create", "create"]
    assert "more than maint.max_new_partitions (3)" in mine[0]["detail"]
    conn.execute("CALL maint.run_maintenance()")
    conn.execute("CALL maint.run_maintenance()")
    assert len(partitions(events)) == 1 + 7 + 1


def test_the_window_is_documented_per_policy(db, events):
    db.execute("SELECT * FROM maint.register_partitioned_table(%s, 'month', 3)", (events,))
    lo, hi, exp_lo, exp_hi = db.execute(
        "SELECT w.lower_bound, w.upper_bound, maint.partition_period_start(now(), 'month', -24),"
        "       maint.partition_period_start(now(), 'month', 4) FROM maint.partition_window(%s) w", (events,)).fetchone()
    assert (lo, hi) == (exp_lo, exp_hi)
    db.execute("SELECT * FROM maint.register_partitioned_table('ops.api_metrics', 'day', 3, '90 days')")
    assert db.execute("SELECT w.lower_bound = maint.partition_period_start(now(), 'day', -62)"
                      " FROM maint.partition_window('ops.api_metrics') w").fetchone()[0]
