"""Every fenced ```python and ```sql block of the README runs as written, in the README's order,
against a migrated database with the default seeds: the SQL as the role its first line names
(`-- as owner` is assistant_owner, `-- as superuser`, `-- as assistant_app`), the Python in one namespace holding APP_URL and
SERVICE_URL (the README's own logins, assistant_web and assistant_backend, which its first SQL
block creates) and `owner`, a connection of the database owner. A snippet that fails fails here."""
import os
import re
import secrets
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from psycopg import sql

ROOT = Path(__file__).resolve().parents[2]
BLOCK = re.compile(r"^```(python|sql)\n(.*?)^```", re.S | re.M)
LOGINS = ("assistant_web", "assistant_backend")


def readme_blocks():
    return [(m.group(1), m.group(2), ROOT.joinpath("README.md").read_text()[:m.start()].count("\n") + 1)
            for m in BLOCK.finditer(ROOT.joinpath("README.md").read_text())]


def test_the_readme_has_runnable_snippets_of_both_kinds():
    kinds = [kind for kind, _, _ in readme_blocks()]
    assert kinds.count("python") >= 4 and kinds.count("sql") >= 3, kinds


@pytest.mark.slow
def test_every_readme_snippet_runs_as_written(db, db_url, monkeypatch):
    host_part = db_url.rsplit("@", 1)[1]
    seeds = sorted((ROOT / "seeds" / "default").glob("*.sql"))
    for seed in seeds:
        db.execute(seed.read_text())
    db.commit()
    owner = psycopg.connect(db_url, autocommit=True)
    namespace = {"owner": owner, "__name__": "readme"}
    try:
        for kind, text, line in readme_blocks():
            where = f"README.md line {line}"
            if kind == "sql":
                role = re.match(r"-- as (\w+)", text)
                assert role, f"{where}: a SQL snippet says on its first line whom it runs as (-- as owner)"
                with psycopg.connect(db_url) as conn:
                    # `-- as owner` runs as assistant_owner, `-- as superuser` as the test's superuser,
                    # anything else as that role: a snippet that needs more than it says fails here
                    who = {"owner": "assistant_owner", "superuser": None}.get(role.group(1), role.group(1))
                    if who:
                        conn.execute(sql.SQL("SET ROLE {}").format(sql.Identifier(who)))
                    try:
                        conn.execute(text)
                    except psycopg.Error as error:
                        pytest.fail(f"{where}: {error}")
                    conn.commit()
                if "CREATE ROLE assistant_web" in text:
                    # the README's logins exist now: give them passwords (as verifiers) for the Python
                    for login in LOGINS:
                        password = secrets.token_urlsafe(18)
                        verifier = owner.pgconn.encrypt_password(password.encode(), login.encode(),
                                                                 b"scram-sha-256").decode()
                        owner.execute(sql.SQL("ALTER ROLE {} PASSWORD {}").format(sql.Identifier(login),
                                                                                 sql.Literal(verifier)))
                        env = "APP_URL" if login == "assistant_web" else "SERVICE_URL"
                        monkeypatch.setenv(env, f"postgresql://{login}:{quote(password)}@{host_part}")
            else:
                try:
                    exec(compile(text, where, "exec"), namespace)
                except Exception as error:  # noqa: BLE001 - the snippet's own failure, with its place
                    pytest.fail(f"{where}: {type(error).__name__}: {error} {namespace.get('page')} {namespace.get('older')}")
        assert os.environ.get("APP_URL"), "the README never created its app login"
    finally:
        for pool in ("app", "service"):
            if pool in namespace:
                namespace[pool].close()
        owner.close()
        db.rollback()
        for login in LOGINS:
            exists = db.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (login,)).fetchone()
            if exists:
                db.execute(sql.SQL("DROP OWNED BY {0}; DROP ROLE {0}").format(sql.Identifier(login)))
        db.commit()
