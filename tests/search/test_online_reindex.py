"""The online search_vector re-index (maint.reindex_search, 0040): batched, partition by partition
(the default partition included), resumable, no audit rows, and never blocking an insert."""
from __future__ import annotations

import psycopg
import pytest

REGISTER = """
    DELETE FROM maint.search_reindex_progress;
    INSERT INTO maint.search_reindex_progress (position, relation, parent)
    SELECT row_number() OVER (ORDER BY r.parent DESC, r.relation), r.relation, r.parent
      FROM (SELECT t.relid::regclass::text AS relation, 'core.messages' AS parent
              FROM pg_partition_tree('core.messages') AS t WHERE t.isleaf
            UNION ALL SELECT 'core.memories', 'core.memories') AS r;
"""


@pytest.fixture
def stale(db, make_user, make_conversation):
    """Messages in this month's partition, next month's and the default partition (and memories),
    all with the vectors of an older configuration, and the re-index registered afresh."""
    uid = make_user()
    conv = make_conversation(uid)
    texts = ["Reuniões com os instrutores", "Os aviões estão na manutenção", "voei ontem até SBKP",
             "decolagens canceladas pela chuva", "informações do PN-3321-A"]
    for when in ("now()", "now() + interval '1 month'", "now() + interval '5 years'"):
        for t in texts:
            db.execute(f"INSERT INTO core.messages (user_id, conversation_id, role, content, created_at) "
                       f"VALUES (%s, %s, 'user', %s, {when})", (uid, conv, t))
    db.execute("INSERT INTO core.memories (user_id, tier, content, importance) "
               "SELECT %s, 'long_term', t, 0.5 FROM unnest(%s::text[]) t", (uid, texts))
    db.execute("ALTER TABLE core.messages DISABLE TRIGGER messages_set_search_vector")
    db.execute("ALTER TABLE core.memories DISABLE TRIGGER memories_set_search_vector")
    db.execute("UPDATE core.messages SET search_vector = to_tsvector('core.portuguese_unaccent', content)")
    db.execute("UPDATE core.memories SET search_vector = to_tsvector('core.portuguese_unaccent', content)")
    db.execute("ALTER TABLE core.messages ENABLE TRIGGER messages_set_search_vector")
    db.execute("ALTER TABLE core.memories ENABLE TRIGGER memories_set_search_vector")
    db.execute(REGISTER)
    db.commit()
    parts = {r[0] for r in db.execute("SELECT DISTINCT tableoid::regclass::text FROM core.messages WHERE user_id = %s",
                                      (uid,)).fetchall()}
    db.rollback()
    assert "core.messages_default" in parts and len(parts) == 3
    return {"user": uid, "conversation": conv}


def stale_count(db) -> int:
    n = db.execute("SELECT (SELECT count(*) FROM core.messages WHERE search_vector IS DISTINCT FROM core.to_search_vector(content))"
                   " + (SELECT count(*) FROM core.memories WHERE search_vector IS DISTINCT FROM core.to_search_vector(content))").fetchone()[0]
    db.rollback()
    return n


def test_reindex_is_batched_resumable_and_covers_every_partition(stale, db, connect):
    assert stale_count(db) == 20
    audit_before = db.execute("SELECT count(*) FROM ops.audit_log WHERE table_name IN ('messages', 'memories')").fetchone()[0]
    db.rollback()
    runner = connect()  # autocommit: CALL may COMMIT
    runner.execute("CALL maint.reindex_search(p_batch => 2, p_max_batches => 3)")  # stopped: as after a crash
    assert 0 < stale_count(db) < 20
    states = dict(db.execute("SELECT relation, state FROM maint.search_reindex_status").fetchall())
    db.rollback()
    assert "pending" in states.values() and "done" in states.values()
    runner.execute("CALL maint.reindex_search(p_batch => 2)")  # resumes at the saved cursors
    assert stale_count(db) == 0
    rows = db.execute("SELECT relation, state, rows_seen FROM maint.search_reindex_status").fetchall()
    assert all(state == "done" for _, state, _ in rows)
    assert dict((r, n) for r, _, n in rows)["core.messages_default"] >= 5
    assert db.execute("SELECT count(*) FROM ops.audit_log WHERE table_name IN ('messages', 'memories')").fetchone()[0] == audit_before
    app = connect(role="assistant_app", user_id=stale["user"])
    found = app.execute("SELECT content FROM api.search_messages('reunião')").fetchall()
    assert len(found) == 3  # the plural, in each of the three partitions, now meets the singular


def test_a_reindex_batch_does_not_block_an_insert_into_its_partition(stale, db, connect):
    current = db.execute("SELECT tableoid::regclass::text FROM core.messages WHERE user_id = %s ORDER BY created_at LIMIT 1",
                         (stale["user"],)).fetchone()[0]
    db.execute("UPDATE maint.search_reindex_progress SET finished_at = now() WHERE relation <> %s", (current,))
    db.commit()
    a = connect(autocommit=False)
    step = a.execute("SELECT * FROM maint.reindex_search_step(1000)").fetchone()
    assert step[0] == current and step[2] >= 5  # batch done, transaction still open
    locks = a.execute("SELECT mode FROM pg_locks WHERE pid = pg_backend_pid() AND relation = %s::regclass", (current,)).fetchall()
    assert {m for (m,) in locks} <= {"RowExclusiveLock", "AccessShareLock"}
    b = connect(role="assistant_app", user_id=stale["user"])
    b.execute("SET statement_timeout = '10s'")  # a guard: a blocked insert would fail, not hang
    b.execute("INSERT INTO api.messages (conversation_id, role, content, created_at) "
              "VALUES (%s, 'user', %s, now())", (stale["conversation"], "reuniões durante o re-index"))
    # and reads of the rows the batch rewrote go on, seeing the committed (old) vectors
    assert b.execute("SELECT count(*) FROM api.search_messages('reuniões')").fetchone()[0] >= 1
    a.commit()
    assert db.execute("SELECT count(*) FROM core.messages WHERE content = 'reuniões durante o re-index'"
                      " AND search_vector = core.to_search_vector(content)").fetchone()[0] == 1


def test_reindex_step_refuses_a_bad_batch_size(db):
    with pytest.raises(psycopg.errors.InvalidParameterValue, match="p_batch"):
        db.execute("SELECT * FROM maint.reindex_search_step(0)")
