"""The server log of a server running the project's postgresql.conf holds no message content, no
secret and no password: not from writes, not from a failing row's DETAIL, not from a slow
statement, not from CREATE ROLE ... PASSWORD, and pg_stat_statements keeps none either."""
from __future__ import annotations

import re
import secrets
import time
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def server_log(request):
    """(path, offset): the session server's log file and its size before the test."""
    server = getattr(request.config, "_assistant_db_server", None)
    if server is None:
        pytest.skip("the session server is not started by this process")
    path = Path(server.log)
    return path, path.stat().st_size


def read_log(path: Path, offset: int, until: str, timeout: float = 10.0) -> str:
    """The log written since offset, once it holds `until` (the server writes it as it goes)."""
    deadline = time.monotonic() + timeout
    while True:
        with open(path, "rb") as f:
            f.seek(offset)
            text = f.read().decode("utf-8", errors="replace")
        if re.search(until, text) or time.monotonic() > deadline:
            return text


def scram_verifier_from_readme() -> str:
    """The README's client-side SCRAM verifier snippet (Data protection), as the DBA copies it."""
    readme = (ROOT / "README.md").read_text()
    m = re.search(r"```python\n(# scram_verifier.*?)```", readme, re.S)
    assert m, "README: the scram_verifier snippet (a ```python block starting with '# scram_verifier')"
    return m.group(1)


def test_settings_that_keep_content_out_of_the_log_are_in_force(db):
    rows = dict(db.execute(
        "SELECT name, setting FROM pg_settings WHERE name IN ('log_statement', 'log_parameter_max_length', "
        "'log_parameter_max_length_on_error', 'log_min_error_statement', 'log_error_verbosity', "
        "'pg_stat_statements.track_utility')").fetchall())
    assert rows == {"log_statement": "none", "log_parameter_max_length": "0",
                    "log_parameter_max_length_on_error": "0", "log_min_error_statement": "panic",
                    "log_error_verbosity": "terse", "pg_stat_statements.track_utility": "off"}


def test_server_log_holds_no_message_content_secret_or_password(db, db_url, login, run, url_as, server_log):
    path, start = server_log
    tag = secrets.token_hex(3)
    said = f"Reunião sigilosa com o médico às 15h, código {tag}"          # what users say
    failing = f"Diagnóstico confidencial de São Paulo {tag}"               # in a row that fails its CHECK
    slow = f"Orçamento de manutenção do hangar {tag}"                      # in a slow statement
    literal_pw = f"senha-literal-{tag}"
    readme_pw = f"senha-do-readme-{tag}"
    documented_pw = f"senha-documentada-{tag}"
    secret = f"token-secreto-{tag}"

    uid = run("INSERT INTO core.users (name, email) VALUES ('Registro', %s) RETURNING id", (f"log-{tag}@example.org",))[0][0]
    conv = run("INSERT INTO core.conversations (user_id, name) VALUES (%s, 'log') RETURNING id", (uid,))[0][0]

    # a login made the documented way: the verifier is computed client-side (psycopg / libpq)
    app_name, app_pw, app_url = login("assistant_app", password=documented_pw)
    with psycopg.connect(app_url) as app:
        app.execute("SELECT api.act_as(%s)", (uid,))
        app.cursor().executemany("INSERT INTO api.messages (conversation_id, role, content) VALUES (%s, 'user', %s)",
                                 [(conv, said), (conv, said + " (2)")])
        app.execute("INSERT INTO api.messages (conversation_id, role, content) VALUES (%s, 'user', %s), (%s, 'assistant', %s)",
                    (conv, said, conv, said))
        app.commit()
        app.execute("SELECT api.act_as(%s)", (uid,))
        # content of only spaces fails messages_content_check
        with pytest.raises(psycopg.errors.CheckViolation):
            app.execute("INSERT INTO api.messages (conversation_id, role, content, intent) VALUES (%s, 'user', %s, %s)",
                        (conv, "   ", failing))
        app.rollback()
    # under row-level security PostgreSQL leaves the row out of the error; a role that bypasses it
    # (the owner's SECURITY DEFINER functions, maintenance, a superuser) gets it in DETAIL
    with psycopg.connect(db_url) as su:
        with pytest.raises(psycopg.errors.CheckViolation) as exc:
            su.execute("INSERT INTO core.messages (user_id, conversation_id, role, content, intent) "
                       "VALUES (%s, %s, 'user', %s, %s)", (uid, conv, "   ", failing))
        assert failing in (exc.value.diag.message_detail or "")

    # a slow statement, above a lowered log_min_duration_statement (superuser-only setting)
    with psycopg.connect(db_url) as su:
        su.execute("SET log_min_duration_statement = 50")
        su.execute("SET ROLE assistant_app")
        su.execute("SELECT api.act_as(%s)", (uid,))
        su.execute("INSERT INTO api.messages (conversation_id, role, content) "
                   "SELECT %s, 'user', %s FROM pg_sleep(0.2)", (conv, slow))
        su.commit()

    # a secret passed as a bind parameter, by the service
    svc_name, _, svc_url = login("assistant_service")
    with psycopg.connect(svc_url) as svc:
        svc.execute("SELECT set_config('assistant.secrets_key', %s, false)", (secrets.token_hex(32),))
        svc.execute("SELECT api.set_config_secret('erp.api_token', %s)", (psycopg.types.json.Jsonb(secret),))
        svc.commit()

    # logins with a password: the README's verifier snippet, and a literal password (refused once)
    ns: dict = {}
    exec(scram_verifier_from_readme(), ns)
    readme_role = "readme_login_" + tag
    literal_role = "literal_login_" + tag
    with psycopg.connect(db_url, autocommit=True) as su:
        su.execute(sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(
            sql.Identifier(readme_role), sql.Literal(ns["scram_verifier"](readme_pw))))
        su.execute(sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(sql.Identifier(literal_role), sql.Literal(literal_pw)))
    try:
        with psycopg.connect(db_url, autocommit=True) as su:
            with pytest.raises(psycopg.errors.DuplicateObject):
                su.execute(sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(sql.Identifier(literal_role), sql.Literal(literal_pw)))
            su.execute(f"SET app.user_id = '{uid}'")  # a utility statement with a literal
        # the README's verifier works: the role logs in with the password it was made from
        with psycopg.connect(url_as(readme_role, readme_pw)) as c:
            assert c.execute("SELECT current_user").fetchone() == (readme_role,)
    finally:
        with psycopg.connect(db_url, autocommit=True) as su:
            for role in (readme_role, literal_role):
                su.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(role)))

    log = read_log(path, start, r"duration: \d")
    # the log did record the work, only not its values
    assert re.search(r"duration: [\d.]+ ms .*pg_sleep", log), log[-2000:]
    assert "violates check constraint \"messages_content_check\"" in log
    assert f"role \"{literal_role}\" already exists" in log
    for needle in (said, failing, slow, literal_pw, readme_pw, documented_pw, app_pw, secret):
        assert needle not in log, needle
    # pg_stat_statements holds normalized statements only: no value, no password, no user id
    texts = db.execute("SELECT string_agg(query, E'\\n') FROM ext.pg_stat_statements").fetchone()[0] or ""
    for needle in (said, failing, slow, literal_pw, str(uid)):
        assert needle not in texts, needle
