"""make docs-check needs node, npm and Chromium; mk/need-apt-packages installs what is missing only
when allowed: INSTALL_DEPS=1 without asking, a terminal after a yes, otherwise never (it fails
with the apt-get command). apt-get is a stand-in here that records how it was called."""
import os
import pty
import select
import subprocess
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "mk" / "need-apt-packages"
MISSING = "assistant-db-no-such-tool"

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="the install paths are root's (non-root only gets the command)")


@pytest.fixture
def fake_apt(tmp_path):
    """A PATH whose apt-get writes its arguments to a log instead of installing."""
    bindir = tmp_path / "bin"
    bindir.mkdir()
    log = tmp_path / "apt.log"
    (bindir / "apt-get").write_text(f"#!/bin/sh\necho \"$*\" >> {log}\n")
    (bindir / "apt-get").chmod(0o755)
    env = dict(os.environ, PATH=f"{bindir}:{os.environ['PATH']}")
    env.pop("INSTALL_DEPS", None)
    return env, log


def calls(log: Path) -> list[str]:
    return log.read_text().splitlines() if log.exists() else []


def test_nothing_missing_installs_nothing(fake_apt):
    env, log = fake_apt
    p = subprocess.run([str(SCRIPT), "sh", "dash", "sh"], env=env, capture_output=True, text=True,
                       stdin=subprocess.DEVNULL)
    assert p.returncode == 0 and calls(log) == []


def test_without_a_terminal_it_fails_with_the_command_and_installs_nothing(fake_apt):
    env, log = fake_apt
    p = subprocess.run([str(SCRIPT), "node and npm", "nodejs npm", "sh", MISSING], env=env, capture_output=True,
                       text=True, stdin=subprocess.DEVNULL)
    assert p.returncode == 1
    assert "apt-get install -y nodejs npm" in p.stderr and "INSTALL_DEPS=1" in p.stderr
    assert MISSING in p.stderr
    assert calls(log) == []


def test_install_deps_installs_without_asking(fake_apt):
    env, log = fake_apt
    p = subprocess.run([str(SCRIPT), "node and npm", "nodejs npm", MISSING], env={**env, "INSTALL_DEPS": "1"},
                       capture_output=True, text=True, stdin=subprocess.DEVNULL)
    assert p.returncode == 0, p.stderr
    assert calls(log) == ["update -qq", "install -y -qq nodejs npm"]


def on_terminal(env, answer: bytes):
    master, slave = pty.openpty()
    proc = subprocess.Popen([str(SCRIPT), "Chromium", "chromium", MISSING], env=env, stdin=slave,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    os.close(slave)
    err = b""
    deadline = time.monotonic() + 30
    while b"[y/N]" not in err and time.monotonic() < deadline:
        if select.select([proc.stderr], [], [], 1)[0]:
            err += os.read(proc.stderr.fileno(), 4096)
    os.write(master, answer)
    out, rest = proc.communicate(timeout=30)
    os.close(master)
    return proc.returncode, (err + rest).decode()


def test_on_a_terminal_it_asks_and_installs_only_after_yes(fake_apt):
    env, log = fake_apt
    code, err = on_terminal(env, b"n\n")
    assert code == 1 and "Install now with apt-get install -y chromium? [y/N]" in err
    assert calls(log) == []
    code, err = on_terminal(env, b"y\n")
    assert code == 0, err
    assert calls(log) == ["update -qq", "install -y -qq chromium"]


def test_docs_check_goes_through_it_and_ci_allows_installing():
    recipes = [ln for ln in (ROOT / "mk" / "docs.mk").read_text().splitlines() if ln.startswith("\t")]
    assert not any("apt-get" in ln for ln in recipes)  # only through mk/need-apt-packages
    assert sum("mk/need-apt-packages" in ln for ln in recipes) == 2
    assert "export INSTALL_DEPS=1" in (ROOT / ".ci" / "run").read_text()
