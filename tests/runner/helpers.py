"""Helpers shared by the runner tests (imported as `helpers`: pytest puts this directory on sys.path)."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[2]


def spawn(project, url, *args, env: dict | None = None, **kwargs) -> subprocess.Popen:
    """runner.py in the background, its output read by the test as it comes."""
    full_env = dict(os.environ, PYTHONUNBUFFERED="1")
    full_env.pop("DATABASE_URL", None)
    full_env.update(env or {})
    return subprocess.Popen([sys.executable, str(ROOT / "runner.py"), "--project", str(project),
                             "--database", url, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=full_env, **kwargs)


def lock_holders(c) -> int:
    return c.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'relation' AND granted "
                     "AND relation = to_regclass('public._assistant_db_lock') "
                     "AND mode = 'ShareUpdateExclusiveLock'").fetchone()[0]


def wait_for_lock_holder(url, timeout=60):
    """Until a runner holds the migrations lock (seen in pg_locks)."""
    deadline = time.monotonic() + timeout
    with psycopg.connect(url, autocommit=True) as c:
        while time.monotonic() < deadline:
            if lock_holders(c):
                return
            time.sleep(0.05)
    raise AssertionError("no runner took the lock")


def make_invalid_started_at_index(c):
    """An INVALID core.conversations_started_at_idx (0017's index), as an interrupted CREATE INDEX
    CONCURRENTLY leaves it: a UNIQUE build that fails on two conversations started at the same moment."""
    uid = c.execute("INSERT INTO core.users (name, email) VALUES ('Índice', 'indice@example.org') RETURNING id").fetchone()[0]
    c.execute("INSERT INTO core.conversations (user_id, name, started_at) VALUES (%s, 'a', '2025-01-01'), "
              "(%s, 'b', '2025-01-01')", (uid, uid))
    try:
        c.execute("CREATE UNIQUE INDEX CONCURRENTLY conversations_started_at_idx ON core.conversations (started_at)")
        raise AssertionError("the unique build was expected to fail")
    except psycopg.errors.UniqueViolation:
        pass
    assert c.execute("SELECT NOT indisvalid FROM pg_index WHERE indexrelid = 'core.conversations_started_at_idx'::regclass"
                     ).fetchone()[0]


class Output:
    """The output of a background runner, read line by line as it comes (threads), so a test can
    act when a given line appears: no sleep, no race."""

    def __init__(self, proc: subprocess.Popen):
        import threading

        self.proc = proc
        self.lines: dict[str, list[str]] = {"out": [], "err": []}
        self._cond = threading.Condition()
        self._threads = [threading.Thread(target=self._read, args=(name, stream), daemon=True)
                         for name, stream in (("out", proc.stdout), ("err", proc.stderr))]
        for t in self._threads:
            t.start()

    def _read(self, name, stream):
        for line in stream:
            with self._cond:
                self.lines[name].append(line)
                self._cond.notify_all()
        with self._cond:
            self.lines[name].append(None)  # end of stream
            self._cond.notify_all()

    def wait_for(self, text: str, timeout: float = 120) -> str:
        """The first line of stdout containing text; fails when the runner ends first."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                for line in self.lines["out"]:
                    if line is not None and text in line:
                        return line
                if None in self.lines["out"]:
                    raise AssertionError(f"runner ended without printing {text!r}:\n{self.text()}")
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"no {text!r} within {timeout} s:\n{self.text()}")
                self._cond.wait(left)

    def text(self) -> str:
        return "".join(x for x in self.lines["out"] + self.lines["err"] if x)

    def finish(self, timeout: float = 120) -> tuple[int, str, str]:
        code = self.proc.wait(timeout=timeout)
        for t in self._threads:
            t.join(timeout)
        return code, "".join(x for x in self.lines["out"] if x), "".join(x for x in self.lines["err"] if x)


def run_on_terminal(args: list[str], answer: bytes | None, *, env: dict | None = None,
                    timeout: float = 300) -> tuple[int, str, str]:
    """runner.py with its stdin on a pseudo-terminal, as a DBA at a shell runs it: waits for the
    question on stderr, types answer (None: none expected), returns (code, stdout, stderr)."""
    import pty
    import select

    master, slave = pty.openpty()
    full_env = dict(os.environ, PYTHONUNBUFFERED="1")
    full_env.pop("DATABASE_URL", None)
    full_env.update(env or {})
    proc = subprocess.Popen([sys.executable, str(ROOT / "runner.py"), *args], stdin=slave,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=full_env)
    os.close(slave)
    err = b""
    try:
        if answer is not None:
            deadline = time.monotonic() + timeout
            while b"[y/N]" not in err:
                left = deadline - time.monotonic()
                ready, _, _ = select.select([proc.stderr], [], [], max(0, left))
                if not ready:
                    raise AssertionError(f"no question within {timeout} s: {err!r}")
                chunk = os.read(proc.stderr.fileno(), 4096)
                if not chunk:
                    raise AssertionError(f"runner ended without asking: {err!r}")
                err += chunk
            os.write(master, answer)
        out, rest = proc.communicate(timeout=timeout)
    finally:
        os.close(master)
        if proc.poll() is None:
            proc.kill()
    return proc.returncode, out.decode(), (err + rest).decode()
