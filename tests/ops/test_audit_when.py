"""The UPDATE audit triggers of core.users and core.conversations name their columns in a WHEN
condition (so counter updates cost no audit call): every audited column must be in it."""
import pytest

IGNORED = {
    "core.users": {"updated_at"},
    "core.conversations": {"message_count", "first_message_at", "last_message_at", "updated_at",
                           "current_leaf_id", "current_leaf_created_at"},
}


@pytest.mark.parametrize("table,trigger", [("core.users", "users_audit_update"),
                                           ("core.conversations", "conversations_audit_update")])
def test_update_audit_when_lists_every_audited_column(db, table, trigger):
    definition = db.execute("SELECT pg_get_triggerdef(oid) FROM pg_trigger WHERE tgrelid = %s::regclass "
                            "AND tgname = %s", (table, trigger)).fetchone()[0]
    columns = [r[0] for r in db.execute(
        "SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped "
        "AND attgenerated = ''", (table,))]
    missing = [c for c in columns if c not in IGNORED[table]
               and f"old.{c}" not in definition.lower()]
    assert missing == [], f"{trigger}: add {missing} to its WHEN condition (migration) or to the ignored list"


def test_a_counter_update_is_not_audited_and_a_rename_is(db):
    uid = db.execute("INSERT INTO core.users (name, email) VALUES ('Ana', 'ana@example.com') RETURNING id").fetchone()[0]
    db.execute("UPDATE core.users SET updated_at = '2000-01-01' WHERE id = %s", (uid,))
    assert db.execute("SELECT updated_at = '2000-01-01' FROM core.users WHERE id = %s", (uid,)).fetchone()[0]
    db.execute("UPDATE core.users SET name = 'Ana Souza' WHERE id = %s", (uid,))
    rows = db.execute("SELECT operation::text, new_values FROM ops.audit_log WHERE table_name = 'users' "
                      "ORDER BY id").fetchall()
    assert [r[0] for r in rows] == ["INSERT", "UPDATE"]
    assert rows[1][1] == {"name": "Ana Souza"}
    # updated_at moves for the rename, not for a maintained column
    assert db.execute("SELECT updated_at = now() FROM core.users WHERE id = %s", (uid,)).fetchone()[0]
