"""Run the examples against a migrated database: DATABASE_URL, or the local cluster of `make up`.

Creates (once) the two logins the examples use — assistant_example_app, only in assistant_app, and
assistant_example_service, only in assistant_service — with fresh random passwords set as SCRAM
verifiers computed here (no password reaches the server or its log), then runs each example with
APP_URL and SERVICE_URL naming those logins. Exit status: that of the first failing example.
"""
from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict
from urllib.parse import quote

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
EXAMPLES = ["chat_app.py", "sqlalchemy_app.py"]
LOGINS = {"assistant_example_app": "assistant_app", "assistant_example_service": "assistant_service"}


def owner_url() -> str:
    if os.environ.get("DATABASE_URL"):
        return os.environ["DATABASE_URL"]
    from assistant_db.cluster import LocalCluster   # the local cluster of make up
    return LocalCluster().url()


def login_urls(url: str) -> dict[str, str]:
    """{group role: URL of a login that is only in it}, the passwords changed on every run."""
    urls = {}
    with psycopg.connect(url, autocommit=True) as conn:
        for login, group in LOGINS.items():
            password = secrets.token_urlsafe(18)
            verifier = conn.pgconn.encrypt_password(password.encode(), login.encode(), b"scram-sha-256").decode()
            exists = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (login,)).fetchone()
            statement = "ALTER ROLE {} LOGIN PASSWORD {}" if exists else "CREATE ROLE {} LOGIN PASSWORD {}"
            conn.execute(sql.SQL(statement).format(sql.Identifier(login), sql.Literal(verifier)))
            conn.execute(sql.SQL("GRANT {} TO {}").format(sql.Identifier(group), sql.Identifier(login)))
            params = conninfo_to_dict(url)
            host = str(params.get("host") or "127.0.0.1")
            if host.startswith("/"):                 # the socket may trust anyone; TCP checks the password
                host = "127.0.0.1"
            urls[group] = (f"postgresql://{quote(login)}:{quote(password)}@{host}:{params.get('port', 5432)}"
                           f"/{quote(str(params.get('dbname', 'assistant')))}")
    return urls


def main() -> int:
    urls = login_urls(owner_url())
    env = dict(os.environ, APP_URL=urls["assistant_app"], SERVICE_URL=urls["assistant_service"])
    for example in EXAMPLES:
        print(f"==> examples/{example}", flush=True)
        done = subprocess.run([sys.executable, str(HERE / example)], env=env)
        if done.returncode:
            print(f"examples/{example} failed (exit {done.returncode})", file=sys.stderr)
            return done.returncode
    return 0


if __name__ == "__main__":
    sys.exit(main())
