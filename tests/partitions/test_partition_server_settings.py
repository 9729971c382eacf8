"""postgresql.conf: the server under test (started the way `make up` starts one) runs with every
setting of the project's file, and with the values the platforms asked for."""
import re
from pathlib import Path

import pytest

CONF = Path(__file__).resolve().parents[2] / "postgresql.conf"


def conf_settings() -> dict[str, str]:
    out = {}
    for line in CONF.read_text().splitlines():
        m = re.match(r"^\s*([a-z_.]+)\s*=\s*('(?:[^']*)'|\S+)", line)
        if m:
            out[m.group(1)] = m.group(2).strip("'")
    return out


def test_every_setting_of_the_project_file_is_in_force(db):
    names = list(conf_settings())
    assert len(names) > 30
    rows = dict(db.execute("SELECT lower(name), sourcefile FROM pg_settings WHERE lower(name) = ANY(%s) AND source = 'configuration file'",
                           (names,)).fetchall())
    # pg_stat_statements.* exist once the library is loaded; all come from the project's file
    missing = [n for n in names if n not in rows]
    assert missing == []
    assert {Path(f).name for f in rows.values()} == {"assistant-db.conf"}


@pytest.mark.parametrize("name, value", [
    ("max_connections", "100"), ("shared_buffers", "256MB"), ("effective_cache_size", "1GB"),
    ("work_mem", "4MB"), ("maintenance_work_mem", "64MB"), ("log_statement", "none"),
    ("log_min_duration_statement", "1s"), ("shared_preload_libraries", "pg_stat_statements"),
    ("default_text_search_config", "pg_catalog.portuguese"), ("TimeZone", "UTC"), ("autovacuum", "on"),
])
def test_platform_values(db, name, value):
    assert db.execute(f"SHOW {name}").fetchone()[0] == value


def test_portuguese_text_search_works_without_an_os_locale(db):
    assert db.execute("SELECT to_tsvector('As conversas foram arquivadas') @@ to_tsquery('conversa')").fetchone()[0]
