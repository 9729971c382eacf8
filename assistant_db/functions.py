"""Versioned function files: functions/<schema>/<name>/NNNN.sql, each a frozen version written for
migration NNNN. A migration loads, for every function its header names, the newest version whose
number is not above its own; rolling it back restores the version before.

Project (migrations.py) exposes these as Project.function_index / qualify / function_version /
previous_function_version.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .errors import EXIT_MIGRATION_FAILED, RunnerError


@dataclass(frozen=True)
class FunctionVersion:
    """One frozen version of a function file: functions/<schema>/<name>/<NNNN>.sql, written for
    migration NNNN and used by every later migration until a newer version exists."""

    name: str      # schema-qualified, e.g. core.tg_messages__maintain_conversation
    version: str   # the 4-digit number of the migration that introduced it
    path: Path

    @property
    def display(self) -> str:
        return f"functions/{self.name.replace('.', '/')}/{self.version}.sql"


VERSION_FILE_RE = re.compile(r"^(\d{4})\.sql$")


def function_index(functions_dir: Path) -> dict[str, dict[str, Path]]:
    """schema.name -> {version: path} for every functions/<schema>/<name>/<NNNN>.sql.

    Hand-written because yoyo has no notion of versioned, repeatable objects: Citus keeps
    udfs/<fn>/<version>.sql the same way. A migration loads the newest version whose number is
    not above its own, so a database stopped at any migration has the functions of its time,
    and a rollback puts back the version before."""
    index: dict[str, dict[str, Path]] = {}
    if functions_dir.is_dir():
        for path in sorted(functions_dir.glob("*/*/*.sql")):
            m = VERSION_FILE_RE.match(path.name)
            if m:
                index.setdefault(f"{path.parent.parent.name}.{path.parent.name}", {})[m.group(1)] = path
    return index


def qualify(index: dict[str, dict[str, Path]], name: str, migration_id: str) -> str:
    """A header's function name (schema.name, or a bare name unique across schemas) qualified."""
    if "." in name:
        if name in index:
            return name
        matches = []
    else:
        matches = [q for q in index if q.split(".", 1)[1] == name]
        if len(matches) == 1:
            return matches[0]
    if len(matches) > 1:
        raise RunnerError(f"{migration_id} names function {name}, which exists in several schemas ({', '.join(matches)})",
                          EXIT_MIGRATION_FAILED, "Name it schema-qualified in the '-- functions:' header.")
    raise RunnerError(f"{migration_id} names function {name}, which has no file functions/<schema>/{name.split('.')[-1]}/NNNN.sql",
                      EXIT_MIGRATION_FAILED, "Create the version file or fix the '-- functions:' header.")


def resolve_version(index: dict[str, dict[str, Path]], name: str, migration_id: str) -> FunctionVersion:
    """The version of a function a migration loads: the newest one not newer than the migration."""
    qual = qualify(index, name, migration_id)
    versions = index[qual]
    eligible = [v for v in versions if v <= migration_id[:4]]
    if not eligible:
        first = min(versions)
        raise RunnerError(f"{migration_id} names {qual}, whose first version is {first} (after it)", EXIT_MIGRATION_FAILED,
                          f"A migration loads the newest version up to its own number: add functions/{qual.replace('.', '/')}/{migration_id[:4]}.sql.")
    v = max(eligible)
    return FunctionVersion(qual, v, versions[v])


def resolve_previous_version(index: dict[str, dict[str, Path]], name: str, migration_id: str) -> FunctionVersion | None:
    """The version in force before a migration: what rolling it back restores (None: it created the function)."""
    qual = qualify(index, name, migration_id)
    versions = index[qual]
    earlier = [v for v in versions if v < migration_id[:4]]
    if not earlier:
        return None
    v = max(earlier)
    return FunctionVersion(qual, v, versions[v])


def load_function_file(conn, path: Path) -> None:
    """Execute one function version file on a connection inside the migration's transaction."""
    with conn.cursor() as cur:
        # bodies are checked when called (and by the test suite); off here so a function may
        # name a table its migration creates later in the same transaction, as pg_dump does.
        # Restored only on success: after an error the transaction is aborted, and a SET there
        # would replace the real error with 25P02.
        cur.execute("SET LOCAL check_function_bodies = off")
        cur.execute(path.read_text(encoding="utf-8"))
        cur.execute("SET LOCAL check_function_bodies = on")
