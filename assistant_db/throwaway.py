"""A throwaway migrated database: a private PostgreSQL server in a temporary directory, with the
project's postgresql.conf (and extra server options), a database with every migration applied
(and the default seeds, if asked), its URL, and on exit the server stopped and the directory
removed. Used by the test suite (its session server and template database), docs/generate.py,
bench/bench.py and the pg_cron test.

    with throwaway_database("assistant_docs", seeds=True) as db:
        psycopg.connect(db.url)

Hand-written because pytest-postgresql's servers run as the current OS user, and PostgreSQL
refuses to run as root: the server is a LocalCluster, which runs it as an unprivileged OS user
when invoked as root.
"""
from __future__ import annotations

import contextlib
import os
import shutil
import socket
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from . import ROOT
from .cluster import LOCAL_SUPERUSER, LocalCluster, PortInUse
from .migrations import DEFAULT_STATEMENT_TIMEOUT, Project, Runner
from .urls import DatabaseTarget

# a throwaway server: durability is not under test, so no fsync, no full-page writes
FAST_OPTIONS = "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Throwaway:
    """What a throwaway_database() block gets: the server and how to reach its database."""

    cluster: LocalCluster
    root: Path                 # the temporary directory, removed on exit: scratch files may go here
    dbname: str | None
    password: str

    @property
    def port(self) -> int:
        return self.cluster.port

    @property
    def bin(self) -> Path:
        """The server's bin directory (pg_dump, psql, pgbench of the same version)."""
        return self.cluster.bin

    def url_for(self, dbname: str | None = None, user: str = LOCAL_SUPERUSER, password: str | None = None) -> str:
        """A TCP URL with the password in it (usable from any OS user and any process)."""
        password = self.password if password is None and user == LOCAL_SUPERUSER else password
        auth = user + (f":{password}" if password else "")
        return f"postgresql://{auth}@127.0.0.1:{self.port}/{dbname or self.dbname or 'postgres'}"

    @property
    def url(self) -> str:
        return self.url_for()

    def socket_url(self, dbname: str | None = None) -> str:
        """The Unix-socket URL (trust for the socket's owner, which is this process or root)."""
        return self.cluster.url(dbname or self.dbname or "postgres")


def migrate(url: str, *, seeds: bool = False, project: Path = ROOT,
            statement_timeout: str = DEFAULT_STATEMENT_TIMEOUT) -> None:
    """Apply every migration to the database at url, quietly; with seeds, then seeds/default/*.sql."""
    devnull = open(os.devnull, "w")
    r = Runner(DatabaseTarget.parse(url), Project(Path(project)), out=devnull, statement_timeout=statement_timeout)
    try:
        # yoyo echoes the rows a migration's SELECT returns (e.g. partition actions) on stdout
        with contextlib.redirect_stdout(devnull):
            r.apply()
            files = sorted((Path(project) / "seeds" / "default").glob("*.sql")) if seeds else []
            if files:
                r.seed(files)
    finally:
        r.close()
        devnull.close()


@contextlib.contextmanager
def throwaway_database(dbname: str | None = "assistant", *, migrated: bool = True, seeds: bool = False,
                       extra_options: str = "", durable: bool = False, conf: Path | None = ROOT / "postgresql.conf",
                       port: int | None = None, password: str | None = None, base: str | Path | None = None,
                       prefix: str = "assistant-db-", keep: bool = False,
                       statement_timeout: str = DEFAULT_STATEMENT_TIMEOUT) -> Iterator[Throwaway]:
    """Start a private server, create dbname (None: only the server) and apply every migration to
    it (migrated=False: leave it empty; seeds=True: also load seeds/default/). Yields a
    Throwaway; on exit stops the server and removes its directory, unless keep=True (the server
    is left running, e.g. for bench --keep).

    durable=False adds FAST_OPTIONS (no fsync); extra_options are more `-c name=value` server
    options; port=None picks a free one; base is the directory the temporary one is made in."""
    root = Path(tempfile.mkdtemp(prefix=prefix, dir=str(base) if base else None))
    # the server runs as an unprivileged OS user when we are root: it must traverse this
    os.chmod(root, 0o755)
    options = " ".join(filter(None, [FAST_OPTIONS if not durable else "", extra_options]))
    cluster = None
    started = kept = False
    devnull = open(os.devnull, "w")
    try:
        for attempt in range(3):
            cluster = LocalCluster(root=root / "cluster", port=port or free_port(), conf=conf, extra_options=options)
            cluster.init(out=devnull, password=password)
            try:
                cluster.start(out=devnull)
                break
            except PortInUse:
                # a free port taken between choosing and starting: choose again (not a port asked for)
                if port is not None or attempt == 2:
                    raise
                shutil.rmtree(root / "cluster", ignore_errors=True)
        started = True
        if dbname:
            cluster.ensure_database(dbname)
        db = Throwaway(cluster=cluster, root=root, dbname=dbname, password=cluster.password or "")
        if dbname and migrated:
            migrate(db.url, seeds=seeds, statement_timeout=statement_timeout)
        yield db
        kept = keep
    finally:
        if not kept:
            try:
                if started and cluster is not None:
                    cluster.stop(out=devnull)
            finally:
                devnull.close()
                if cluster is not None and not cluster.socket_dir.is_relative_to(root):
                    shutil.rmtree(cluster.socket_dir, ignore_errors=True)
                shutil.rmtree(root, ignore_errors=True)
