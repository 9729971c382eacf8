"""Who a session acts for: api.act_as per transaction (a session-level app.user_id never carries
into the next transaction), inactive users refused, and verified identity with signed tokens —
valid, expired, forged, malformed and missing — tested as real logins, with bind parameters."""
import psycopg
import pytest
from psycopg_pool import ConnectionPool

APP_PW = "identity-app-pw"
SERVICE_PW = "identity-service-pw"


@pytest.fixture
def logins(db, db_url):
    """A LOGIN in assistant_app only, and one in assistant_service only; URLs for each."""
    for name, role, pw in (("id_app", "assistant_app", APP_PW), ("id_service", "assistant_service", SERVICE_PW)):
        db.execute(f"CREATE ROLE {name} LOGIN PASSWORD '{pw}' IN ROLE {role}")
    db.commit()
    host = db_url.rsplit("@", 1)[1]
    yield {"app": f"postgresql://id_app:{APP_PW}@{host}", "service": f"postgresql://id_service:{SERVICE_PW}@{host}"}
    db.rollback()
    for name in ("id_app", "id_service"):
        db.execute(f"DROP OWNED BY {name}")
        db.execute(f"DROP ROLE {name}")
    db.commit()


def sees(conn) -> list:
    return [r[0] for r in conn.execute("SELECT id FROM api.users")]


def test_act_as_names_the_user_for_the_transaction_only(logins, make_user):
    ana = make_user("ana")
    with psycopg.connect(logins["app"]) as app:
        with app.transaction():
            assert app.execute("SELECT api.act_as(%s)", (ana,)).fetchone()[0] == ana
            assert sees(app) == [ana]
        assert sees(app) == []  # the next transaction acts for nobody


def test_a_session_level_app_user_id_is_refused_not_carried_over(logins, make_user):
    ana = make_user("ana")
    with psycopg.connect(logins["app"], autocommit=True) as app:
        app.execute("SELECT set_config('app.user_id', %s, false)", (str(ana),))
        with pytest.raises(psycopg.OperationalError) as exc:
            sees(app)
        assert exc.value.sqlstate == "28Y02" and "api.act_as" in exc.value.diag.message_hint
        # a seal copied from an earlier transaction does not match the next one
        with app.transaction():
            app.execute("SELECT api.act_as(%s)", (ana,))
            seal = app.execute("SELECT current_setting('app.user_seal')").fetchone()[0]
        with pytest.raises(psycopg.OperationalError):
            with app.transaction():
                app.execute("SELECT set_config('app.user_id', %s, true), set_config('app.user_seal', %s, true)", (str(ana), seal))
                sees(app)


def test_a_forged_seal_is_refused(logins, make_user):
    ana = make_user("ana")
    with psycopg.connect(logins["app"]) as app:
        with pytest.raises(psycopg.OperationalError):
            app.execute("SELECT set_config('app.user_id', %s, true), set_config('app.user_seal', repeat('0', 64), true)", (str(ana),))
            sees(app)


def test_a_pooled_connection_does_not_carry_a_user_to_the_next_checkout(logins, make_user):
    ana = make_user("ana")
    with ConnectionPool(logins["app"], min_size=1, max_size=1, open=True) as pool:
        with pool.connection() as conn:
            conn.execute("SELECT api.act_as(%s)", (ana,))
            assert sees(conn) == [ana]
        with pool.connection() as conn:  # the same backend, a new transaction
            assert sees(conn) == []


def test_unknown_and_inactive_users_cannot_be_acted_for(logins, db, make_user):
    ana = make_user("ana")
    db.execute("UPDATE core.users SET is_active = false WHERE id = %s", (ana,))
    db.commit()
    with psycopg.connect(logins["app"]) as app:
        with pytest.raises(psycopg.OperationalError) as exc:
            app.execute("SELECT api.act_as(%s)", (ana,))
        assert exc.value.sqlstate == "28Y04" and "inactive" in exc.value.diag.message_primary
        app.rollback()
        with pytest.raises(psycopg.OperationalError) as exc:
            app.execute("SELECT api.act_as(%s)", ("0190f5c2-0000-7000-8000-000000000000",))
        assert exc.value.sqlstate == "28Y03"


def test_the_audit_records_the_user_named_in_any_uuid_spelling(logins, db, make_user):
    ana = make_user("ana")
    with psycopg.connect(logins["app"]) as app:
        app.execute("SELECT api.act_as(%s::uuid)", ("{" + str(ana).replace("-", "").upper() + "}",))
        app.execute("UPDATE api.users SET name = 'Ana Souza'")
        app.commit()
    assert db.execute("SELECT app_user_id FROM ops.audit_log WHERE table_name = 'users' AND operation = 'UPDATE'"
                      ).fetchone()[0] == ana


# ---- verified identity ------------------------------------------------------------------------

@pytest.fixture
def verified(logins):
    """Verified identity on, with a token key set by the service (bind parameters)."""
    with psycopg.connect(logins["service"], autocommit=True) as svc:
        svc.execute("SELECT api.set_identity_key(%s)", (b"k" * 32,))
        assert svc.execute("SELECT verified FROM api.configure_identity(true, interval '1 hour')").fetchone()[0]
    return logins


def issue(logins, user_id, ttl="15 minutes"):
    with psycopg.connect(logins["service"], autocommit=True) as svc:
        return svc.execute("SELECT api.issue_user_token(%s, %s::interval)", (user_id, ttl)).fetchone()[0]


def test_verified_identity_accepts_a_valid_token(verified, make_user):
    ana = make_user("ana")
    token = issue(verified, ana)
    with psycopg.connect(verified["app"]) as app:
        assert app.execute("SELECT api.act_as_token(%s)", (token,)).fetchone()[0] == ana
        assert sees(app) == [ana]


def test_verified_identity_refuses_a_bare_id_from_the_app_but_not_from_the_service(verified, make_user):
    ana = make_user("ana")
    with psycopg.connect(verified["app"]) as app:
        with pytest.raises(psycopg.OperationalError) as exc:
            app.execute("SELECT api.act_as(%s)", (ana,))
        assert exc.value.sqlstate == "28Y06" and "api.act_as_token" in exc.value.diag.message_hint
    with psycopg.connect(verified["service"]) as svc:
        assert svc.execute("SELECT api.act_as(%s)", (ana,)).fetchone()[0] == ana


@pytest.mark.parametrize("mangle, code", [
    (lambda t: t[:-1] + ("0" if t[-1] != "0" else "1"), "28Y05"),                  # forged MAC
    (lambda t: t.replace(t.split(".")[1], "0190f5c2-0000-7000-8000-000000000000"), "28Y05"),  # other user, same MAC
    (lambda t: "v1.not-a-token", "28Y05"),                                          # malformed
    (lambda t: "", "28Y05"),                                                        # empty
])
def test_verified_identity_refuses_forged_and_malformed_tokens(verified, make_user, mangle, code):
    ana = make_user("ana")
    token = issue(verified, ana)
    with psycopg.connect(verified["app"]) as app:
        with pytest.raises(psycopg.OperationalError) as exc:
            app.execute("SELECT api.act_as_token(%s)", (mangle(token),))
        assert exc.value.sqlstate == code and exc.value.diag.message_hint


def test_verified_identity_refuses_an_expired_token(verified, make_user, db):
    ana = make_user("ana")
    token = issue(verified, ana, "1 second")
    # expire it without sleeping: as the owner, sign the same message with an expiry in the past
    past = db.execute("SELECT format('v1.%%s.%%s', %s::uuid, extract(epoch FROM now())::bigint - 60)", (ana,)).fetchone()[0]
    expired = db.execute("SELECT %s || '.' || encode(util.hmac_sha256(%s, convert_to(%s, 'UTF8')), 'hex')",
                         (past, b"k" * 32, past)).fetchone()[0]
    db.rollback()
    with psycopg.connect(verified["app"]) as app:
        assert app.execute("SELECT api.act_as_token(%s)", (token,)).fetchone()[0] == ana
        app.rollback()
        with pytest.raises(psycopg.OperationalError) as exc:
            app.execute("SELECT api.act_as_token(%s)", (expired,))
        assert exc.value.sqlstate == "28Y07"


def test_verified_identity_without_a_token_acts_for_nobody(verified, make_user):
    make_user("ana")
    with psycopg.connect(verified["app"]) as app:
        assert sees(app) == []
        with pytest.raises(psycopg.OperationalError) as exc:
            app.execute("INSERT INTO api.conversations (name) VALUES ('sem usuário')")
        assert exc.value.sqlstate == "28Y01"


def test_a_token_signed_by_an_identity_provider_holding_the_key_is_accepted(verified, make_user):
    """The README's recipe: HMAC-SHA256 over 'v1.<uuid>.<expiry>' with Python's hmac module."""
    import hashlib
    import hmac
    import time

    ana = make_user("ana")
    message = f"v1.{ana}.{int(time.time()) + 600}"
    token = message + "." + hmac.new(b"k" * 32, message.encode(), hashlib.sha256).hexdigest()
    with psycopg.connect(verified["app"]) as app:
        assert app.execute("SELECT api.act_as_token(%s)", (token,)).fetchone()[0] == ana


def test_tokens_of_a_retired_key_stay_valid_and_new_ones_use_the_new_key(verified, make_user):
    ana = make_user("ana")
    old = issue(verified, ana)
    with psycopg.connect(verified["service"], autocommit=True) as svc:
        svc.execute("SELECT api.set_identity_key(%s)", (b"n" * 32,))
    new = issue(verified, ana)
    assert new != old
    with psycopg.connect(verified["app"]) as app:
        for token in (old, new):
            assert app.execute("SELECT api.act_as_token(%s)", (token,)).fetchone()[0] == ana
            app.rollback()


def test_the_app_cannot_issue_tokens_set_keys_or_turn_verification_off(verified):
    with psycopg.connect(verified["app"], autocommit=True) as app:
        for statement in ("SELECT api.issue_user_token(gen_random_uuid())", "SELECT api.set_identity_key('\\x00')",
                          "SELECT api.configure_identity(false)", "SELECT * FROM core.identity_keys"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                app.execute(statement)
