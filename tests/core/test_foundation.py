"""The foundation migration: roles, schemas, extensions and the shared helpers."""
import psycopg
import pytest


def test_uuid_v7_is_version_7_and_time_ordered(db):
    rows = db.execute("SELECT util.uuid_generate_v7() FROM generate_series(1, 2000)").fetchall()
    ids = [r[0] for r in rows]
    assert all(u.version == 7 for u in ids)
    assert all(u.variant == "specified in RFC 4122" for u in ids)
    # generated one after another, their time prefixes (48-bit ms) never go back
    prefixes = [u.int >> 80 for u in ids]
    assert prefixes == sorted(prefixes)
    assert len(set(ids)) == len(ids)


def test_uuid_v7_is_inlined_as_a_column_default(db):
    """No SET clause and LANGUAGE sql: the planner inlines it (a plain function call would show)."""
    db.execute("CREATE TABLE t (id uuid DEFAULT util.uuid_generate_v7(), v int)")
    plan = "\n".join(r[0] for r in db.execute("EXPLAIN (VERBOSE) INSERT INTO t (v) VALUES (1)"))
    assert "uuid_generate_v7" not in plan
    assert "uuidv7()" in plan or "gen_random_uuid()" in plan


def test_uuid_v7_carries_its_creation_time(db):
    lag = db.execute(
        "SELECT abs(extract(epoch FROM util.uuid_v7_timestamp(util.uuid_generate_v7()) - clock_timestamp()))"
    ).fetchone()[0]
    assert lag < 1
    assert db.execute("SELECT util.uuid_v7_timestamp(gen_random_uuid())").fetchone()[0] is None


def test_updated_at_trigger_sets_the_time_on_update(db):
    db.execute("CREATE TABLE t (id int PRIMARY KEY, v text, updated_at timestamptz NOT NULL DEFAULT '2000-01-01')")
    db.execute("CREATE TRIGGER t_set_updated_at BEFORE UPDATE ON t FOR EACH ROW "
               "WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION util.tg__set_updated_at()")
    db.execute("INSERT INTO t VALUES (1, 'a')")
    db.execute("UPDATE t SET v = 'a'")  # no change: time kept
    assert db.execute("SELECT updated_at = '2000-01-01' FROM t").fetchone()[0]
    db.execute("UPDATE t SET v = 'b'")
    assert db.execute("SELECT updated_at = now() FROM t").fetchone()[0]


def test_roles_exist_and_cannot_log_in(db):
    rows = db.execute(
        "SELECT rolname, rolcanlogin, rolsuper FROM pg_roles WHERE rolname LIKE 'assistant\\_%' ORDER BY 1").fetchall()
    assert [r[0] for r in rows] == ["assistant_app", "assistant_dba", "assistant_loader", "assistant_owner",
                                    "assistant_personal_reader", "assistant_readonly", "assistant_service"]
    assert not any(r[1] or r[2] for r in rows)


def test_objects_belong_to_the_owner_role(db):
    rows = db.execute(
        "SELECT nspname, pg_get_userbyid(nspowner) FROM pg_namespace "
        "WHERE nspname IN ('ext','util','maint','core','ops','api','archive')").fetchall()
    assert len(rows) == 7 and all(owner == "assistant_owner" for _, owner in rows)


@pytest.mark.parametrize("role", ["assistant_app", "assistant_readonly"])
def test_app_roles_cannot_create_in_any_schema(connect, role):
    conn = connect(role=role)
    for schema in ("api", "core", "util", "public"):
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(f"CREATE TABLE {schema}.intruder (id int)")


def test_extensions_live_in_ext(db):
    rows = dict(db.execute("SELECT extname, extnamespace::regnamespace::text FROM pg_extension").fetchall())
    assert rows["pg_trgm"] == "ext" and rows["unaccent"] == "ext"
