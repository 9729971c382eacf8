"""Migrations: the project's files (Project), the runner over yoyo (Runner: apply, rollback,
status, verify, seed), the layout checks of `verify`, and `new`.

yoyo does the bookkeeping (which migration is applied, the dependency order, reading
`NNNN_name.sql` / `NNNN_name.rollback.sql` pairs, one transaction per migration). This module
adds only what yoyo does not do, each piece marked "hand-written because" below.
"""
from __future__ import annotations

import contextlib
import hashlib
import io
import os
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from . import rel
from .errors import (EXIT_CHECKSUM, EXIT_DRIFT, EXIT_LOCKED, EXIT_MIGRATION_FAILED, EXIT_OK, EXIT_UNKNOWN_ID,
                     EXIT_USAGE, RunnerError)
from .functions import (VERSION_FILE_RE, FunctionVersion, function_index, load_function_file, qualify,
                        resolve_previous_version, resolve_version)
from .urls import DatabaseTarget, connect, connection_error, scrub

# The roles and schemas the first migration creates; the runner switches to the owner role so
# every object a migration creates belongs to it, whoever the DBA logs in as.
OWNER_ROLE = "assistant_owner"

# One advisory lock key for "migrations of this package in this database":
# the two-int form (classid, objid) keeps clear of single-bigint keys apps may use.
ADVISORY_LOCK_CLASSID = 0x61736462  # 'asdb'
ADVISORY_LOCK_OBJID = 1

MIGRATION_ID_RE = re.compile(r"^(\d{4})_[a-z0-9_]+$")
HEADER_RE = re.compile(r"^\s*--\s*([a-z][a-z-]*)\s*:\s*(.*?)\s*$")

DEFAULT_LOCK_TIMEOUT = os.environ.get("MIGRATION_LOCK_TIMEOUT", "5s")
DEFAULT_STATEMENT_TIMEOUT = os.environ.get("MIGRATION_STATEMENT_TIMEOUT", "15min")
DEFAULT_LOCK_WAIT = float(os.environ.get("MIGRATION_LOCK_WAIT", "60"))


def read_headers(path: Path) -> dict[str, str]:
    """The leading `-- key: value` comment lines of a migration (yoyo reads only depends and
    transactional; `functions`, `functions-after` and `run-as` are ours)."""
    headers: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        if not line.lstrip().startswith("--"):
            break
        m = HEADER_RE.match(line)
        if m:
            key, value = m.groups()
            headers[key] = (headers.get(key, "") + " " + value).strip()
    return headers


def sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()



@dataclass
class Project:
    root: Path

    @property
    def migrations_dir(self) -> Path:
        return self.root / "migrations"

    @property
    def functions_dir(self) -> Path:
        return self.root / "functions"

    def function_index(self) -> dict[str, dict[str, Path]]:
        """schema.name -> {version: path} for every functions/<schema>/<name>/<NNNN>.sql
        (see functions.function_index)."""
        return function_index(self.functions_dir)

    def qualify(self, name: str, migration_id: str) -> str:
        """A header's function name (schema.name, or a bare name unique across schemas) qualified."""
        return qualify(self.function_index(), name, migration_id)

    def function_version(self, name: str, migration_id: str) -> FunctionVersion:
        """The version of a function a migration loads: the newest one not newer than the migration."""
        return resolve_version(self.function_index(), name, migration_id)

    def previous_function_version(self, name: str, migration_id: str) -> FunctionVersion | None:
        """The version in force before a migration: what rolling it back restores (None: it created the function)."""
        return resolve_previous_version(self.function_index(), name, migration_id)

    def migrations(self):
        """All migrations, topologically sorted by yoyo (post-apply hooks excluded)."""
        from yoyo import read_migrations
        from yoyo.migrations import topological_sort

        if not self.migrations_dir.is_dir():
            raise RunnerError(f"no migrations directory at {self.migrations_dir}", EXIT_USAGE,
                              "Run from the project root or pass --project DIR.")
        found = read_migrations(str(self.migrations_dir))
        ms = [m for m in found if not m.id.endswith(".rollback")]
        try:
            return list(topological_sort(ms))
        except Exception as exc:  # yoyo.exceptions.BadMigration: unresolvable depends
            raise RunnerError(f"migrations cannot be ordered: {exc}", EXIT_DRIFT,
                              "Check the '-- depends:' line of the migration named.") from None

    def function_names(self, migration_path: Path) -> tuple[list[str], list[str]]:
        headers = read_headers(migration_path)
        before = headers.get("functions", "").replace(",", " ").split()
        after = headers.get("functions-after", "").replace(",", " ").split()
        return before, after


# --------------------------------------------------------------------------------------------
# The runner
# --------------------------------------------------------------------------------------------
META_SQL = """
-- hand-written because yoyo hashes only a migration's id, not its content
CREATE TABLE IF NOT EXISTS public._assistant_db_checksum (
    migration_id text PRIMARY KEY,
    sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    recorded_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE public._assistant_db_checksum IS
    'assistant-db runner: sha256 of each applied migration file, checked before every apply and verify.';
-- every function version file loaded into this database, by the migration that loaded it
CREATE TABLE IF NOT EXISTS public._assistant_db_function_version (
    name text NOT NULL,
    version text NOT NULL CHECK (version ~ '^[0-9]{4}$'),
    sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    loaded_by text NOT NULL,
    loaded_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (name, version)
);
COMMENT ON TABLE public._assistant_db_function_version IS
    'assistant-db runner: sha256 of each functions/<schema>/<name>/<NNNN>.sql version as loaded; a loaded version is frozen, like an applied migration.';
REVOKE ALL ON public._assistant_db_checksum, public._assistant_db_function_version FROM PUBLIC;
"""


def role_usable(conn) -> bool:
    """Whether the session may SET ROLE to the owner role (it exists and we are a member)."""
    row = conn.execute(
        "SELECT EXISTS (SELECT FROM pg_roles WHERE rolname = %(r)s)"
        "   AND pg_has_role(session_user, (SELECT oid FROM pg_roles WHERE rolname = %(r)s), 'MEMBER')",
        {"r": OWNER_ROLE}).fetchone()
    return bool(row and row[0])


class Tracker:
    """Remembers which statement of a migration is running, to name it when it fails."""

    def __init__(self):
        self.statement: str | None = None
        self.index = 0  # position of the running statement in its file's statement order
        self.ordered: dict[str, list[str]] = {}


def statement_line(path: Path, ordered: list[str], index: int, stmt: str) -> int | None:
    """Line of the index-th statement of a file, found by searching the statements in order
    (two identical statements get their own lines)."""
    if not path.exists():
        return None
    text = path.read_text(encoding="utf-8")
    pos = 0
    found = None
    for i, s in enumerate(ordered):
        at = text.find(s.strip(), pos)
        if at < 0:
            break
        if i == index:
            found = at
            break
        pos = at + len(s.strip())
    if found is None:
        found = text.find(stmt.strip())
    return text.count("\n", 0, found) + 1 if found is not None and found >= 0 else None


def _tracked_step(step, tracker: Tracker, index: int):
    """Wrap one yoyo step so the tracker knows which statement runs (hand-written: yoyo's
    errors do not say which statement of a migration failed)."""
    from yoyo.migrations import StepBase

    class Tracked(StepBase):
        def apply(self, backend, force=False):
            tracker.statement = getattr(step.step, "_apply", None)
            tracker.index = index
            step.apply(backend, force)

        def rollback(self, backend, force=False):
            tracker.statement = getattr(step.step, "_rollback", None)
            rb = tracker.ordered.get("rollback", [])
            tracker.index = rb.index(tracker.statement) if tracker.statement in rb else -1
            step.rollback(backend, force)

    return Tracked()


class Runner:
    def __init__(self, target: DatabaseTarget, project: Project, *, lock_timeout: str = DEFAULT_LOCK_TIMEOUT,
                 statement_timeout: str = DEFAULT_STATEMENT_TIMEOUT, lock_wait: float = DEFAULT_LOCK_WAIT,
                 out=sys.stdout, verbose: bool = False):
        self.verbose = verbose
        self.target = target
        self.project = project
        self.lock_wait = lock_wait
        self.out = out
        for name, value in (("lock_timeout", lock_timeout), ("statement_timeout", statement_timeout)):
            if not re.fullmatch(r"\d+\s*(ms|s|min|h)?", value.strip()):
                raise RunnerError(f"invalid {name} {value!r}", EXIT_USAGE, "Use a PostgreSQL duration such as 5s, 500ms or 15min.")
        # every connection the runner and yoyo open carries the safety settings
        target.extra_options = [f"-c lock_timeout={lock_timeout.replace(' ', '')}",
                                f"-c statement_timeout={statement_timeout.replace(' ', '')}",
                                # a runner killed mid-migration: its backend notices within a second
                                # and rolls back, instead of holding locks until the statement ends
                                "-c client_connection_check_interval=1000",
                                "-c application_name=assistant-db-runner"]
        self._lock_conn = None
        self._backend = None

    def say(self, text: str = "") -> None:
        print(text, file=self.out, flush=True)

    # ---- lock ------------------------------------------------------------------------------
    @contextlib.contextmanager
    def locked(self):
        """Hand-written because yoyo's lock is a table row that outlives a killed runner; a
        session-level advisory lock dies with its connection."""
        conn = connect(self.target)
        try:
            deadline = time.monotonic() + self.lock_wait
            announced = False
            while True:
                got = conn.execute("SELECT pg_try_advisory_lock(%s, %s)",
                                   (ADVISORY_LOCK_CLASSID, ADVISORY_LOCK_OBJID)).fetchone()[0]
                if got:
                    break
                holder = conn.execute(
                    "SELECT a.pid, a.application_name, a.client_addr::text, a.backend_start"
                    "  FROM pg_locks l JOIN pg_stat_activity a USING (pid)"
                    " WHERE l.locktype = 'advisory' AND l.classid = %s AND l.objid = %s AND l.granted",
                    (ADVISORY_LOCK_CLASSID, ADVISORY_LOCK_OBJID)).fetchone()
                who = f"backend pid {holder[0]} ({holder[1] or 'unknown app'})" if holder else "another session"
                if time.monotonic() >= deadline:
                    raise RunnerError(f"another runner holds the migrations lock ({who})", EXIT_LOCKED,
                                      f"Wait for it to finish, or end it: SELECT pg_terminate_backend({holder[0] if holder else 'pid'});")
                if not announced:
                    self.say(f"waiting for the migrations lock held by {who} ...")
                    announced = True
                time.sleep(0.2)
            self._lock_conn = conn
            yield
        finally:
            self._lock_conn = None
            with contextlib.suppress(Exception):
                conn.close()

    # ---- yoyo ---------------------------------------------------------------------------------
    def backend(self):
        if self._backend is None:
            from yoyo import get_backend

            import psycopg

            try:
                self._backend = get_backend(self.target.yoyo_uri())
            except psycopg.OperationalError as exc:
                raise connection_error(exc, self.target) from None
            # Any yoyo_lock row is stale: every runner takes the advisory lock first, and we hold it.
            self._backend.execute(f"DELETE FROM {self._backend.lock_table_quoted}")
            self._backend.ensure_internal_schema_updated()
            self._backend.execute(META_SQL)
        return self._backend

    def close(self):
        if self._backend is not None:
            with contextlib.suppress(Exception):
                self._backend.connection.close()
            self._backend = None

    def applied(self) -> dict[str, object]:
        """migration id -> applied_at (UTC), in applied order."""
        rows = self.backend().execute(
            "SELECT migration_id, applied_at_utc FROM _yoyo_migration ORDER BY applied_at_utc, migration_id"
        ).fetchall()
        return {r[0]: r[1] for r in rows}

    def checksums(self) -> dict[str, str]:
        rows = self.backend().execute("SELECT migration_id, sha256 FROM public._assistant_db_checksum").fetchall()
        return dict(rows)

    def owner_role_usable(self) -> bool:
        return role_usable(self.backend().connection)

    # ---- checks -------------------------------------------------------------------------------
    def check_checksums(self, migrations, allow_changed: set[str], *, record_missing: bool = True) -> list[str]:
        """Refuse when an applied migration file changed since it was applied."""
        applied = self.applied()
        sums = self.checksums()
        by_id = {m.id: m for m in migrations}
        problems = []
        for mid in applied:
            m = by_id.get(mid)
            if m is None:
                continue  # reported by status/verify as "applied, file missing"
            path = Path(m.path)
            now = sha256_file(path)
            was = sums.get(mid)
            if was is None:
                if record_missing:
                    # applied before this runner kept checksums (plain yoyo): adopt the file as it is
                    self.backend().execute(
                        "INSERT INTO public._assistant_db_checksum (migration_id, sha256) VALUES (%s, %s)"
                        " ON CONFLICT DO NOTHING", (mid, now))
                    self.say(f"note: recorded the checksum of {rel(path)} (applied before checksums were kept)")
                continue
            if was != now:
                if mid in allow_changed or "all" in allow_changed:
                    self.backend().execute(
                        "UPDATE public._assistant_db_checksum SET sha256 = %s, recorded_at = now()"
                        " WHERE migration_id = %s", (now, mid))
                    self.say(f"warning: {rel(path)} changed after it was applied; accepted by --accept-changed, new checksum recorded")
                    continue
                problems.append(f"{rel(path)} was applied with sha256 {was[:12]}… but the file now has {now[:12]}…")
        return problems

    def raise_checksum(self, problems: list[str]):
        ids = [m.group(1) for p in problems for m in [re.search(r"(\d{4}_[a-z0-9_]+)", p)] if m]
        raise RunnerError("checksum mismatch: " + "; ".join(problems), EXIT_CHECKSUM,
                          "An applied migration (or a function version it loaded) must never be edited: restore the file "
                          f"(git checkout) and write a new migration (with a new function version). In an emergency, --accept-changed {' '.join(ids)} records the new content.")

    def resolve_id(self, migrations, mid: str) -> str:
        ids = [m.id for m in migrations]
        if mid in ids:
            return mid
        matches = [i for i in ids if i.startswith(mid + "_") or i.split("_", 1)[0] == mid]
        if len(matches) == 1:
            return matches[0]
        raise RunnerError(f"unknown migration id {mid!r}", EXIT_UNKNOWN_ID,
                          "Run `runner.py status` for the ids; a 4-digit prefix such as 0002 is enough.")

    # ---- steps ----------------------------------------------------------------------------------
    def _load_functions(self, conn, names: list[str], migration_id: str, tracker: "Tracker | None" = None) -> None:
        for name in names:
            fv = self.project.function_version(name, migration_id)
            if tracker is not None:
                tracker.statement = f"(loading {fv.display})"
            self._exec_function_file(conn, fv.path)

    def _exec_function_file(self, conn, path: Path) -> None:
        load_function_file(conn, path)

    def _record_functions(self, conn, names: list[str], migration_id: str) -> None:
        for name in names:
            fv = self.project.function_version(name, migration_id)
            conn.execute(
                "INSERT INTO public._assistant_db_function_version (name, version, sha256, loaded_by) VALUES (%s, %s, %s, %s)"
                " ON CONFLICT (name, version) DO NOTHING",
                (fv.name, fv.version, sha256_file(fv.path), migration_id))

    def prepare(self, m, tracker: Tracker):
        """Load a yoyo migration and add the runner's own steps around its statements."""
        from yoyo.migrations import MigrationStep, Transactionless, TransactionWrapper

        m.load()
        path = Path(m.path)
        headers = read_headers(path)
        before, after = self.project.function_names(path)
        as_owner = headers.get("run-as", "owner") != "session-user" and self.owner_role_usable()
        transactional = m.use_transactions
        wrap = TransactionWrapper if transactional else Transactionless
        sha = sha256_file(path)
        set_role = f"SET {'LOCAL ' if transactional else ''}ROLE {OWNER_ROLE}"

        def pre_apply(conn):
            if as_owner:
                conn.execute(set_role)
            tracker.statement = None
            self._load_functions(conn, before, m.id, tracker)

        def post_apply(conn):
            tracker.statement = None
            if after and transactional and role_usable(conn):
                conn.execute(f"SET LOCAL ROLE {OWNER_ROLE}")  # the first migration creates the role
            self._load_functions(conn, after, m.id, tracker)
            conn.execute("RESET ROLE")
            tracker.statement = "(recording the migration as applied)"
            # hand-written: yoyo marks a migration in a separate transaction after it commits;
            # here the mark, the checksum and the function registry commit with the migration
            conn.execute("INSERT INTO public._assistant_db_checksum (migration_id, sha256) VALUES (%s, %s)"
                         " ON CONFLICT (migration_id) DO UPDATE SET sha256 = excluded.sha256, recorded_at = now()",
                         (m.id, sha))
            conn.execute("INSERT INTO _yoyo_migration (migration_hash, migration_id, applied_at_utc)"
                         " VALUES (%s, %s, now() AT TIME ZONE 'UTC')", (m.hash, m.id))
            self._record_functions(conn, before + after, m.id)

        def post_rollback(conn):
            # the first step of a rollback (yoyo runs the steps in reverse)
            tracker.statement = "(recording the migration as rolled back)"
            conn.execute("DELETE FROM public._assistant_db_checksum WHERE migration_id = %s", (m.id,))
            conn.execute("DELETE FROM _yoyo_migration WHERE migration_hash = %s", (m.hash,))
            conn.execute("DELETE FROM public._assistant_db_function_version WHERE loaded_by = %s", (m.id,))
            if as_owner and transactional:
                conn.execute(f"SET LOCAL ROLE {OWNER_ROLE}")

        def pre_rollback(conn):
            # the last step of a rollback: the functions this migration replaced get back the
            # version in force before it (the ones it created were dropped by its rollback file)
            for name in before + after:
                prev = self.project.previous_function_version(name, m.id)
                if prev is not None:
                    tracker.statement = f"(restoring {prev.display})"
                    self._exec_function_file(conn, prev.path)
            if as_owner and transactional:
                conn.execute("RESET ROLE")

        tracker.ordered["apply"] = [getattr(s.step, "_apply", None) or "" for s in m.steps]
        # yoyo pairs the rollback file's statements with the migration's in reverse: file order is reversed steps
        tracker.ordered["rollback"] = [r for r in (getattr(s.step, "_rollback", None) for s in reversed(m.steps)) if r]
        steps = [_tracked_step(s, tracker, i) for i, s in enumerate(m.steps)]
        m.steps = ([wrap(MigrationStep("runner-pre", pre_apply, pre_rollback))] + steps
                   + [wrap(MigrationStep("runner-post", post_apply, post_rollback))])
        return m

    def run_one(self, m, direction: str) -> float:
        tracker = Tracker()
        self.prepare(m, tracker)
        backend = self.backend()
        started = time.monotonic()
        # yoyo prints the rows a migration's SELECTs return; shown with --verbose only
        captured = io.StringIO()
        try:
            with contextlib.redirect_stdout(captured):
                m.process_steps(backend, direction)
        except RunnerError:
            with contextlib.suppress(Exception):
                backend.rollback()
            raise
        except backend.DatabaseError as exc:
            raise self.migration_error(m, direction, tracker, exc) from None
        finally:
            m.steps = None  # the next load() reads the file afresh
        backend.log_migration(m, direction)
        if self.verbose and captured.getvalue().strip():
            self.say(captured.getvalue().rstrip())
        return time.monotonic() - started

    def migration_error(self, m, direction: str, tracker: Tracker, exc) -> RunnerError:
        diag = getattr(exc, "diag", None)
        sqlstate = getattr(exc, "sqlstate", None) or (diag.sqlstate if diag else None) or "?????"
        primary = (diag.message_primary if diag and diag.message_primary else str(exc).splitlines()[0])
        path = Path(m.path if direction == "apply" else os.path.splitext(m.path)[0] + ".rollback.sql")
        stmt = tracker.statement
        where = ""
        if isinstance(stmt, str) and stmt:
            first = next((ln.strip() for ln in stmt.splitlines() if ln.strip() and not ln.strip().startswith("--")), stmt.strip())
            line = statement_line(path, tracker.ordered.get(direction, []), tracker.index, stmt)
            where = f" at {'line ' + str(line) + ': ' if line else ''}{first[:120]}"
        hint = diag.message_hint if diag and diag.message_hint else None
        if sqlstate == "55P03":
            hint = "A lock was not granted within lock_timeout: another session holds it. Retry when it is idle, or raise --lock-timeout."
        elif sqlstate == "57014":
            hint = "The statement ran longer than statement_timeout: raise --statement-timeout for this migration."
        undone = ("nothing was changed: its transaction was rolled back" if m.use_transactions
                  else "it is non-transactional: statements before the failing one stayed applied")
        return RunnerError(
            f"{direction} of {rel(path)} failed{where}\n  {sqlstate}: {scrub(primary, self.target)} ({undone})",
            EXIT_MIGRATION_FAILED, hint)

    # ---- functions ------------------------------------------------------------------------------
    def adopt_function_registry(self, migrations) -> None:
        """Databases migrated before function files were versioned kept one row per function in
        public._assistant_db_function. Convert it once: every function each applied migration
        names is recorded at the version that migration loads; a function whose recorded text is
        not its current version's is re-loaded (what apply used to do), and the old table goes."""
        backend = self.backend()
        exists = backend.execute("SELECT to_regclass('public._assistant_db_function') IS NOT NULL").fetchone()[0]
        if not exists:
            return
        applied = self.applied()
        conn = backend.connection
        with conn.transaction():
            old = dict(conn.execute("SELECT name, sha256 FROM public._assistant_db_function").fetchall())
            newest: dict[str, FunctionVersion] = {}
            for m in migrations:
                if m.id not in applied:
                    continue
                before, after = self.project.function_names(Path(m.path))
                self._record_functions(conn, before + after, m.id)
                for name in before + after:
                    newest[name] = self.project.function_version(name, m.id)
            stale = [fv for name, fv in newest.items() if name in old and old[name] != sha256_file(fv.path)]
            if stale and self.owner_role_usable():
                conn.execute(f"SET LOCAL ROLE {OWNER_ROLE}")
            for fv in stale:
                self._exec_function_file(conn, fv.path)
            conn.execute("RESET ROLE")
            conn.execute("DROP TABLE public._assistant_db_function")
        for fv in stale:
            self.say(f"reloaded {fv.display} (the database held an older text of it)")
        self.say("note: function files are now versioned (functions/<schema>/<name>/NNNN.sql); the function registry was converted")

    def function_problems(self, allow_changed: set[str] = frozenset()) -> list[str]:
        """Loaded function versions are frozen like applied migrations: report a changed or missing file.
        With --accept-changed ID (the migration that loaded it), the changed version is re-loaded."""
        backend = self.backend()
        rows = backend.execute("SELECT name, version, sha256, loaded_by FROM public._assistant_db_function_version"
                               " ORDER BY name, version").fetchall()
        index = self.project.function_index()
        problems, accept = [], []
        for name, version, sha, loaded_by in rows:
            path = index.get(name, {}).get(version)
            fv = FunctionVersion(name, version, path or self.project.functions_dir / name.replace(".", "/") / f"{version}.sql")
            if path is None:
                problems.append(f"{fv.display} was loaded by {loaded_by} but the file is gone")
            elif sha256_file(path) != sha:
                if loaded_by in allow_changed or "all" in allow_changed:
                    accept.append(fv)
                else:
                    problems.append(f"{fv.display} changed after {loaded_by} loaded it")
        if accept:
            conn = backend.connection
            with conn.transaction():
                if self.owner_role_usable():
                    conn.execute(f"SET LOCAL ROLE {OWNER_ROLE}")
                for fv in accept:
                    self._exec_function_file(conn, fv.path)
                conn.execute("RESET ROLE")
                for fv in accept:
                    conn.execute("UPDATE public._assistant_db_function_version SET sha256 = %s, loaded_at = now()"
                                 " WHERE name = %s AND version = %s", (sha256_file(fv.path), fv.name, fv.version))
            for fv in accept:
                self.say(f"warning: {fv.display} changed after it was loaded; accepted by --accept-changed, re-loaded")
        return problems

    # ---- commands -------------------------------------------------------------------------------
    def apply(self, to: str | None = None, allow_changed: set[str] = frozenset()) -> int:
        migrations = self.project.migrations()
        with self.locked():
            problems = self.check_checksums(migrations, set(allow_changed))
            self.adopt_function_registry(migrations)
            problems += self.function_problems(set(allow_changed))
            if problems:
                self.raise_checksum(problems)
            applied = self.applied()
            pending = [m for m in migrations if m.id not in applied]
            if to:
                target = self.resolve_id(migrations, to)
                if target in applied:
                    self.say(f"{target} is already applied")
                    pending = []
                else:
                    ids = [m.id for m in pending]
                    pending = pending[: ids.index(target) + 1]
            if not pending:
                self.say(f"database is up to date ({len(applied)} migrations applied)")
            for m in pending:
                secs = self.run_one(m, "apply")
                self.say(f"applied  {m.id}  ({secs * 1000:.0f} ms)")
        return EXIT_OK

    def rollback(self, count: int | None = None, to: str | None = None) -> int:
        migrations = self.project.migrations()
        by_id = {m.id: m for m in migrations}
        with self.locked():
            applied = list(self.applied())
            order = [m.id for m in migrations if m.id in applied]
            if to:
                target = self.resolve_id(migrations, to)
                if target not in applied:
                    raise RunnerError(f"{target} is not applied, so there is nothing to roll back to", EXIT_UNKNOWN_ID,
                                      "Run `runner.py status` to see what is applied.")
                victims = order[order.index(target) + 1:]
            else:
                n = 1 if count is None else count
                if n < 1:
                    raise RunnerError("--count must be 1 or more", EXIT_USAGE)
                victims = order[-n:]
            missing = [v for v in applied if v not in by_id]
            if missing:
                raise RunnerError(f"applied migration {missing[0]} has no file in migrations/", EXIT_DRIFT,
                                  "Restore the file before rolling back.")
            if not victims:
                self.say("nothing to roll back")
            for mid in victims:
                partner = Path(by_id[mid].path).with_name(mid + ".rollback.sql")
                if not partner.is_file():
                    raise RunnerError(f"{rel(partner)} is missing, so {mid} cannot be rolled back", EXIT_DRIFT,
                                      "Restore the rollback file (git checkout) before rolling back; nothing was changed.")
            for mid in reversed(victims):
                secs = self.run_one(by_id[mid], "rollback")
                self.say(f"rolled back  {mid}  ({secs * 1000:.0f} ms)")
        return EXIT_OK

    def status(self) -> int:
        migrations = self.project.migrations()
        with self.locked():
            applied = self.applied()
            sums = self.checksums()
            ids = {m.id for m in migrations}
            self.say(f"database: {self.target.display}")
            width = max([len(m.id) for m in migrations] + [10])
            for m in migrations:
                if m.id in applied:
                    mark = "" if sums.get(m.id) in (None, sha256_file(Path(m.path))) else "  CHANGED SINCE APPLIED"
                    self.say(f"  applied  {m.id:<{width}}  {applied[m.id]:%Y-%m-%d %H:%M:%S} UTC{mark}")
                else:
                    self.say(f"  pending  {m.id:<{width}}")
            for mid, when in applied.items():
                if mid not in ids:
                    self.say(f"  applied  {mid:<{width}}  {when:%Y-%m-%d %H:%M:%S} UTC  FILE MISSING")
            n_pending = sum(1 for m in migrations if m.id not in applied)
            self.say(f"{len(applied)} applied, {n_pending} pending")
        return EXIT_OK

    def verify(self) -> int:
        migrations = self.project.migrations()
        problems = layout_problems(self.project, migrations)
        with self.locked():
            csum = self.check_checksums(migrations, set(), record_missing=False)
            applied = self.applied()
            ids = {m.id for m in migrations}
            problems += [f"applied migration {mid} has no file in migrations/" for mid in applied if mid not in ids]
            self.adopt_function_registry(migrations)
            csum += self.function_problems()
            pending = [m.id for m in migrations if m.id not in applied]
        if csum:
            self.raise_checksum(csum)
        for p in problems:
            self.say(f"drift: {p}")
        if problems:
            raise RunnerError(f"verify found {len(problems)} problem(s)", EXIT_DRIFT, "Fix the items listed above.")
        self.say(f"verify ok: {len(applied)} applied migrations match their files"
                 + (f"; {len(pending)} pending" if pending else ""))
        return EXIT_OK

    def seed(self, files: list[Path]) -> int:
        """Load seed files, each in one transaction, as the owner role."""
        with self.locked():
            conn = self.backend().connection
            for f in files:
                try:
                    with conn.transaction():
                        if self.owner_role_usable():
                            conn.execute(f"SET LOCAL ROLE {OWNER_ROLE}")
                        conn.execute(f.read_text(encoding="utf-8"))
                except self.backend().DatabaseError as exc:
                    diag = getattr(exc, "diag", None)
                    raise RunnerError(f"seed {rel(f)} failed\n  {getattr(exc, 'sqlstate', None)}: "
                                      f"{diag.message_primary if diag else exc} (nothing from it was kept)",
                                      EXIT_MIGRATION_FAILED, diag.message_hint if diag else None) from None
                self.say(f"seeded  {rel(f)}")
        return EXIT_OK


def layout_problems(project: Project, migrations) -> list[str]:
    problems = []
    named: dict[str, set[str]] = {}  # schema.name -> numbers of the migrations that name it
    for m in migrations:
        path = Path(m.path)
        if not MIGRATION_ID_RE.match(m.id):
            problems.append(f"{rel(path)}: name must be NNNN_verb_object.sql")
        if not path.with_name(m.id + ".rollback.sql").is_file():
            problems.append(f"{rel(path)} has no {m.id}.rollback.sql partner")
        if m.id != migrations[0].id and not read_headers(path).get("depends"):
            problems.append(f"{rel(path)} has no '-- depends:' header")
        before, after = project.function_names(path)
        for name in before + after:
            try:
                fv = project.function_version(name, m.id)
            except RunnerError as exc:
                problems.append(exc.message)
                continue
            named.setdefault(fv.name, set()).add(m.id[:4])
    if project.functions_dir.is_dir():
        for f in sorted(project.functions_dir.rglob("*")):
            if f.is_file() and (len(f.relative_to(project.functions_dir).parts) != 3 or not VERSION_FILE_RE.match(f.name)):
                problems.append(f"{rel(f)}: function files live in functions/<schema>/<name>/NNNN.sql")
        for qual, versions in sorted(project.function_index().items()):
            schema, name = qual.split(".", 1)
            if qual not in named:
                problems.append(f"functions/{schema}/{name}/ is not loaded by any migration (add {qual} to a '-- functions:' header)")
                continue
            for v, path in sorted(versions.items()):
                if v not in named[qual]:
                    problems.append(f"{rel(path)}: version {v} must be loaded by migration {v} (its '-- functions:' header names {qual})")
                text = path.read_text(encoding="utf-8")
                if not re.search(rf"CREATE\s+(OR\s+REPLACE\s+)?(FUNCTION|PROCEDURE)\s+{re.escape(schema)}\.{re.escape(name)}\s*\(",
                                 text, re.IGNORECASE):
                    problems.append(f"{rel(path)} does not create {qual}")
    return problems


# --------------------------------------------------------------------------------------------
# `new`
# --------------------------------------------------------------------------------------------
MIGRATION_TEMPLATE = """\
-- {title}
-- depends: {depends}
-- functions: {functions}
--
-- Runs in one transaction as {owner}, under the runner's lock_timeout and statement_timeout.
-- Partner: {id}.rollback.sql undoes each statement here, in reverse order.
-- On a live table: CREATE INDEX CONCURRENTLY (in a migration of its own with
-- '-- transactional: false'), constraints NOT VALID then VALIDATE in a later migration.

"""

ROLLBACK_TEMPLATE = """\
-- Undo {id}: one statement per statement of the migration, in reverse order.

"""


def new_migration(project: Project, name: str, out=sys.stdout, functions: list[str] | None = None) -> int:
    """Create a migration pair on the current head(s); with functions, also a new version of each
    (a copy of its newest version, numbered like the migration, to edit) named in its header."""
    slug = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")
    if not slug or not re.match(r"^[a-z]", slug):
        raise RunnerError(f"invalid migration name {name!r}", EXIT_USAGE,
                          "Use words such as create_users or add_index_on_messages (verb_object).")
    project.migrations_dir.mkdir(parents=True, exist_ok=True)
    migrations = project.migrations() if any(project.migrations_dir.glob("*.sql")) else []
    numbers = [int(m.id[:4]) for m in migrations if m.id[:4].isdigit()]
    number = max(numbers, default=0) + 1
    mid = f"{number:04d}_{slug}"
    depended = {d.id for m in migrations for d in (m.depends or [])}
    heads = [m.id for m in migrations if m.id not in depended]
    path = project.migrations_dir / f"{mid}.sql"
    rollback = project.migrations_dir / f"{mid}.rollback.sql"
    if path.exists() or rollback.exists():
        raise RunnerError(f"{rel(path)} already exists", EXIT_USAGE)
    copies = []
    for fname in functions or []:
        if "." not in fname:
            raise RunnerError(f"function {fname!r} must be schema-qualified (e.g. core.search_messages)", EXIT_USAGE)
        versions = project.function_index().get(fname)
        dest = project.functions_dir / fname.replace(".", "/", 1) / f"{number:04d}.sql"
        copies.append((versions[max(versions)] if versions else None, dest))
    path.write_text(MIGRATION_TEMPLATE.format(title=slug.replace("_", " ").capitalize(), depends=" ".join(heads),
                                              functions=" ".join(functions or []), owner=OWNER_ROLE, id=mid),
                    encoding="utf-8")
    rollback.write_text(ROLLBACK_TEMPLATE.format(id=mid), encoding="utf-8")
    print(f"created {rel(path)}\ncreated {rel(rollback)}", file=out)
    for src, dest in copies:
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_text(src.read_text(encoding="utf-8") if src else f"-- {dest.parent.parent.name}.{dest.parent.name}\n",
                        encoding="utf-8")
        print(f"created {rel(dest)}" + (f" (a copy of {rel(src)} to edit)" if src else " (a new function)"), file=out)
    return EXIT_OK
