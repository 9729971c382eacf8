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

# On a Citus coordinator (the citus extension is in the target database) the runner makes two
# adjustments so that the migrations apply unchanged (README "Running on Citus"):
#  * the package's roles are created before the first migration, in a transaction of their own
#    (exactly as 0001 creates them), so that Citus has them on every worker before a migration's
#    objects refer to them; the guarded creation in 0001 then finds them;
#  * its connections set citus.create_object_propagation = deferred: the objects a migration
#    creates stay on the coordinator (Citus would otherwise send each one to the workers as soon
#    as it is created, over a connection per role: as assistant_owner, a second connection that
#    does not see the schemas the same migration created and has not committed). `runner.py
#    distribute` then puts what the distributed tables need on the workers. Once core.users is
#    distributed, the schemas are on every node and later migrations propagate as Citus does by
#    default (immediately), so that a replaced function reaches the workers.
CITUS_ROLES_SQL = """
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'assistant_owner') THEN
        CREATE ROLE assistant_owner NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'assistant_app') THEN
        CREATE ROLE assistant_app NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'assistant_readonly') THEN
        CREATE ROLE assistant_readonly NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'assistant_service') THEN
        CREATE ROLE assistant_service NOLOGIN;
    END IF;
    -- 0094's role: created inside 0094 (run as the session user), the migration's next step as
    -- the owner failed on Citus 13.2 with 42501 "must be superuser to alter superuser roles"
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'assistant_loader') THEN
        CREATE ROLE assistant_loader NOLOGIN;
    END IF;
END
$$"""
CITUS_OPTION = "-c citus.create_object_propagation=deferred"


def is_citus(conn) -> bool:
    """Whether the database is a Citus coordinator (or node): the citus extension is installed."""
    return bool(conn.execute("SELECT EXISTS (SELECT FROM pg_extension WHERE extname = 'citus')").fetchone()[0])

# "Migrations of this package in this database" are serialised on a lock of this table, which
# has no privilege for PUBLIC, so that no application role can take it (see Runner.locked).
LOCK_TABLE = "public._assistant_db_lock"
# SHARE UPDATE EXCLUSIVE, not ACCESS EXCLUSIVE: it conflicts with itself, so two runners
# serialise, but not with ACCESS SHARE, which any role can hold on any table without a
# privilege: `PREPARE s AS SELECT * FROM public._assistant_db_lock` (or a temporary view over it)
# takes ACCESS SHARE at parse time, before privileges are checked, and keeps it until its
# transaction ends. Every lock that conflicts with SHARE UPDATE EXCLUSIVE needs a privilege on
# the table or its ownership.
LOCK_MODE = "SHARE UPDATE EXCLUSIVE"
LOCK_MODE_NAME = "ShareUpdateExclusiveLock"  # as pg_locks.mode spells it
LOCK_TABLE_SQL = f"""
CREATE TABLE IF NOT EXISTS {LOCK_TABLE} ();
COMMENT ON TABLE {LOCK_TABLE} IS
    'assistant-db runner: the migrations lock. A runner holds {LOCK_MODE} on this table for its whole run, from a connection of its own; PUBLIC has no privilege on it, so no application role can take or block that lock.';
REVOKE ALL ON {LOCK_TABLE} FROM PUBLIC;
"""

MIGRATION_ID_RE = re.compile(r"^(\d{4})_[a-z0-9_]+$")
HEADER_RE = re.compile(r"^\s*--\s*([a-z][a-z-]*)\s*:\s*(.*?)\s*$")

DEFAULT_LOCK_TIMEOUT = os.environ.get("MIGRATION_LOCK_TIMEOUT", "500ms")
try:
    DEFAULT_LOCK_RETRIES = int(os.environ.get("MIGRATION_LOCK_RETRIES") or 10)
except ValueError:  # the command line reports it as a usage error
    DEFAULT_LOCK_RETRIES = 10
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
    recorded_at timestamptz NOT NULL DEFAULT now(),
    applied_by text
);
COMMENT ON TABLE public._assistant_db_checksum IS
    'assistant-db runner: sha256 of each applied migration file, checked before every apply and verify.';
-- databases migrated by a runner before applied_by was kept: their rows stay NULL ("unknown");
-- looked up first, so that a run where the column exists takes no lock on the table
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_attribute WHERE attrelid = 'public._assistant_db_checksum'::regclass
                      AND attname = 'applied_by' AND NOT attisdropped) THEN
        ALTER TABLE public._assistant_db_checksum ADD COLUMN IF NOT EXISTS applied_by text;
    END IF;
END $$;
COMMENT ON COLUMN public._assistant_db_checksum.applied_by IS
    'Who applied the migration: the login (session_user) and the OS user@host of the runner; NULL for migrations applied before it was recorded.';
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


APPLICATION_NAME = "assistant-db-runner"


def os_identity() -> str:
    """user@host of the OS account running the runner (letters, digits and .-_ only: it rides in
    application_name, which PostgreSQL cuts at 63 bytes)."""
    import getpass
    import socket

    def clean(text: str) -> str:
        return re.sub(r"[^A-Za-z0-9._-]", "_", text) or "unknown"

    try:
        user = getpass.getuser()
    except Exception:  # no passwd entry for the uid (some containers)
        user = str(os.getuid())
    return f"{clean(user)}@{clean(socket.gethostname().split('.')[0])}"[:40]


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
        self.done = 0  # statements of the file that completed (a lock retry needs none, outside a transaction)
        self.direction = "apply"
        self.ordered: dict[str, list[str]] = {}


def sqlstate_of(exc) -> str | None:
    diag = getattr(exc, "diag", None)
    return getattr(exc, "sqlstate", None) or (diag.sqlstate if diag else None)


_IDENT = r'(?:"(?:[^"]|"")+"|[A-Za-z_][\w$]*)'
CONCURRENT_INDEX_RE = re.compile(
    rf"CREATE\s+(?:UNIQUE\s+)?INDEX\s+CONCURRENTLY\s+(?:IF\s+NOT\s+EXISTS\s+)?({_IDENT})\s+ON\s+(?:ONLY\s+)?"
    rf"((?:{_IDENT}\.)?{_IDENT})", re.IGNORECASE)

# an INVALID index of that name on that table, and the backend building it right now, if any
INVALID_INDEX_SQL = """
SELECT format('%%I.%%I', n.nspname, c.relname),
       (SELECT p.pid FROM pg_stat_progress_create_index p WHERE p.index_relid = c.oid LIMIT 1)
  FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE c.relname = %(name)s AND i.indrelid = to_regclass(%(table)s) AND NOT i.indisvalid
"""


def strip_sql_comments(text: str) -> str:
    """SQL without its -- and /* */ comments (string literals are not parsed: good enough for
    finding statements by their keywords)."""
    return re.sub(r"--[^\n]*", "", re.sub(r"/\*.*?\*/", "", text, flags=re.S))


def concurrent_indexes(sql_text: str) -> list[tuple[str, str]]:
    """(index name as stored in pg_class, table as written) of each CREATE INDEX CONCURRENTLY."""
    found = []
    for m in CONCURRENT_INDEX_RE.finditer(strip_sql_comments(sql_text)):
        name = m.group(1)
        name = name[1:-1].replace('""', '"') if name.startswith('"') else name.lower()
        found.append((name, m.group(2)))
    return found


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
            if tracker.direction != "apply":
                step.apply(backend, force)  # yoyo re-applying after a failed non-transactional rollback
                return
            tracker.statement = getattr(step.step, "_apply", None)
            tracker.index = index
            step.apply(backend, force)
            tracker.done += 1

        def rollback(self, backend, force=False):
            if tracker.direction != "rollback":
                # yoyo undoing the statements of a failed non-transactional apply: the error to
                # report stays the statement that failed
                step.rollback(backend, force)
                return
            tracker.statement = getattr(step.step, "_rollback", None)
            rb = tracker.ordered.get("rollback", [])
            tracker.index = rb.index(tracker.statement) if tracker.statement in rb else -1
            step.rollback(backend, force)

    return Tracked()


class Runner:
    def __init__(self, target: DatabaseTarget, project: Project, *, lock_timeout: str = DEFAULT_LOCK_TIMEOUT,
                 statement_timeout: str = DEFAULT_STATEMENT_TIMEOUT, lock_wait: float = DEFAULT_LOCK_WAIT,
                 lock_retries: int = DEFAULT_LOCK_RETRIES, out=sys.stdout, err=sys.stderr, stdin=None,
                 verbose: bool = False):
        self.verbose = verbose
        self.target = target
        self.project = project
        self.lock_wait = lock_wait
        self.out = out
        self.err = err
        self.stdin = stdin if stdin is not None else sys.stdin
        for name, value in (("lock_timeout", lock_timeout), ("statement_timeout", statement_timeout)):
            if not re.fullmatch(r"\d+\s*(ms|s|min|h)?", value.strip()):
                raise RunnerError(f"invalid {name} {value!r}", EXIT_USAGE, "Use a PostgreSQL duration such as 5s, 500ms or 15min.")
        if lock_retries < 0:
            raise RunnerError(f"invalid lock retries {lock_retries}", EXIT_USAGE, "Use 0 (no retry) or more.")
        self.lock_timeout = lock_timeout.replace(" ", "")
        self.lock_retries = lock_retries
        # who runs the runner, recorded with each migration it applies and shown in pg_stat_activity
        self.os_identity = os_identity()
        # every connection the runner and yoyo open carries the safety settings
        target.extra_options = [f"-c lock_timeout={self.lock_timeout}",
                                f"-c statement_timeout={statement_timeout.replace(' ', '')}",
                                # a runner killed mid-migration: its backend notices within a second
                                # and rolls back, instead of holding locks until the statement ends
                                "-c client_connection_check_interval=1000",
                                # libpq's options: a backslash keeps the space inside the value
                                f"-c application_name={APPLICATION_NAME}\\ {self.os_identity}"]
        self._lock_conn = None
        self._backend = None
        self.citus = False  # set by prepare_citus()
        self.citus_distributed = False

    def say(self, text: str = "") -> None:
        print(text, file=self.out, flush=True)

    # ---- lock ------------------------------------------------------------------------------
    def lock_holder(self, conn) -> tuple | None:
        """(pid, application_name) of the session holding the migrations lock, through pg_locks."""
        return conn.execute(
            "SELECT l.pid, a.application_name FROM pg_locks l LEFT JOIN pg_stat_activity a USING (pid)"
            " WHERE l.locktype = 'relation' AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())"
            "   AND l.relation = to_regclass(%s) AND l.granted AND l.mode = %s AND l.pid <> pg_backend_pid()"
            " ORDER BY l.pid LIMIT 1", (LOCK_TABLE, LOCK_MODE_NAME)).fetchone()

    @contextlib.contextmanager
    def locked(self):
        """Hand-written because yoyo's lock is a table row that outlives a killed runner, and a
        session-level advisory lock can be taken by any role (an application holding the key
        would stop every migration). The lock is a table lock on public._assistant_db_lock,
        which PUBLIC has no privilege on, held by a connection of its own in a transaction left
        open for the whole run: it dies with that connection, so a killed runner leaves nothing."""
        import psycopg

        conn = connect(self.target)
        try:
            if conn.execute("SELECT to_regclass(%s) IS NULL", (LOCK_TABLE,)).fetchone()[0]:
                # two runners creating it at once: the loser's IF NOT EXISTS can still collide
                with contextlib.suppress(psycopg.errors.UniqueViolation, psycopg.errors.DuplicateTable):
                    with conn.transaction():
                        conn.execute(LOCK_TABLE_SQL)
            # the transaction holding the lock stays idle between migrations: no server or role
            # default may end it
            conn.execute("SET idle_in_transaction_session_timeout = 0")
            if conn.info.server_version >= 170000:
                conn.execute("SET transaction_timeout = 0")
            conn.autocommit = False
            deadline = time.monotonic() + self.lock_wait
            announced = False
            while True:
                try:
                    conn.execute(f"LOCK TABLE {LOCK_TABLE} IN {LOCK_MODE} MODE NOWAIT")
                    break
                except psycopg.errors.LockNotAvailable:
                    conn.rollback()
                holder = self.lock_holder(conn)
                conn.rollback()
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
            # Any yoyo_lock row is stale: every runner takes the migrations lock first, and we hold it.
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

    def applied_by(self) -> dict[str, str | None]:
        """migration id -> who applied it (login and OS user@host), None when not recorded."""
        return dict(self.backend().execute(
            "SELECT migration_id, applied_by FROM public._assistant_db_checksum").fetchall())

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
            conn.execute("INSERT INTO public._assistant_db_checksum (migration_id, sha256, applied_by)"
                         " VALUES (%s, %s, session_user || ' (' || %s || ')')"
                         " ON CONFLICT (migration_id) DO UPDATE SET sha256 = excluded.sha256, recorded_at = now(),"
                         " applied_by = excluded.applied_by",
                         (m.id, sha, self.os_identity))
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
        """Run one migration (or its rollback); retried when a lock is not granted within
        lock_timeout, so that it never queues long in front of the application's queries.

        Hand-written because yoyo has no notion of lock_timeout: a migration waiting for a lock
        makes every query on that table wait behind it. A short lock_timeout and a few retries
        with a growing pause (nothing held in between) keep the application's queries flowing."""
        attempt = 0
        while True:
            tracker = Tracker()
            tracker.direction = direction
            self.prepare(m, tracker)
            backend = self.backend()
            started = time.monotonic()
            # yoyo prints the rows a migration's SELECTs return; shown with --verbose only
            captured = io.StringIO()
            try:
                if direction == "apply" and not m.use_transactions:
                    self.drop_invalid_indexes(m, tracker)
                with contextlib.redirect_stdout(captured):
                    m.process_steps(backend, direction)
            except RunnerError:
                with contextlib.suppress(Exception):
                    backend.rollback()
                raise
            except backend.DatabaseError as exc:
                # a non-transactional migration is retried only when none of its statements ran
                if (sqlstate_of(exc) == "55P03" and attempt < self.lock_retries
                        and (m.use_transactions or tracker.done == 0)):
                    attempt += 1
                    with contextlib.suppress(Exception):
                        backend.rollback()
                    pause = min(0.2 * 2 ** (attempt - 1), 2.0)
                    self.say(f"lock not granted within lock_timeout {self.lock_timeout}: {direction} of {m.id}"
                             f"{self._where(m, direction, tracker)}; retry {attempt} of {self.lock_retries} in {pause:.1f} s")
                    time.sleep(pause)
                    continue
                raise self.migration_error(m, direction, tracker, exc, retries=attempt) from None
            finally:
                m.steps = None  # the next load() reads the file afresh
            break
        backend.log_migration(m, direction)
        if self.verbose and captured.getvalue().strip():
            self.say(captured.getvalue().rstrip())
        return time.monotonic() - started

    def drop_invalid_indexes(self, m, tracker: Tracker) -> None:
        """Before a non-transactional migration: an index it builds CONCURRENTLY that already
        exists INVALID (left by an interrupted or failed build) is dropped, so the build runs
        again instead of failing with 42P07 (or being skipped by IF NOT EXISTS)."""
        path = Path(m.path)
        wanted = concurrent_indexes(path.read_text(encoding="utf-8"))
        if not wanted:
            return
        headers = read_headers(path)
        conn = connect(self.target)
        try:
            as_owner = headers.get("run-as", "owner") != "session-user" and role_usable(conn)
            for name, table in wanted:
                row = conn.execute(INVALID_INDEX_SQL, {"name": name, "table": table}).fetchone()
                if not row:
                    continue
                qualified, building_pid = row
                if building_pid is not None:
                    raise RunnerError(f"{qualified} is INVALID and being built right now by backend pid {building_pid}",
                                      EXIT_MIGRATION_FAILED,
                                      f"Wait for that build to finish, or end it: SELECT pg_cancel_backend({building_pid});")
                tracker.statement = f"(dropping the INVALID index {qualified})"
                if as_owner:
                    conn.execute(f"SET ROLE {OWNER_ROLE}")
                conn.execute(f"DROP INDEX CONCURRENTLY {qualified}")
                conn.execute("RESET ROLE")
                self.say(f"dropped the INVALID index {qualified} left by an interrupted CREATE INDEX CONCURRENTLY;"
                         f" {m.id} builds it again")
            tracker.statement = None
        finally:
            conn.close()

    def _where(self, m, direction: str, tracker: Tracker) -> str:
        """' at line N: <first line of the statement>' for the statement the tracker last saw."""
        path = Path(m.path if direction == "apply" else os.path.splitext(m.path)[0] + ".rollback.sql")
        stmt = tracker.statement
        if not (isinstance(stmt, str) and stmt):
            return ""
        first = next((ln.strip() for ln in stmt.splitlines() if ln.strip() and not ln.strip().startswith("--")), stmt.strip())
        line = statement_line(path, tracker.ordered.get(direction, []), tracker.index, stmt)
        return f" at {'line ' + str(line) + ': ' if line else ''}{first[:120]}"

    def migration_error(self, m, direction: str, tracker: Tracker, exc, retries: int = 0) -> RunnerError:
        diag = getattr(exc, "diag", None)
        sqlstate = sqlstate_of(exc) or "?????"
        primary = (diag.message_primary if diag and diag.message_primary else str(exc).splitlines()[0])
        path = Path(m.path if direction == "apply" else os.path.splitext(m.path)[0] + ".rollback.sql")
        where = self._where(m, direction, tracker)
        hint = diag.message_hint if diag and diag.message_hint else None
        if sqlstate == "55P03":
            tried = f", {retries} {'retry' if retries == 1 else 'retries'}" if retries else ""
            hint = (f"A lock was not granted within lock_timeout ({self.lock_timeout}{tried}): another session holds it. "
                    "Retry when it is idle, or raise --lock-timeout / --lock-retries.")
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
    def prepare_citus(self) -> None:
        """On a Citus coordinator: the roles exist (and are on every worker) before a migration runs."""
        conn = connect(self.target)
        try:
            self.citus = is_citus(conn)
            if self.citus:
                conn.execute(CITUS_ROLES_SQL)
                # once distributed, Citus must send each change to the workers as it is made
                # (deferred would leave a replaced function's old body there)
                self.citus_distributed = conn.execute(
                    "SELECT EXISTS (SELECT FROM pg_dist_partition WHERE logicalrelid = to_regclass('core.users'))").fetchone()[0]
        finally:
            conn.close()
        if self.citus and not self.citus_distributed and CITUS_OPTION not in self.target.extra_options:
            self.target.extra_options.append(CITUS_OPTION)
            if self._backend is not None:  # opened before: reopen with the option
                self.close()

    def apply(self, to: str | None = None, allow_changed: set[str] = frozenset()) -> int:
        migrations = self.project.migrations()
        self.prepare_citus()
        with self.locked():
            problems = self.check_checksums(migrations, set(allow_changed))
            self.adopt_function_registry(migrations)
            problems += self.function_problems(set(allow_changed))
            if problems:
                self.raise_checksum(problems)
            applied = self.applied()
            pending = self.pending(migrations, applied, to)
            for m in pending:
                secs = self.run_one(m, "apply")
                self.say(f"applied  {m.id}  ({secs * 1000:.0f} ms)")
        return EXIT_OK

    def pending(self, migrations, applied, to: str | None = None) -> list:
        """The migrations apply runs, in order (up to --to), saying so when there are none."""
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
        return pending

    def victims(self, migrations, applied, count: int | None = None, to: str | None = None) -> list[str]:
        """The migrations a rollback undoes, oldest first (they are rolled back newest first)."""
        by_id = {m.id: m for m in migrations}
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
        for mid in victims:
            partner = Path(by_id[mid].path).with_name(mid + ".rollback.sql")
            if not partner.is_file():
                raise RunnerError(f"{rel(partner)} is missing, so {mid} cannot be rolled back", EXIT_DRIFT,
                                  "Restore the rollback file (git checkout) before rolling back; nothing was changed.")
        return victims

    def rollback(self, count: int | None = None, to: str | None = None, yes: bool = False) -> int:
        migrations = self.project.migrations()
        self.prepare_citus()
        by_id = {m.id: m for m in migrations}
        confirmed = None
        if not yes and (to is not None or (count or 1) > 1):
            # asked before the lock is taken: a question waiting for a person must not hold up
            # other runners; what was confirmed is checked again under the lock
            with self.read_only() as conn:
                applied = self.read_bookkeeping(conn)["applied"]
            victims = self.victims(migrations, applied, count, to)
            if len(victims) > 1:
                self.confirm_rollback(victims)
                confirmed = victims
        with self.locked():
            applied = list(self.applied())
            victims = self.victims(migrations, applied, count, to)
            if confirmed is not None and victims != confirmed:
                raise RunnerError("what is applied changed while the rollback waited for its confirmation "
                                  "(another runner ran); nothing was rolled back", EXIT_LOCKED,
                                  "Run `runner.py status`, then the rollback again.")
            if not victims:
                self.say("nothing to roll back")
            for mid in reversed(victims):
                secs = self.run_one(by_id[mid], "rollback")
                self.say(f"rolled back  {mid}  ({secs * 1000:.0f} ms)")
        return EXIT_OK

    def confirm_rollback(self, victims: list[str]) -> None:
        """Rolling back several migrations drops their tables and data: ask on a terminal; refuse
        (usage error) without one, since nobody can answer: --yes says it in advance."""
        listing = ", ".join(reversed(victims))  # in the order they are rolled back
        what = f"roll back {len(victims)} migrations ({listing}) and their data"
        if not (hasattr(self.stdin, "isatty") and self.stdin.isatty()):
            raise RunnerError(f"refusing to {what} without confirmation: stdin is not a terminal; pass --yes",
                              EXIT_USAGE, "Rerun with --yes (make rollback ... YES=1) to roll them back without a question.")
        print(f"{what}? [y/N] ", end="", file=self.err, flush=True)
        answer = self.stdin.readline()
        if answer.strip().lower() not in ("y", "yes"):
            raise RunnerError("rollback not confirmed: nothing was rolled back", EXIT_USAGE,
                              "Answer y to roll them back, or pass --yes.")

    # ---- dry run ----------------------------------------------------------------------------------
    @contextlib.contextmanager
    def read_only(self):
        """A connection in a READ ONLY transaction, for a look at the bookkeeping that changes nothing
        and takes no lock but ACCESS SHARE on the tables it reads (not even the migrations lock)."""
        conn = connect(self.target, autocommit=False)
        try:
            conn.read_only = True
            yield conn
        finally:
            with contextlib.suppress(Exception):
                conn.rollback()
            conn.close()

    @staticmethod
    def read_bookkeeping(conn) -> dict:
        """What is applied, the checksums and the loaded function versions, from the runner's and
        yoyo's tables when they exist (a database never migrated has none)."""
        tables = conn.execute("SELECT to_regclass('_yoyo_migration'), to_regclass('public._assistant_db_checksum'),"
                              " to_regclass('public._assistant_db_function_version'),"
                              " to_regclass('public._assistant_db_function')").fetchone()
        state = {"applied": {}, "checksums": {}, "functions": [], "old_registry": tables[3] is not None}
        if tables[0] is not None:
            state["applied"] = {r[0]: r[1] for r in conn.execute(
                "SELECT migration_id, applied_at_utc FROM _yoyo_migration ORDER BY applied_at_utc, migration_id")}
        if tables[1] is not None:
            state["checksums"] = dict(conn.execute("SELECT migration_id, sha256 FROM public._assistant_db_checksum").fetchall())
        if tables[2] is not None:
            state["functions"] = conn.execute("SELECT name, version, sha256, loaded_by FROM public._assistant_db_function_version"
                                              " ORDER BY name, version").fetchall()
        return state

    def plan(self, direction: str = "apply", to: str | None = None, count: int | None = None) -> int:
        """apply --dry-run / rollback --dry-run / plan: the migrations that would run, in order, and
        the SQL each would execute, function version files included. Changes nothing."""
        migrations = self.project.migrations()
        by_id = {m.id: m for m in migrations}
        with self.read_only() as conn:
            state = self.read_bookkeeping(conn)
            applied = state["applied"]
            problems = []
            for mid in applied:
                m, was = by_id.get(mid), state["checksums"].get(mid)
                if m is not None and was is not None and was != sha256_file(Path(m.path)):
                    problems.append(f"{rel(m.path)} was applied with sha256 {was[:12]}… but the file now has "
                                    f"{sha256_file(Path(m.path))[:12]}…")
            index = self.project.function_index()
            for name, version, sha, loaded_by in state["functions"]:
                path = index.get(name, {}).get(version)
                display = FunctionVersion(name, version, Path(".")).display
                if path is None:
                    problems.append(f"{display} was loaded by {loaded_by} but the file is gone")
                elif sha256_file(path) != sha:
                    problems.append(f"{display} changed after {loaded_by} loaded it")
            if problems:  # apply would refuse: so does its plan
                self.raise_checksum(problems)
            if direction == "apply":
                todo = [m.id for m in self.pending(migrations, applied, to)]
            else:
                todo = list(reversed(self.victims(migrations, applied, count, to)))
                if not todo:
                    self.say("nothing to roll back")
            if not todo:
                return EXIT_OK
            verb = "apply" if direction == "apply" else "roll back"
            self.say(f"-- plan: {verb} {len(todo)} migration{'s' if len(todo) > 1 else ''} on {self.target.display}"
                     " (dry run: nothing is changed)")
            if state["old_registry"]:
                self.say("-- apply first converts the function registry of an older runner (see `runner.py apply`)")
            for n, mid in enumerate(todo, 1):
                self.say("--")
                self.plan_one(conn, by_id[mid], direction, f"{n}/{len(todo)}")
            self.say(f"-- end of plan: {len(todo)} migration{'s' if len(todo) > 1 else ''} would be "
                     f"{'applied' if direction == 'apply' else 'rolled back'}")
        return EXIT_OK

    def plan_one(self, conn, m, direction: str, position: str) -> None:
        path = Path(m.path)
        headers = read_headers(path)
        before, after = self.project.function_names(path)
        m.load()
        transactional = m.use_transactions
        who = "as the login" if headers.get("run-as") == "session-user" else f"as {OWNER_ROLE}"
        how = "in one transaction" if transactional else "outside a transaction, statement by statement"

        def show(title: str, file: Path) -> None:
            self.say(f"-- ---- {title}")
            self.say(file.read_text(encoding="utf-8").rstrip("\n"))

        if direction == "apply":
            self.say(f"-- {position} apply {m.id} ({how}, {who})")
            if not transactional:
                for name, table in concurrent_indexes(path.read_text(encoding="utf-8")):
                    row = conn.execute(INVALID_INDEX_SQL, {"name": name, "table": table}).fetchone()
                    if row:
                        self.say(f"-- first drops the INVALID index {row[0]} (DROP INDEX CONCURRENTLY), left by an "
                                 "interrupted build")
            for fv in (self.project.function_version(n, m.id) for n in before):
                show(f"{fv.display} (loaded before the statements)", fv.path)
            show(rel(path), path)
            for fv in (self.project.function_version(n, m.id) for n in after):
                show(f"{fv.display} (loaded after the statements)", fv.path)
        else:
            rb = path.with_name(m.id + ".rollback.sql")
            self.say(f"-- {position} roll back {m.id} ({how}, {who})")
            show(rel(rb), rb)
            for name in before + after:
                prev = self.project.previous_function_version(name, m.id)
                if prev is None:
                    self.say(f"-- {self.project.qualify(name, m.id)}: created by {m.id}, no earlier version to restore")
                else:
                    show(f"{prev.display} (restored: the version in force before {m.id})", prev.path)

    def status(self) -> int:
        migrations = self.project.migrations()
        with self.locked():
            applied = self.applied()
            sums = self.checksums()
            by = self.applied_by()
            ids = {m.id for m in migrations}
            self.say(f"database: {self.target.display}")
            width = max([len(m.id) for m in migrations] + [10])
            who_width = max([len(by.get(mid) or "unknown") for mid in applied] + [7])

            def line(mid: str, mark: str = "") -> str:
                who = by.get(mid) or "unknown"  # applied before the runner recorded who
                return (f"  applied  {mid:<{width}}  {applied[mid]:%Y-%m-%d %H:%M:%S} UTC  by {who:<{who_width}}"
                        f"{mark}").rstrip()

            for m in migrations:
                if m.id in applied:
                    mark = "" if sums.get(m.id) in (None, sha256_file(Path(m.path))) else "  CHANGED SINCE APPLIED"
                    self.say(line(m.id, mark))
                else:
                    self.say(f"  pending  {m.id:<{width}}")
            for mid in applied:
                if mid not in ids:
                    self.say(line(mid, "  FILE MISSING"))
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
        for f in files:
            if not Path(f).is_file():
                raise RunnerError(f"seed file {f} does not exist", EXIT_USAGE, "Name .sql files (make seed SEED=path).")
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
    if len(heads) > 1:
        # normally one head (0021 merged the areas); several when branches each added one
        print(f"note: the migrations have {len(heads)} heads ({', '.join(heads)}): {mid} depends on all of them,"
              " which merges them", file=out)
    for src, dest in copies:
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_text(src.read_text(encoding="utf-8") if src else f"-- {dest.parent.parent.name}.{dest.parent.name}\n",
                        encoding="utf-8")
        print(f"created {rel(dest)}" + (f" (a copy of {rel(src)} to edit)" if src else " (a new function)"), file=out)
    return EXIT_OK
