"""Runner tests drive runner.py as a DBA does: a subprocess, its exit code and its output,
against a real database, with a copy of the project's migrations they may edit."""
from __future__ import annotations

import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Result:
    code: int
    out: str
    err: str

    @property
    def text(self) -> str:
        return self.out + self.err


@pytest.fixture
def project(tmp_path) -> Path:
    """A copy of migrations/ and functions/ that a test may change."""
    dst = tmp_path / "project"
    dst.mkdir()
    shutil.copytree(ROOT / "migrations", dst / "migrations")
    shutil.copytree(ROOT / "functions", dst / "functions")
    return dst


@pytest.fixture
def run(empty_db, project):
    """run('apply', '--to', '0001') -> Result; database and project default to the test's own."""

    def _run(*args, database: str | None = empty_db, proj: Path | None = None, timeout: float = 300,
             env: dict | None = None) -> Result:
        cmd = [sys.executable, str(ROOT / "runner.py"), "--project", str(proj or project)]
        if database is not None:
            cmd += ["--database", database]
        cmd += list(args)
        import os

        full_env = dict(os.environ)
        full_env.pop("DATABASE_URL", None)
        full_env.update(env or {})
        # never the developer's terminal: a runner that asks a question must not wait on it
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=full_env,
                           stdin=subprocess.DEVNULL)
        return Result(p.returncode, p.stdout, p.stderr)

    return _run


def _add_migration(project: Path, name: str, sql: str, rollback: str = "", depends: str | None = None,
                  headers: str = "") -> str:
    """Append a migration to the copied project, depending on the current head."""
    mdir = project / "migrations"
    ids = sorted(p.stem for p in mdir.glob("[0-9]*.sql") if not p.name.endswith(".rollback.sql"))
    number = int(ids[-1][:4]) + 1 if ids else 1
    mid = f"{number:04d}_{name}"
    dep = depends if depends is not None else (ids[-1] if ids else "")
    (mdir / f"{mid}.sql").write_text(f"-- {name}\n-- depends: {dep}\n{headers}\n{sql}\n")
    (mdir / f"{mid}.rollback.sql").write_text(f"-- undo {name}\n{rollback}\n")
    return mid


@pytest.fixture
def add_migration():
    """add_migration(project, name, sql, rollback) appends a migration to a copied project."""
    return _add_migration
