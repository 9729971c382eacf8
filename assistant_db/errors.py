"""RunnerError and the exit codes runner.py documents (also in the README's DBA guide).

  0 success                       6  a migration failed (its transaction was rolled back)
  1 unexpected internal error     7  unknown migration id
  2 usage error                   8  checksum mismatch: an applied migration was edited
  3 server unreachable            9  another runner holds the migrations lock (wait timed out)
  4 authentication failed         10 verify found drift or a broken layout
  5 malformed database URL        11 local cluster could not be started or stopped
"""
from __future__ import annotations

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


class RunnerError(Exception):
    """An error the DBA can act on: one or two lines, no traceback, a documented exit code."""

    def __init__(self, message: str, code: int, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.hint = hint

