"""The Citus module needs a coordinator with workers, given by CITUS_URL (README "Running on
Citus"); without it every test here is skipped with the reason. The suite's own throwaway server
is not used here: these tests make a database of their own on every node of that cluster."""
from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
from psycopg import sql

ROOT = Path(__file__).resolve().parents[2]
CITUS_URL = os.environ.get("CITUS_URL")


def pytest_collection_modifyitems(config, items):
    if CITUS_URL:
        return
    skip = pytest.mark.skip(reason="CITUS_URL is not set: these tests need a Citus coordinator with workers "
                                   "(README: Running on Citus)")
    for item in items:
        if "tests/citus/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(skip)


def with_db(url: str, dbname: str, host: str | None = None, port: int | None = None) -> str:
    parts = urlsplit(url)
    netloc = parts.netloc
    if host is not None:
        auth = netloc.rsplit("@", 1)[0] + "@" if "@" in netloc else ""
        netloc = f"{auth}{host}:{port}"
    return urlunsplit((parts.scheme, netloc, "/" + dbname, parts.query, parts.fragment))


def run(*args: str, url: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": url}
    return subprocess.run([sys.executable, str(ROOT / "runner.py"), *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="session")
def citus_cluster():
    """A fresh database with citus on the coordinator and every worker of CITUS_URL's cluster,
    the workers added to it; dropped at the end. Yields its URL on the coordinator."""
    name = "assistant_citus_" + secrets.token_hex(4)
    with psycopg.connect(CITUS_URL, autocommit=True) as c:
        nodes = c.execute("SELECT nodename, nodeport FROM pg_dist_node WHERE groupid <> 0 AND noderole = 'primary'"
                          " ORDER BY nodeport").fetchall()
        coordinator = urlsplit(CITUS_URL)
    urls = [with_db(CITUS_URL, "postgres")] + [with_db(CITUS_URL, "postgres", h, p) for h, p in nodes]
    for u in urls:
        with psycopg.connect(u, autocommit=True) as c:
            c.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        with psycopg.connect(u.rsplit("/", 1)[0] + "/" + name, autocommit=True) as c:
            c.execute("CREATE EXTENSION citus")
    url = with_db(CITUS_URL, name)
    with psycopg.connect(url, autocommit=True) as c:
        c.execute("SELECT citus_set_coordinator_host(%s, %s)", (coordinator.hostname, coordinator.port or 5432))
        for h, p in nodes:
            c.execute("SELECT citus_add_node(%s, %s)", (h, p))
    yield type("Cluster", (), {"url": url, "name": name, "workers": [with_db(CITUS_URL, name, h, p) for h, p in nodes]})
    for u in urls:
        with psycopg.connect(u, autocommit=True) as c:
            c.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                      (name,))
            c.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@pytest.fixture(scope="session")
def migrated(citus_cluster):
    """The fresh Citus database, migrated and distributed (runner.py apply, then distribute)."""
    applied = run("apply", url=citus_cluster.url)
    assert applied.returncode == 0, applied.stderr
    distributed = run("distribute", url=citus_cluster.url)
    assert distributed.returncode == 0, distributed.stderr
    citus_cluster.apply_output, citus_cluster.distribute_output = applied.stdout, distributed.stdout
    return citus_cluster


@pytest.fixture(scope="session")
def app_login(migrated):
    """A LOGIN role that is only in assistant_app (cluster-wide: Citus creates it on the workers)."""
    with psycopg.connect(migrated.url, autocommit=True) as c:
        if not c.execute("SELECT EXISTS (SELECT FROM pg_roles WHERE rolname = 'citus_test_app')").fetchone()[0]:
            c.execute("CREATE ROLE citus_test_app LOGIN PASSWORD 'citus-test-app-pw' IN ROLE assistant_app")
    parts = urlsplit(migrated.url)
    host = parts.netloc.rsplit("@", 1)[-1]
    return urlunsplit((parts.scheme, f"citus_test_app:citus-test-app-pw@{host}", parts.path, parts.query, ""))


@pytest.fixture(scope="session")
def runner_cli():
    """runner_cli(*args, url=...) -> the runner's CompletedProcess."""
    return run


@pytest.fixture(scope="session")
def service_login(migrated):
    """A LOGIN role that is only in assistant_service."""
    with psycopg.connect(migrated.url, autocommit=True) as c:
        if not c.execute("SELECT EXISTS (SELECT FROM pg_roles WHERE rolname = 'citus_test_service')").fetchone()[0]:
            c.execute("CREATE ROLE citus_test_service LOGIN PASSWORD 'citus-test-service-pw' IN ROLE assistant_service")
    parts = urlsplit(migrated.url)
    host = parts.netloc.rsplit("@", 1)[-1]
    return urlunsplit((parts.scheme, f"citus_test_service:citus-test-service-pw@{host}", parts.path, parts.query, ""))
