#!/usr/bin/env python3
"""assistant-db migrations runner: a thin layer over yoyo-migrations and psycopg 3.

The code lives in the package assistant_db/ (one module per concern); this file is the entry
point (`python runner.py ...`) and keeps `import runner` working by re-exporting its names.

yoyo does the bookkeeping (which migration is applied, the dependency order, reading
`NNNN_name.sql` / `NNNN_name.rollback.sql` pairs, one transaction per migration). The runner
adds only what yoyo does not do, each piece marked "hand-written because" where it lives:

- content checksums of applied migrations (yoyo hashes only the id);
- a table lock no application role can take instead of yoyo's lock table (a killed runner must
  not leave a lock);
- lock_timeout / statement_timeout on every migration connection, and retries when a lock is
  not granted in time;
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

import sys
from pathlib import Path

_HERE = str(Path(__file__).resolve().parent)
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)

from assistant_db import ROOT, rel  # noqa: E402
from assistant_db.cli import build_parser, cluster_command, database_url, main  # noqa: E402
from assistant_db.cluster import (LOCAL_DB, LOCAL_DIR, LOCAL_PORT, LOCAL_SUPERUSER,  # noqa: E402
                                  SERVER_OS_USER_FALLBACK, LocalCluster, embedded_pg_bin, exec_as_server_user,
                                  find_pg_bin, locale_available, pg_major, run_as_server_user, server_os_user)
from assistant_db.errors import (EXIT_AUTH, EXIT_BAD_URL, EXIT_CHECKSUM, EXIT_CLUSTER,  # noqa: E402
                                 EXIT_DRIFT, EXIT_INTERNAL, EXIT_LOCKED, EXIT_MIGRATION_FAILED, EXIT_OK,
                                 EXIT_UNKNOWN_ID, EXIT_UNREACHABLE, EXIT_USAGE, RunnerError)
from assistant_db.functions import VERSION_FILE_RE, FunctionVersion  # noqa: E402
from assistant_db.migrations import (DEFAULT_LOCK_RETRIES, LOCK_TABLE, LOCK_MODE,  # noqa: E402
                                     DEFAULT_LOCK_TIMEOUT, DEFAULT_LOCK_WAIT, DEFAULT_STATEMENT_TIMEOUT,
                                     HEADER_RE, META_SQL, MIGRATION_ID_RE, MIGRATION_TEMPLATE, OWNER_ROLE,
                                     ROLLBACK_TEMPLATE, Project, Runner, Tracker, layout_problems,
                                     new_migration, read_headers, role_usable, sha256_file, statement_line)
from assistant_db.urls import DatabaseTarget, connect, connection_error, mask_url, scrub  # noqa: E402

# everything tests, bench/, docs/ and scripts import from `runner`
__all__ = [
    "ROOT", "rel", "build_parser", "cluster_command", "database_url", "main", "LOCAL_DB",
    "LOCAL_DIR", "LOCAL_PORT", "LOCAL_SUPERUSER", "SERVER_OS_USER_FALLBACK", "LocalCluster",
    "embedded_pg_bin", "exec_as_server_user", "find_pg_bin", "locale_available", "pg_major",
    "run_as_server_user", "server_os_user", "EXIT_AUTH", "EXIT_BAD_URL", "EXIT_CHECKSUM",
    "EXIT_CLUSTER", "EXIT_DRIFT", "EXIT_INTERNAL", "EXIT_LOCKED", "EXIT_MIGRATION_FAILED",
    "EXIT_OK", "EXIT_UNKNOWN_ID", "EXIT_UNREACHABLE", "EXIT_USAGE", "RunnerError",
    "VERSION_FILE_RE", "FunctionVersion", "DEFAULT_LOCK_RETRIES", "LOCK_TABLE", "LOCK_MODE",
    "DEFAULT_LOCK_TIMEOUT", "DEFAULT_LOCK_WAIT", "DEFAULT_STATEMENT_TIMEOUT", "HEADER_RE",
    "META_SQL", "MIGRATION_ID_RE", "MIGRATION_TEMPLATE", "OWNER_ROLE", "ROLLBACK_TEMPLATE",
    "Project", "Runner", "Tracker", "layout_problems", "new_migration", "read_headers",
    "role_usable", "sha256_file", "statement_line", "DatabaseTarget", "connect", "connection_error",
    "mask_url", "scrub",
]

if __name__ == "__main__":
    sys.exit(main())
