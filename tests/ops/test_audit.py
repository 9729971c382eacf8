"""The audit log: one generic trigger, changed columns only, no secrets, append-only."""
import uuid

import psycopg
import pytest


@pytest.fixture
def audited(sql):
    """A plain table under audit, with a secret column."""
    sql("CREATE TABLE ops.widgets (id int PRIMARY KEY, name text, colour text, token text)")
    sql("SELECT ops.enable_audit('ops.widgets', '{token}')")
    return "ops.widgets"


def audit_rows(sql, table="widgets"):
    return sql("SELECT operation::text, row_key, old_values, new_values FROM ops.audit_log "
               "WHERE table_name = %s ORDER BY id", (table,))


def test_insert_is_audited_with_the_whole_row(sql, audited):
    sql("INSERT INTO ops.widgets VALUES (1, 'gear', 'red', NULL)")
    assert audit_rows(sql) == [
        ("INSERT", {"id": 1}, None, {"id": 1, "name": "gear", "colour": "red", "token": None})]


def test_update_is_audited_with_only_the_changed_columns(sql, audited):
    sql("INSERT INTO ops.widgets VALUES (1, 'gear', 'red', NULL)")
    sql("UPDATE ops.widgets SET colour = 'blue', name = 'gear' WHERE id = 1")
    assert audit_rows(sql)[-1] == ("UPDATE", {"id": 1}, {"colour": "red"}, {"colour": "blue"})


def test_delete_is_audited_with_the_old_row(sql, audited):
    sql("INSERT INTO ops.widgets VALUES (1, 'gear', 'red', NULL)")
    sql("DELETE FROM ops.widgets WHERE id = 1")
    assert audit_rows(sql)[-1] == (
        "DELETE", {"id": 1}, {"id": 1, "name": "gear", "colour": "red", "token": None}, None)


def test_update_that_changes_nothing_is_not_audited(sql, audited):
    sql("INSERT INTO ops.widgets VALUES (1, 'gear', 'red', NULL)")
    sql("UPDATE ops.widgets SET colour = 'red' WHERE id = 1")
    assert [r[0] for r in audit_rows(sql)] == ["INSERT"]


def test_masked_columns_are_audited_as_stars(sql, audited):
    sql("INSERT INTO ops.widgets VALUES (1, 'gear', 'red', 'hunter2')")
    sql("UPDATE ops.widgets SET token = 'swordfish' WHERE id = 1")
    rows = audit_rows(sql)
    assert rows[0][3]["token"] == "***"
    assert rows[1][1:] == ({"id": 1}, {"token": "***"}, {"token": "***"})
    assert sql("SELECT count(*) FROM ops.audit_log WHERE old_values::text ~ 'hunter2|swordfish' "
               "OR new_values::text ~ 'hunter2|swordfish'") == [(0,)]


def test_audit_rows_name_the_user_whose_row_they_are_about(sql, audited):
    # 0095: subject_user_id, the row's user_id (a user's own row: its id), else the nil uuid; on
    # Citus the audit log is distributed by it, colocated with the users
    user_id = sql("INSERT INTO core.users (name, email) VALUES ('Sujeita', 'sujeita@example.org') RETURNING id")[0][0]
    conv = sql("INSERT INTO core.conversations (user_id, name) VALUES (%s, 'Sobre quem') RETURNING id", (user_id,))[0][0]
    sql("UPDATE core.conversations SET name = 'Sobre quem, de novo' WHERE user_id = %s AND id = %s", (user_id, conv))
    sql("INSERT INTO ops.widgets VALUES (1, 'gear', 'red', NULL)")
    rows = sql("SELECT table_name, operation::text, subject_user_id FROM ops.audit_log "
               "WHERE table_name IN ('users', 'conversations', 'widgets') ORDER BY id")
    nil = uuid.UUID(int=0)
    assert rows == [("users", "INSERT", user_id), ("conversations", "INSERT", user_id),
                    ("conversations", "UPDATE", user_id), ("widgets", "INSERT", nil)]


def test_audit_records_role_app_user_and_transaction(sql, connect):
    user_id = str(sql("INSERT INTO core.users (name, email) VALUES ('Auditada', 'auditada@example.org') RETURNING id")[0][0])
    conn = connect(role="assistant_service", user_id=user_id, autocommit=False)
    conn.execute("SELECT api.set_config('brain.max_tokens', '300')")
    xid = conn.execute("SELECT pg_current_xact_id()::text::bigint").fetchone()[0]
    conn.commit()
    row = sql("SELECT db_role, login_role, app_user_id::text, transaction_id, old_values, new_values, "
              "changed_at <= now() FROM ops.audit_log "
              "WHERE table_name = 'config' AND row_key = '{\"key\": \"brain.max_tokens\"}' AND operation = 'UPDATE'")
    assert len(row) == 1
    db_role, login, app_user, txid, old, new, past = row[0]
    assert (db_role, login, app_user, txid) == ("assistant_service", "postgres", user_id, xid)
    assert old["value"] == 200 and new["value"] == 300 and new["updated_by"] == "assistant_service"
    assert set(new) == {"value", "updated_by", "updated_at"}
    assert past


def test_secret_configuration_values_never_reach_the_audit_log(sql, connect):
    service = connect(role="assistant_service")
    service.execute("SELECT set_config('assistant.secrets_key', %s, false)", ("5e" * 32,))  # the service's key
    service.execute("SELECT api.set_config_secret('erp.api_token', %s)", ('"tok-first-3f9a"',))
    service.execute("SELECT api.set_config_secret('erp.api_token', %s)", ('"tok-second-77c1"',))
    service.execute("SELECT api.set_config_secret('crm.password', %s, 'CRM login')", ('"pw-0a1b"',))
    rows = sql("SELECT table_name, operation::text, old_values, new_values FROM ops.audit_log "
               "WHERE table_name IN ('config', 'config_secrets') AND db_role = 'assistant_service' ORDER BY id")
    # the seeded erp.api_token entry gets its first value, then a new one; crm.password is new
    assert [(t, op) for t, op, _, _ in rows] == [
        ("config", "UPDATE"), ("config_secrets", "INSERT"), ("config", "UPDATE"), ("config_secrets", "UPDATE"),
        ("config", "INSERT"), ("config_secrets", "INSERT")]
    secret_rows = [r for r in rows if r[0] == "config_secrets"]
    assert all((r[3] or {}).get("value") == "***" for r in secret_rows)
    assert secret_rows[1][2] == {"value": "***", "updated_at": secret_rows[1][2]["updated_at"]}
    leaked = sql("SELECT count(*) FROM ops.audit_log WHERE concat(old_values, new_values, row_key) "
                 "~ 'tok-first|tok-second|pw-0a1b'")
    assert leaked == [(0,)]


@pytest.mark.parametrize("role", ["assistant_app", "assistant_service", "assistant_readonly"])
@pytest.mark.parametrize("statement", ["UPDATE ops.audit_log SET db_role = 'nobody'",
                                       "DELETE FROM ops.audit_log",
                                       "TRUNCATE ops.audit_log",
                                       "INSERT INTO ops.audit_log (table_schema, table_name, operation, row_key, "
                                       "db_role, login_role, transaction_id, new_values) "
                                       "VALUES ('x', 'y', 'INSERT', '{}', 'r', 'r', 1, '{}')"])
def test_roles_cannot_change_audit_rows(sql, connect, role, statement):
    sql("SELECT api.set_config('brain.max_tokens', '250')")  # at least one audit row
    conn = connect(role=role)
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute(statement)


def test_audit_log_refuses_changes_from_anyone_not_acting_as_owner(sql, connect):
    sql("SELECT api.set_config('brain.max_tokens', '250')")
    conn = connect()  # the superuser, without SET ROLE assistant_owner
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="append-only"):
        conn.execute("UPDATE ops.audit_log SET db_role = 'nobody'")
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="append-only"):
        conn.execute("DELETE FROM ops.audit_log")
    assert sql("SELECT count(*) > 0 FROM ops.audit_log WHERE db_role <> 'nobody'") == [(True,)]


def test_partitioned_table_is_audited_under_its_own_name(sql):
    sql("CREATE TABLE ops.events (id int, at timestamptz, v text, PRIMARY KEY (id, at)) PARTITION BY RANGE (at)")
    sql("CREATE TABLE ops.events_all PARTITION OF ops.events DEFAULT")
    sql("SELECT ops.enable_audit('ops.events')")
    sql("INSERT INTO ops.events VALUES (1, '2026-01-01', 'a')")
    assert sql("SELECT table_schema, table_name, row_key FROM ops.audit_log WHERE row_key ? 'at'") == [
        ("ops", "events", {"id": 1, "at": "2026-01-01T00:00:00+00:00"})]


def test_enable_audit_refuses_a_table_without_primary_key(sql):
    sql("CREATE TABLE ops.loose (v text)")
    with pytest.raises(psycopg.errors.ObjectNotInPrerequisiteState, match="no primary key"):
        sql("SELECT ops.enable_audit('ops.loose')")


def test_audit_log_is_partitioned_by_month(one):
    assert one("SELECT partition_interval FROM maint.partition_policies WHERE parent = 'ops.audit_log'::regclass") == "month"
    assert one("SELECT count(*) FROM maint.partition_bounds('ops.audit_log') "
               "WHERE lower_bound = date_trunc('month', now())") == 1
