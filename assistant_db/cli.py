"""runner.py's command line: argparse and main(), which turns every RunnerError into one or two
lines on stderr and its documented exit code."""
from __future__ import annotations

import argparse
import contextlib
import os
import sys
from pathlib import Path

from . import ROOT
from .cluster import LOCAL_DIR, LocalCluster, exec_as_server_user
from .errors import EXIT_BAD_URL, EXIT_INTERNAL, EXIT_OK, EXIT_USAGE, RunnerError
from .migrations import (DEFAULT_LOCK_RETRIES, DEFAULT_LOCK_TIMEOUT, DEFAULT_LOCK_WAIT, DEFAULT_STATEMENT_TIMEOUT,
                         Project, Runner, new_migration)
from .urls import DatabaseTarget, connection_error, scrub


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
    p.add_argument("--lock-retries", type=int, default=os.environ.get("MIGRATION_LOCK_RETRIES") or str(DEFAULT_LOCK_RETRIES),
                   help="times a migration is retried when a lock is not granted within lock_timeout, with a growing "
                        "pause (default %(default)s, env MIGRATION_LOCK_RETRIES)")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    a = sub.add_parser("apply", help="apply pending migrations (to head, or --to ID)")
    a.add_argument("--to", help="stop after this migration id (a 4-digit prefix is enough)")
    a.add_argument("--accept-changed", nargs="+", default=[], metavar="ID",
                   help="emergency override: accept edited applied migrations and record their new checksum ('all' for every one)")
    a.add_argument("--dry-run", action="store_true",
                   help="print the migrations that would run, in order, and their SQL; change nothing")
    pl = sub.add_parser("plan", help="what apply would run, and its SQL, without running it (apply --dry-run)")
    pl.add_argument("--to", help="stop after this migration id (a 4-digit prefix is enough)")
    r = sub.add_parser("rollback", help="roll back the last migration, --count N, or --to ID")
    g = r.add_mutually_exclusive_group()
    g.add_argument("--count", type=int, help="how many applied migrations to roll back (default 1)")
    g.add_argument("--to", help="roll back every migration applied after this id (it stays applied)")
    r.add_argument("--yes", action="store_true",
                   help="roll back several migrations without asking (needed when stdin is not a terminal)")
    r.add_argument("--dry-run", action="store_true",
                   help="print the rollback files that would run, in order, and the function versions restored; change nothing")
    sub.add_parser("status", help="applied and pending migrations, with dates")
    sub.add_parser("distribute", help="on a Citus coordinator: distribute the migrated tables by user_id (idempotent)")
    sub.add_parser("verify", help="check applied migrations against their files, and the layout")
    n = sub.add_parser("new", help="create NNNN_name.sql and NNNN_name.rollback.sql")
    n.add_argument("name")
    n.add_argument("--function", dest="functions", action="append", default=[], metavar="SCHEMA.NAME",
                   help="also create version NNNN of this function (a copy of its newest version) and load it")
    s = sub.add_parser("seed", help="load seed files, each in one transaction")
    s.add_argument("files", nargs="+", type=Path)
    c = sub.add_parser("cluster", help="the private local cluster in .pgdata/ (make up/down/psql)")
    c.add_argument("action", choices=["up", "down", "status", "url", "tcp-url", "psql", "pg-bin"])
    # internal, and kept out of --help: a subparser registered without help= is not listed
    x = sub.add_parser("as-server-user")
    x.add_argument("cmd", nargs=argparse.REMAINDER)
    return p


# GNU make exits 2 whenever a recipe fails, whatever the recipe's own status. bin/make, a
# wrapper taking make's arguments, names a file here; the runner writes its exit code to it when
# it fails, and the wrapper exits with that code (README: Exit codes).
EXIT_FILE_ENV = "ASSISTANT_DB_EXIT_FILE"


def main(argv: list[str] | None = None) -> int:
    code = _main(argv)
    path = os.environ.get(EXIT_FILE_ENV)
    if code and path:
        with contextlib.suppress(OSError):
            Path(path).write_text(f"{code}\n")
    return code


def _main(argv: list[str] | None = None) -> int:
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
                        lock_retries=args.lock_retries, verbose=args.verbose)
        if args.command == "plan" or (args.command == "apply" and args.dry_run):
            return runner.plan("apply", to=args.to)
        if args.command == "apply":
            return runner.apply(to=args.to, allow_changed=set(args.accept_changed))
        if args.command == "rollback" and args.dry_run:
            return runner.plan("rollback", count=args.count, to=args.to)
        if args.command == "rollback":
            return runner.rollback(count=args.count, to=args.to, yes=args.yes)
        if args.command == "status":
            return runner.status()
        if args.command == "distribute":
            from .citus import distribute
            with runner.locked():
                return distribute(runner)
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

