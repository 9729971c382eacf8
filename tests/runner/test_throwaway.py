"""assistant_db.throwaway: a private server in a temporary directory with a migrated database,
a usable URL, and nothing left behind on exit, also when the block fails."""
import socket
import sys
from pathlib import Path

import psycopg
import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from assistant_db.throwaway import throwaway_database  # noqa: E402


def migration_ids():
    return sorted(p.stem for p in (ROOT / "migrations").glob("[0-9]*.sql") if not p.name.endswith(".rollback.sql"))


def accepts_connections(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(2)
        return s.connect_ex(("127.0.0.1", port)) == 0


def test_it_starts_migrates_gives_a_usable_url_and_cleans_up():
    with throwaway_database("probe", seeds=True, extra_options="-c work_mem=7MB") as db:
        root, port, socket_dir = db.root, db.port, db.cluster.socket_dir
        assert root.is_dir() and accepts_connections(port)
        for url in (db.url, db.socket_url()):
            with psycopg.connect(url) as c:
                assert c.execute("SELECT current_database()").fetchone()[0] == "probe"
                applied = [r[0] for r in c.execute("SELECT migration_id FROM _yoyo_migration ORDER BY 1")]
                assert applied == migration_ids()
                assert c.execute("SELECT count(*) FROM ops.config").fetchone()[0] > 0  # seeds/default
                # the project's postgresql.conf, the fast options and the extra ones
                assert c.execute("SHOW default_text_search_config").fetchone()[0] == "pg_catalog.portuguese"
                assert c.execute("SHOW fsync").fetchone()[0] == "off"
                assert c.execute("SHOW work_mem").fetchone()[0] == "7MB"
        assert (db.bin / "pg_dump").is_file()
    assert not root.exists() and not socket_dir.exists()
    assert not accepts_connections(port)


def test_a_failing_block_still_stops_the_server_and_removes_it():
    with pytest.raises(RuntimeError, match="inside the block"):
        with throwaway_database(None, migrated=False) as db:  # only a server
            root, port = db.root, db.port
            with psycopg.connect(db.url_for("postgres")) as c:
                assert c.execute("SELECT 1").fetchone()[0] == 1
            raise RuntimeError("inside the block")
    assert not root.exists() and not accepts_connections(port)
