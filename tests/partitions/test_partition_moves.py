"""Moving rows out of a default partition is not a change: no trigger fires (no audit row, no
append-only refusal), no counter moves, every row is identical afterwards, and the triggers are
on again for the applications once the move commits."""
import psycopg
import pytest

MESSAGES_MD5 = ("SELECT count(*), md5(string_agg(m::text, ',' ORDER BY m.user_id, m.conversation_id, m.created_at, m.id))"
                " FROM core.messages m")
# what applications read (api.*: counters plus pending deltas) and the rows' own maintained columns
COUNTERS = ("SELECT c.id, c.message_count, c.last_message_at, c.updated_at, c.agents, cc.first_message_at,"
            "       u.last_interaction_at, u.updated_at"
            "  FROM api.conversations c JOIN core.conversations cc ON cc.user_id = c.user_id AND cc.id = c.id"
            "  JOIN api.users u ON u.id = c.user_id ORDER BY c.id")
TRIGGERS = "SELECT tgname, tgenabled FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal ORDER BY 1"


def snapshot(db):
    out = (db.execute(MESSAGES_MD5).fetchone(), db.execute(COUNTERS).fetchall(),
           db.execute("SELECT count(*) FROM ops.audit_log").fetchone()[0])
    db.rollback()
    return out


def test_a_default_repair_of_1000_rows_adds_no_audit_row_moves_no_counter_and_changes_no_row(db, connect, people, month):
    (uid_a, convs_a), (uid_b, convs_b) = people(2, 2)
    lo, suffix = month(-3)
    for uid, convs in ((uid_a, convs_a), (uid_b, convs_b)):
        for conv in convs:
            db.execute("INSERT INTO core.messages (user_id, conversation_id, created_at, role, content, agent)"
                       " SELECT %s, %s, %s::timestamptz + n * interval '7 minutes', 'user',"
                       "        'Mensagem ' || n || ': previsão de chuva em São Paulo, céu nublado', 'clima'"
                       " FROM generate_series(1, 250) n", (uid, conv, lo))
    db.commit()
    assert db.execute("SELECT count(*) FROM core.messages_default").fetchone()[0] == 1000
    triggers_before = db.execute(TRIGGERS, ("core.messages_default",)).fetchall()
    assert ("messages_audit", "O") in triggers_before  # the clone of the audit trigger, on
    db.rollback()
    before = snapshot(db)

    connect().execute("CALL maint.repair_default_partition('core.messages')")

    assert snapshot(db) == before  # the same rows, counters and audit log
    assert db.execute("SELECT count(*) FROM core.messages_default").fetchone()[0] == 0
    assert db.execute(f"SELECT count(*) FROM core.messages_p{suffix}").fetchone()[0] == 1000
    assert db.execute(TRIGGERS, ("core.messages_default",)).fetchall() == triggers_before
    assert ("messages_audit", "O") in db.execute(TRIGGERS, (f"core.messages_p{suffix}",)).fetchall()


def test_after_a_move_an_app_delete_of_a_moved_row_is_audited_again(db, connect, people, month, app_login, act_as):
    [(uid, [conv])] = people(1, 1)
    lo, _ = month(-2)
    db.execute("INSERT INTO core.messages (user_id, conversation_id, created_at, role, content)"
               " SELECT %s, %s, %s::timestamptz + n * interval '1 hour', 'assistant', 'Resposta ' || n"
               " FROM generate_series(1, 10) n", (uid, conv, lo))
    db.commit()
    connect().execute("CALL maint.repair_default_partition('core.messages')")
    audited = db.execute("SELECT count(*) FROM ops.audit_log WHERE table_name = 'messages'").fetchone()[0]
    db.rollback()
    app = app_login()
    act_as(app, uid)
    assert app.execute("DELETE FROM api.messages WHERE conversation_id = %s AND created_at < %s::timestamptz + interval '3 hours'",
                       (conv, lo)).rowcount == 2
    app.commit()
    assert db.execute("SELECT count(*) FROM ops.audit_log WHERE table_name = 'messages' AND operation = 'DELETE'"
                      " AND login_role = %s", (app_login.role,)).fetchone()[0] == 2
    assert db.execute("SELECT count(*) FROM ops.audit_log WHERE table_name = 'messages'").fetchone()[0] == audited + 2


def audit_rows_in_a_past_month(db, n, lo):
    """n audit rows dated in a past month: they land in ops.audit_log_default (written as the
    owner, the only role the append-only trigger lets through)."""
    db.execute("SET ROLE assistant_owner")
    db.execute("INSERT INTO ops.audit_log (changed_at, table_schema, table_name, operation, row_key, db_role, login_role,"
               "                           transaction_id, new_values)"
               " SELECT %s::timestamptz + n * interval '1 minute', 'core', 'users', 'INSERT', jsonb_build_object('id', n),"
               "        'assistant_app', 'app', n, jsonb_build_object('nome', 'João ' || n)"
               " FROM generate_series(1, %s) n", (lo, n))
    db.execute("RESET ROLE")
    db.commit()


def test_the_audit_logs_default_partition_is_repaired_and_stays_append_only(db, connect, month):
    lo, suffix = month(-4)
    audit_rows_in_a_past_month(db, 500, lo)
    md5 = "SELECT count(*), md5(string_agg(a::text, ',' ORDER BY id)) FROM ops.audit_log a"
    before = db.execute(md5).fetchone()
    db.rollback()

    # refused before (42501 from the append-only trigger), so make rotate exited 2 on every run
    connect().execute("CALL maint.repair_default_partition('ops.audit_log')")

    assert db.execute(md5).fetchone() == before
    assert db.execute("SELECT count(*) FROM ops.audit_log_default").fetchone()[0] == 0
    assert db.execute(f"SELECT count(*) FROM ops.audit_log_p{suffix}").fetchone()[0] == 500
    db.rollback()
    # still append-only: the default's trigger is on again, the moved rows refuse a DELETE
    assert db.execute(TRIGGERS, ("ops.audit_log_default",)).fetchall() == [("audit_log_forbid_change", "O")]
    db.rollback()
    for table in (f"ops.audit_log_p{suffix}", "ops.audit_log"):
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            db.execute(f"DELETE FROM {table}")  # the superuser, not the owner: refused by the trigger
        db.rollback()
