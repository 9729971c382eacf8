"""The examples an application developer starts from (examples/) run as written against a migrated
database, through examples/run.py, the way `make examples` runs them against `make up`: real
logins that are only in assistant_app / assistant_service, a psycopg_pool pool, SQLAlchemy."""
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_the_examples_run_as_written(db, db_url):
    done = subprocess.run([sys.executable, str(ROOT / "examples" / "run.py")], capture_output=True, text=True,
                          env={"DATABASE_URL": db_url, "PATH": "/usr/bin:/bin"}, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "chat_app: ok" in done.stdout and "sqlalchemy_app: ok" in done.stdout, done.stdout
    # the examples wrote as their users, and the users are theirs
    assert db.execute("SELECT count(*) FROM core.users WHERE email LIKE 'ana.%%@exemplo.com.br'").fetchone()[0] == 2
    logins = db.execute("SELECT r.rolname, array_agg(g.rolname::text ORDER BY g.rolname) FROM pg_roles r "
                        "JOIN pg_auth_members m ON m.member = r.oid JOIN pg_roles g ON g.oid = m.roleid "
                        "WHERE r.rolname LIKE 'assistant_example_%%' GROUP BY r.rolname ORDER BY 1").fetchall()
    assert logins == [("assistant_example_app", ["assistant_app"]), ("assistant_example_service", ["assistant_service"])]
    for login in ("assistant_example_app", "assistant_example_service"):
        db.execute(psycopg.sql.SQL("DROP OWNED BY {0}; DROP ROLE {0}").format(psycopg.sql.Identifier(login)))
    db.commit()
