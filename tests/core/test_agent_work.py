"""Tasks, events, actions and reminders: statuses, links, and the "open", "pending" and "due now"
queries served by their partial indexes."""
import psycopg
import pytest


@pytest.fixture
def convo(make_user, make_conversation, add_messages, db):
    uid = make_user()
    conv = make_conversation(uid)
    add_messages(uid, conv, 3)
    msg = db.execute("SELECT created_at, id FROM core.messages WHERE conversation_id = %s ORDER BY id LIMIT 1",
                     (conv,)).fetchone()
    return uid, conv, msg


def test_open_tasks_are_pending_or_in_progress(convo, as_app):
    uid, conv, _ = convo
    app = as_app(uid)
    for status in ("pending", "in_progress", "completed", "failed", "cancelled"):
        app.execute("INSERT INTO api.tasks (conversation_id, agent, description, status) VALUES (%s, 'planner', %s, %s)",
                    (conv, f"task {status}", status))
    assert sorted(r[0] for r in app.execute("SELECT status::text FROM api.open_tasks")) == ["in_progress", "pending"]


def test_task_status_outside_the_enum_is_rejected(convo, as_app):
    uid, conv, _ = convo
    with pytest.raises(psycopg.errors.InvalidTextRepresentation):
        as_app(uid).execute("INSERT INTO api.tasks (description, status) VALUES ('x', 'done')")


def test_events_are_append_only_for_the_app(convo, as_app):
    uid, conv, _ = convo
    app = as_app(uid)
    app.execute("INSERT INTO api.events (conversation_id, actor, type, content) "
                "VALUES (%s, 'weather', 'tool.called', '{\"tool\": \"metar\"}')", (conv,))
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        app.execute("UPDATE api.events SET type = 'tool.forged'")
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        app.execute("DELETE FROM api.events")


def test_event_type_must_be_a_lower_case_name(convo, as_app):
    uid, conv, _ = convo
    with pytest.raises(psycopg.errors.CheckViolation):
        as_app(uid).execute("INSERT INTO api.events (actor, type) VALUES ('x', 'Not A Type')")


def test_action_links_to_its_conversation_and_message(convo, as_app):
    uid, conv, (msg_at, msg_id) = convo
    app = as_app(uid)
    app.execute("INSERT INTO api.actions (conversation_id, message_created_at, message_id, type, name, parameters) "
                "VALUES (%s, %s, %s, 'iot_control', 'cabin_lights.on', '{\"zone\": \"cockpit\"}')", (conv, msg_at, msg_id))
    assert app.execute("SELECT count(*) FROM api.pending_actions WHERE message_id = %s", (msg_id,)).fetchone()[0] == 1


def test_action_for_a_missing_or_foreign_message_is_rejected(convo, make_user, make_conversation, add_messages, db, as_app):
    uid, conv, (msg_at, msg_id) = convo
    app = as_app(uid)
    with pytest.raises(psycopg.errors.ForeignKeyViolation) as exc:  # right id, wrong created_at
        app.execute("INSERT INTO api.actions (conversation_id, message_created_at, message_id, type, name) "
                    "VALUES (%s, '2000-01-01', %s, 'query', 'x')", (conv, msg_id))
    assert exc.value.diag.message_hint
    other = make_user()
    oconv = make_conversation(other)
    add_messages(other, oconv, 1)
    omsg = db.execute("SELECT created_at, id FROM core.messages WHERE conversation_id = %s", (oconv,)).fetchone()
    with pytest.raises(psycopg.errors.ForeignKeyViolation):  # another user's message
        app.execute("INSERT INTO api.actions (conversation_id, message_created_at, message_id, type, name) "
                    "VALUES (%s, %s, %s, 'query', 'x')", (conv, *omsg))
    with pytest.raises(psycopg.errors.CheckViolation):  # half a link
        app.execute("INSERT INTO api.actions (conversation_id, message_id, type, name) VALUES (%s, %s, 'query', 'x')",
                    (conv, msg_id))


def test_deleting_a_message_clears_the_link_but_keeps_the_action(convo, db):
    uid, conv, (msg_at, msg_id) = convo
    db.execute("INSERT INTO core.actions (user_id, conversation_id, message_created_at, message_id, type, name) "
               "VALUES (%s, %s, %s, %s, 'reminder', 'set')", (uid, conv, msg_at, msg_id))
    db.execute("DELETE FROM core.messages WHERE user_id = %s AND id = %s", (uid, msg_id))
    assert db.execute("SELECT message_id, message_created_at FROM core.actions WHERE user_id = %s", (uid,)).fetchone() \
        == (None, None)


@pytest.mark.parametrize("change, constraint", [
    ("status = 'failed', executed_at = now()", "actions_error_message_check"),
    ("status = 'success'", "actions_executed_at_check"),
    ("error_message = 'boom'", "actions_error_message_check"),
])
def test_action_outcome_must_be_consistent(convo, db, change, constraint):
    uid, conv, _ = convo
    db.execute("INSERT INTO core.actions (user_id, conversation_id, type, name) VALUES (%s, %s, 'query', 'x')", (uid, conv))
    with pytest.raises(psycopg.errors.CheckViolation) as exc:
        db.execute(f"UPDATE core.actions SET {change} WHERE user_id = %s", (uid,))
    assert exc.value.diag.constraint_name == constraint


def test_action_type_and_status_outside_their_enums_are_rejected(convo, as_app):
    uid, conv, _ = convo
    app = as_app(uid)
    for cols, vals in ((("type",), ("teleport",)), (("type", "status"), ("query", "done"))):
        with pytest.raises(psycopg.errors.InvalidTextRepresentation):
            app.execute(f"INSERT INTO api.actions (conversation_id, name, {', '.join(cols)}) "
                        f"VALUES (%s, 'x', {', '.join(['%s'] * len(vals))})", (conv, *vals))


def test_reminder_status_done_is_rejected(convo, as_app):
    uid, _, _ = convo
    with pytest.raises(psycopg.errors.InvalidTextRepresentation):
        as_app(uid).execute("INSERT INTO api.reminders (title, scheduled_at, status) VALUES ('x', now(), 'done')")


def test_triggered_reminder_needs_triggered_at(convo, as_app):
    uid, _, _ = convo
    with pytest.raises(psycopg.errors.CheckViolation) as exc:
        as_app(uid).execute("INSERT INTO api.reminders (title, scheduled_at, status) VALUES ('x', now(), 'triggered')")
    assert exc.value.diag.constraint_name == "reminders_triggered_at_check"


def test_due_reminders_are_the_pending_ones_whose_time_has_come(convo, as_app):
    uid, _, _ = convo
    app = as_app(uid)
    app.execute("INSERT INTO api.reminders (title, scheduled_at) VALUES ('due', now() - interval '1 minute'), "
                "('later', now() + interval '1 hour')")
    app.execute("INSERT INTO api.reminders (title, scheduled_at, status) VALUES ('cancelled', now() - interval '1 hour', 'cancelled')")
    assert [r[0] for r in app.execute("SELECT title FROM api.due_reminders")] == ["due"]


@pytest.mark.parametrize("role", ["assistant_app", "assistant_service"])
def test_due_now_query_is_an_index_scan(db, make_user, connect, role):
    users = [make_user() for _ in range(20)]
    db.execute("INSERT INTO core.reminders (user_id, title, scheduled_at, status, triggered_at) "
               "SELECT u, 'r' || g, now() + (g - 2500) * interval '1 hour', "
               "       CASE WHEN g < 2400 THEN 'triggered' ELSE 'pending' END::api.reminder_status, "
               "       CASE WHEN g < 2400 THEN now() END "
               "FROM unnest(%s::uuid[]) u, generate_series(1, 5000) g", (users,))
    db.execute("ANALYZE core.reminders")
    db.commit()
    conn = connect(role=role, user_id=users[0])
    sql = ("SELECT title FROM api.due_reminders ORDER BY scheduled_at" if role == "assistant_app"
           else "SELECT user_id, id FROM api.due_reminders ORDER BY scheduled_at LIMIT 100")
    plan = "\n".join(r[0] for r in conn.execute("EXPLAIN " + sql).fetchall())
    index = "reminders_user_id_scheduled_at_idx" if role == "assistant_app" else "reminders_scheduled_at_idx"
    assert index in plan and "Seq Scan" not in plan, plan


def test_claim_due_reminders_marks_them_triggered_once(db, make_user, connect):
    uid = make_user()
    db.execute("INSERT INTO core.reminders (user_id, title, scheduled_at) SELECT %s, 'r' || g, now() - g * interval '1 minute' "
               "FROM generate_series(1, 5) g", (uid,))
    db.execute("INSERT INTO core.reminders (user_id, title, scheduled_at) VALUES (%s, 'future', now() + interval '1 day')", (uid,))
    db.commit()
    service = connect(role="assistant_service")
    first = service.execute("SELECT title, triggered_at IS NOT NULL FROM api.claim_due_reminders(3)").fetchall()
    assert [r[0] for r in first] and len(first) == 3 and all(r[1] for r in first)
    rest = service.execute("SELECT title FROM api.claim_due_reminders(100)").fetchall()
    assert len(rest) == 2 and not {r[0] for r in rest} & {r[0] for r in first}
    assert service.execute("SELECT count(*) FROM api.claim_due_reminders()").fetchone()[0] == 0
    with pytest.raises(psycopg.errors.InvalidParameterValue):
        service.execute("SELECT * FROM api.claim_due_reminders(0)")


def test_an_app_claims_only_the_due_reminders_of_the_user_it_names(db, make_user, connect):
    ana, bruno = make_user(), make_user()
    for uid, title in ((ana, "Revisar o plano de voo"), (bruno, "Ligar para a oficina")):
        db.execute("INSERT INTO core.reminders (user_id, title, scheduled_at) VALUES (%s, %s, now() - interval '1 minute')",
                   (uid, title))
    db.commit()
    assert connect(role="assistant_app").execute("SELECT count(*) FROM api.claim_due_reminders()").fetchone()[0] == 0
    as_ana = connect(role="assistant_app", user_id=ana)
    assert as_ana.execute("SELECT user_id, title FROM api.claim_due_reminders()").fetchall() == [(ana, "Revisar o plano de voo")]
    assert as_ana.execute("SELECT count(*) FROM api.claim_due_reminders()").fetchone()[0] == 0
    # bruno's is still due, and the service (every user) claims it
    assert connect(role="assistant_service").execute(
        "SELECT user_id, title FROM api.claim_due_reminders()").fetchall() == [(bruno, "Ligar para a oficina")]
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        connect(role="assistant_readonly").execute("SELECT * FROM api.claim_due_reminders()")


def test_moving_rows_out_of_the_default_partition_keeps_counts_and_action_links(db, make_user, make_conversation):
    """maint.create_partition moves a period's rows from messages_default into the new partition
    (DELETE + INSERT on the partitions): the parent's statement triggers do not fire, so the
    counters stay exact and the actions keep their message links (a declared foreign key would
    have refused the move or, with SET NULL, unlinked them)."""
    uid = make_user()
    conv = make_conversation(uid)
    db.execute("INSERT INTO core.messages (user_id, conversation_id, created_at, role, content) "
               "SELECT %s, %s, '2099-03-10 12:00+00'::timestamptz + g * interval '1 minute', 'user', 'm' || g "
               "FROM generate_series(1, 10) g", (uid, conv))
    msg = db.execute("SELECT created_at, id FROM core.messages WHERE conversation_id = %s ORDER BY created_at LIMIT 1",
                     (conv,)).fetchone()
    db.execute("INSERT INTO core.actions (user_id, conversation_id, message_created_at, message_id, type, name) "
               "VALUES (%s, %s, %s, %s, 'query', 'x')", (uid, conv, *msg))
    db.commit()
    assert db.execute("SELECT count(*) FROM core.messages_default WHERE conversation_id = %s", (conv,)).fetchone()[0] == 10
    db.execute("SELECT * FROM maint.create_partition('core.messages'::regclass, '2099-03-01 00:00+00')")
    db.commit()
    rows = db.execute("SELECT DISTINCT tableoid::regclass::text FROM core.messages WHERE conversation_id = %s",
                      (conv,)).fetchall()
    assert rows == [("core.messages_p209903",)]
    assert db.execute("SELECT message_count FROM api.conversations WHERE id = %s", (conv,)).fetchone()[0] == 10
    assert db.execute("SELECT message_id FROM core.actions WHERE user_id = %s", (uid,)).fetchone()[0] == msg[1]
