"""Secrets at rest: api.set_config_secret encrypts under a master key the service gives per session
(assistant.secrets_key) and the database never stores; ops.get_config_secret decrypts with it. No
key, a wrong key and an altered value each fail with their own error; the key can be rotated;
values stored in clear before the encryption keep working until they are encrypted; a dump and a
restored database hold no secret value in clear, and the dump is private to its owner."""
from __future__ import annotations

import os
import secrets
import stat
import subprocess
from pathlib import Path

import psycopg
import pytest
from psycopg import sql
from psycopg.types.json import Jsonb

import runner

ROOT = Path(__file__).resolve().parents[2]
KEY = secrets.token_hex(32)
OTHER_KEY = secrets.token_hex(32)


def fingerprint(db, key: str) -> str:
    return db.execute("SELECT encode((ops.secrets_key_material(%s)).fingerprint, 'hex')", (key,)).fetchone()[0]


@pytest.fixture
def service(login):
    """service(key=KEY) -> an autocommit connection of a LOGIN role that is only in assistant_service,
    which gives its key right after connecting, as a bind parameter (None: no key)."""
    name, password, url = login("assistant_service")

    def _connect(key: str | None = KEY, options: str | None = None) -> psycopg.Connection:
        conn = psycopg.connect(url, autocommit=True, **({"options": options} if options else {}))
        if key is not None:
            conn.execute("SELECT set_config('assistant.secrets_key', %s, false)", (key,))
        return conn

    return _connect


def get(conn, key: str):
    return conn.execute("SELECT ops.get_config_secret(%s)", (key,)).fetchone()[0]


def put(conn, key: str, value) -> None:
    conn.execute("SELECT api.set_config_secret(%s, %s)", (key, Jsonb(value)))


def test_a_secret_round_trips_as_a_service_login_and_is_stored_encrypted(service, db):
    svc = service()
    put(svc, "erp.api_token", "token-do-ERP-ação-4f1c")
    put(svc, "crm.credentials", {"usuário": "integração", "senha": "çãõ-p@ss-91"})
    assert get(svc, "erp.api_token") == "token-do-ERP-ação-4f1c"
    assert get(svc, "crm.credentials") == {"usuário": "integração", "senha": "çãõ-p@ss-91"}
    stored = dict(db.execute("SELECT key, value FROM ops.config_secrets").fetchall())
    for key, value in stored.items():
        value = bytes(value)
        assert value[0] == 1 and value[1:9].hex() == fingerprint(db, KEY), key
        assert b"4f1c" not in value and b"p@ss" not in value
    # a nonce per encryption: the same value sealed twice is stored differently
    put(svc, "erp.api_token", "token-do-ERP-ação-4f1c")
    again = bytes(db.execute("SELECT value FROM ops.config_secrets WHERE key = 'erp.api_token'").fetchone()[0])
    assert again != bytes(stored["erp.api_token"]) and again[9:25] != bytes(stored["erp.api_token"])[9:25]


def test_the_key_can_come_in_the_connection_options(service):
    put(service(), "erp.api_token", "via-opções")
    assert get(service(key=None, options=f"-c assistant.secrets_key={KEY}"), "erp.api_token") == "via-opções"


def test_reading_without_a_key_names_the_key_it_needs(service, db):
    put(service(), "erp.api_token", "sem-chave")
    with pytest.raises(psycopg.errors.ObjectNotInPrerequisiteState) as exc:
        get(service(key=None), "erp.api_token")
    assert exc.value.diag.message_primary == (
        f"secret configuration key erp.api_token is encrypted with the key of fingerprint {fingerprint(db, KEY)}, "
        "and this session has no assistant.secrets_key")
    assert "set_config('assistant.secrets_key', $1, false)" in exc.value.diag.message_hint
    with pytest.raises(psycopg.errors.ObjectNotInPrerequisiteState, match="this session has no assistant.secrets_key"):
        put(service(key=None), "erp.other_token", "x")


def test_reading_with_a_wrong_key_names_both_fingerprints(service, db):
    put(service(), "erp.api_token", "chave-errada")
    with pytest.raises(psycopg.errors.InvalidParameterValue) as exc:
        get(service(key=OTHER_KEY), "erp.api_token")
    assert exc.value.diag.message_primary == (
        f"secret configuration key erp.api_token is encrypted with the key of fingerprint {fingerprint(db, KEY)}, "
        f"not with this session's assistant.secrets_key (fingerprint {fingerprint(db, OTHER_KEY)})")
    assert f"api.discard_config_secrets('{fingerprint(db, KEY)}')" in exc.value.diag.message_hint
    assert KEY not in str(exc.value) and OTHER_KEY not in str(exc.value)
    # nor may a service with the wrong key add secrets nobody else could read
    with pytest.raises(psycopg.errors.InvalidParameterValue, match="the other secrets are encrypted with the key of fingerprint"):
        put(service(key=OTHER_KEY), "crm.password", "x")


@pytest.mark.parametrize("key", ["", "abc", "g" * 64, KEY[:-1], KEY + "00"])
def test_a_malformed_key_is_refused_without_being_echoed(service, key):
    put(service(), "erp.api_token", "x")
    conn = service(key=key)
    with pytest.raises((psycopg.errors.InvalidParameterValue, psycopg.errors.ObjectNotInPrerequisiteState)) as exc:
        get(conn, "erp.api_token")
    if key:
        assert isinstance(exc.value, psycopg.errors.InvalidParameterValue)
        assert "not a secrets key: 64 hexadecimal digits" in str(exc.value) and key not in str(exc.value)


@pytest.mark.parametrize("where", ["nonce", "ciphertext", "tag", "truncated", "moved to another key"])
def test_an_altered_value_fails_its_integrity_check(service, db, where):
    svc = service()
    put(svc, "erp.api_token", "valor-íntegro")
    put(svc, "crm.password", "outro-valor")
    change = {
        "nonce": "set_byte(value, 12, get_byte(value, 12) # 1)",
        "ciphertext": "set_byte(value, 27, get_byte(value, 27) # 128)",
        "tag": "set_byte(value, length(value) - 1, get_byte(value, length(value) - 1) # 1)",
        "truncated": "substr(value, 1, length(value) - 1)",
        "moved to another key": "(SELECT value FROM ops.config_secrets WHERE key = 'crm.password')",
    }[where]
    db.execute(f"UPDATE ops.config_secrets SET value = {change} WHERE key = 'erp.api_token'")
    db.commit()
    with pytest.raises(psycopg.errors.DataCorrupted) as exc:
        get(svc, "erp.api_token")
    assert exc.value.diag.message_primary.startswith("secret configuration key erp.api_token failed its integrity check")
    assert get(svc, "crm.password") == "outro-valor"


def test_rotation_re_encrypts_every_secret_in_one_transaction(service, db):
    svc = service()
    values = {f"erp.token_{i}": f"segredo-{i}-ção" for i in range(5)}
    for k, v in values.items():
        put(svc, k, v)
    # a wrong old key changes nothing
    with pytest.raises(psycopg.errors.InvalidParameterValue, match="not with the old key"):
        svc.execute("SELECT api.rotate_secrets_key(%s, %s)", (OTHER_KEY, secrets.token_hex(32)))
    # an altered value makes the whole rotation roll back
    db.execute("UPDATE ops.config_secrets SET value = set_byte(value, 30, get_byte(value, 30) # 1) WHERE key = 'erp.token_3'")
    db.commit()
    with pytest.raises(psycopg.errors.DataCorrupted):
        svc.execute("SELECT api.rotate_secrets_key(%s, %s)", (KEY, OTHER_KEY))
    assert {k: get(svc, k) for k in values if k != "erp.token_3"} == {k: v for k, v in values.items() if k != "erp.token_3"}
    put(svc, "erp.token_3", values["erp.token_3"])

    n = svc.execute("SELECT api.rotate_secrets_key(%s, %s)", (KEY, OTHER_KEY)).fetchone()[0]
    assert n == 5
    rotated = service(key=OTHER_KEY)
    assert {k: get(rotated, k) for k in values} == values
    with pytest.raises(psycopg.errors.InvalidParameterValue, match=fingerprint(db, OTHER_KEY)):
        get(service(key=KEY), "erp.token_0")
    assert db.execute("SELECT count(DISTINCT substr(value, 2, 8)) FROM ops.config_secrets").fetchone()[0] == 1
    with pytest.raises(psycopg.errors.InvalidParameterValue, match="the new key is the old one"):
        rotated.execute("SELECT api.rotate_secrets_key(%s, %s)", (OTHER_KEY, OTHER_KEY))


def test_values_of_a_lost_key_can_be_discarded_and_set_again(service, db):
    put(service(), "erp.api_token", "perdido")
    lost = fingerprint(db, KEY)
    svc = service(key=OTHER_KEY)
    assert svc.execute("SELECT api.discard_config_secrets(%s)", (lost,)).fetchone()[0] == 1
    with pytest.raises(psycopg.errors.NoDataFound):
        get(svc, "erp.api_token")
    put(svc, "erp.api_token", "novo")
    assert get(svc, "erp.api_token") == "novo"


@pytest.mark.parametrize("statement", [
    "SELECT api.encrypt_config_secrets()", "SELECT api.rotate_secrets_key('a', 'b')",
    "SELECT api.discard_config_secrets('0000000000000000')", "SELECT ops.secrets_key_material('a')",
    "SELECT ops.secrets_open('a', 'b', '\\x00')",
])
@pytest.mark.parametrize("role", ["assistant_app", "assistant_readonly"])
def test_only_the_service_manages_secrets(connect, role, statement):
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        connect(role=role).execute(statement)


def test_secrets_stored_in_clear_before_keep_working_until_encrypted(empty_db, login, url_as):
    """A database migrated before 0035 holds its secrets in clear; after the migration they are
    still read (no key needed), and api.encrypt_config_secrets() encrypts them."""
    r = runner.Runner(runner.DatabaseTarget.parse(empty_db), runner.Project(ROOT), out=open(os.devnull, "w"))
    try:
        r.apply(to="0022_add_hmac_helpers")
        with psycopg.connect(empty_db, autocommit=True) as su:
            su.execute("SET ROLE assistant_service")
            su.execute("SELECT api.set_config_secret('erp.api_token', %s)", (Jsonb("antigo-em-claro"),))
        r.apply()
    finally:
        r.close()
    with psycopg.connect(empty_db, autocommit=True) as su:
        su.execute("SET ROLE assistant_service")
        assert get(su, "erp.api_token") == "antigo-em-claro"
        with pytest.raises(psycopg.errors.ObjectNotInPrerequisiteState):
            su.execute("SELECT api.encrypt_config_secrets()")
        su.execute("SELECT set_config('assistant.secrets_key', %s, false)", (KEY,))
        assert su.execute("SELECT api.encrypt_config_secrets()").fetchone() == (1,)
        assert su.execute("SELECT api.encrypt_config_secrets()").fetchone() == (0,)
        assert get(su, "erp.api_token") == "antigo-em-claro"
        su.execute("SELECT set_config('assistant.secrets_key', '', false)")
        with pytest.raises(psycopg.errors.ObjectNotInPrerequisiteState):
            get(su, "erp.api_token")
        su.execute("RESET ROLE")
        assert bytes(su.execute("SELECT value FROM ops.config_secrets").fetchone()[0])[0] == 1


def make(target: str, url: str, **variables) -> subprocess.CompletedProcess:
    env = dict(os.environ, DATABASE_URL=url)
    return subprocess.run(["make", "-s", target] + [f"{k}={v}" for k, v in variables.items()],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


@pytest.fixture
def restored_name(db_url):
    name = "restored_" + secrets.token_hex(4)
    yield name
    with psycopg.connect(db_url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@pytest.mark.slow
def test_backup_is_private_and_reveals_no_secret_and_restores_with_the_key(service, db, db_url, pg_bin, tmp_path, restored_name):
    svc = service()
    values = {"erp.api_token": "token-do-backup-ação-7e21", "crm.password": "senha-do-backup-çã-93ab"}
    for k, v in values.items():
        put(svc, k, v)
    backups = tmp_path / "backups"
    backups.mkdir(mode=0o755)
    os.chmod(backups, 0o755)  # an existing directory others may read: make backup closes it

    p = make("backup", db_url, BACKUP_DIR=backups, BACKUP_COMPRESS=0)
    assert p.returncode == 0, p.stderr
    dumps = list(backups.glob("*.dump"))
    assert len(dumps) == 1
    assert stat.S_IMODE(backups.stat().st_mode) == 0o700
    assert stat.S_IMODE(dumps[0].stat().st_mode) == 0o600
    raw = dumps[0].read_bytes()
    listing = subprocess.run([str(pg_bin / "pg_restore"), "-a", "-f", "-", str(dumps[0])],
                             capture_output=True, check=True).stdout
    assert b"ops.config_secrets" in listing  # the data is there, encrypted
    for v in values.values():
        for needle in (v.encode(), v.encode().hex().encode(), v.encode()[-8:]):
            assert needle not in raw and needle not in listing, needle

    p = make("restore", db_url, FILE=dumps[0], RESTORE_DB=restored_name)
    assert p.returncode == 0, p.stderr
    assert f"encrypted: the service reads them with its key (fingerprint {fingerprint(db, KEY)})" in p.stdout
    restored = db_url.rsplit("/", 1)[0] + "/" + restored_name
    with psycopg.connect(restored, autocommit=True) as conn:
        conn.execute("SET ROLE assistant_service")
        with pytest.raises(psycopg.errors.ObjectNotInPrerequisiteState, match=fingerprint(db, KEY)):
            get(conn, "erp.api_token")
        with pytest.raises(psycopg.errors.InvalidParameterValue, match="not with this session's assistant.secrets_key"):
            conn.execute("SELECT set_config('assistant.secrets_key', %s, false)", (OTHER_KEY,))
            get(conn, "erp.api_token")
        conn.execute("SELECT set_config('assistant.secrets_key', %s, false)", (KEY,))
        assert {k: get(conn, k) for k in values} == values


def test_rolling_back_the_encryption_refuses_while_values_are_encrypted(empty_db):
    """0035's rollback cannot put encrypted values back in clear without the key: it refuses, and
    goes through once they are discarded (the clear ones go back to jsonb)."""
    r = runner.Runner(runner.DatabaseTarget.parse(empty_db), runner.Project(ROOT), out=open(os.devnull, "w"))
    try:
        r.apply(to="0022_add_hmac_helpers")
        with psycopg.connect(empty_db, autocommit=True) as su:
            su.execute("SET ROLE assistant_service")
            su.execute("SELECT api.set_config_secret('crm.password', %s)", (Jsonb("antigo"),))
        r.apply()
        with psycopg.connect(empty_db, autocommit=True) as su:
            su.execute("SET ROLE assistant_service")
            su.execute("SELECT set_config('assistant.secrets_key', %s, false)", (KEY,))
            put(su, "erp.api_token", "novo-cifrado")
        with pytest.raises(runner.RunnerError) as exc:
            r.rollback(to="0022_add_hmac_helpers", yes=True)
        assert "cannot be stored in clear without the key" in exc.value.message, exc.value.message
        with psycopg.connect(empty_db, autocommit=True) as su:
            assert su.execute("SELECT count(*) FROM ops.config_secrets").fetchone() == (2,)  # nothing changed
            fp = fingerprint(su, KEY)
            su.execute("SET ROLE assistant_service")
            assert su.execute("SELECT api.discard_config_secrets(%s)", (fp,)).fetchone() == (1,)
        r.rollback(to="0022_add_hmac_helpers", yes=True)
        with psycopg.connect(empty_db, autocommit=True) as su:
            su.execute("SET ROLE assistant_service")
            assert get(su, "crm.password") == "antigo"
    finally:
        r.close()
