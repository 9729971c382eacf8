"""assistant-db's migrations runner and local cluster, one module per concern.

    errors      RunnerError and the documented exit codes
    urls        database URLs: DatabaseTarget, mask_url, scrub, connect, connection_error
    functions   versioned function files: FunctionVersion, their index, which version a migration loads
    migrations  Project, Runner (apply, rollback, status, verify, seed), layout checks, `new`
    cluster     the private local cluster (LocalCluster), the server binaries, the server's OS user
    cli         the command line of runner.py (argparse + main)
    throwaway   a throwaway migrated database (tests, docs/generate.py, bench/bench.py)

`runner.py` at the project root is the entry point and re-exports these names.
"""
from __future__ import annotations

import contextlib
from pathlib import Path

# the project directory: migrations/, functions/, seeds/, postgresql.conf
ROOT = Path(__file__).resolve().parent.parent


def rel(path: Path) -> str:
    """A path as shown to the DBA: relative to the working directory or the project when inside them."""
    path = Path(path)
    for base in (Path.cwd(), ROOT):
        with contextlib.suppress(ValueError):
            return str(path.resolve().relative_to(base.resolve()))
    return str(path)
