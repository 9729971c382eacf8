"""The schema documentation (docs/schema/, written by `make docs` through docs/generate.py) is
generated from the catalog and kept in step with it: these tests fail when the committed pages
differ from what the migrated test database produces, and when an object lacks a comment."""
from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs" / "schema"
MERMAID_CHECK = ROOT / "docs" / "mermaid-check"


def _load_generator():
    spec = importlib.util.spec_from_file_location("assistant_db_docs_generate", ROOT / "docs" / "generate.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses resolve annotations through sys.modules
    spec.loader.exec_module(module)
    return module


gen = _load_generator()


def test_committed_docs_are_what_make_docs_writes(db_url, tmp_path):
    files, _ = gen.generate(db_url)
    gen.write(files, tmp_path / "schema")
    diff = gen.first_difference(DOCS, tmp_path / "schema")
    assert diff is None, (f"docs/schema/ is out of date with the migrations: first difference in "
                          f"docs/schema/{diff}; run make docs and commit docs/schema/")


def test_check_mode_names_the_first_stale_file_and_says_run_make_docs(db_url, tmp_path, capsys):
    (tmp_path / "README.md").write_text("stale\n")
    assert gen.main(["--database", db_url, "--out", str(tmp_path), "--check"]) == 1
    err = capsys.readouterr().err
    assert "first difference: README.md" in err and "run make docs" in err
    assert (tmp_path / "README.md").read_text() == "stale\n"  # --check writes nothing


def test_every_table_view_function_and_column_has_a_comment(db):
    missing = gen.missing_comments(gen.read_catalog(db))
    assert missing == [], "objects without COMMENT ON (add one in the migration that creates them): " + \
        ", ".join(missing)


def test_an_uncommented_table_column_view_and_function_are_reported(db):
    db.execute("CREATE TABLE core.docs_probes (id bigint PRIMARY KEY, label text, weight real)")
    db.execute("COMMENT ON COLUMN core.docs_probes.weight IS 'A commented column.'")
    db.execute("CREATE VIEW core.docs_probe_labels AS SELECT id, label FROM core.docs_probes")
    db.execute("CREATE FUNCTION core.docs_probe() RETURNS int LANGUAGE sql IMMUTABLE "
               "SET search_path = pg_catalog, pg_temp RETURN 1")
    missing = gen.missing_comments(gen.read_catalog(db))
    assert "table core.docs_probes" in missing
    assert "column core.docs_probes.label" in missing
    assert "column core.docs_probes.weight" not in missing
    assert "column core.docs_probes.id" not in missing  # obvious, as in tests/test_catalog.py
    assert "view core.docs_probe_labels" in missing
    assert "function core.docs_probe()" in missing


def test_a_new_table_is_reported_as_drift_naming_the_first_differing_file(db, tmp_path):
    gen.write(gen.render(gen.read_catalog(db)), tmp_path / "before")
    db.execute("CREATE TABLE core.docs_probes (id bigint PRIMARY KEY)")
    db.execute("COMMENT ON TABLE core.docs_probes IS 'Probe.'")
    files = gen.render(gen.read_catalog(db))
    gen.write(files, tmp_path / "after")
    assert "Probe." in files["tables/core.docs_probes.md"]
    assert gen.first_difference(tmp_path / "before", tmp_path / "after") == "README.md"
    (tmp_path / "after" / "README.md").write_bytes((tmp_path / "before" / "README.md").read_bytes())
    assert gen.first_difference(tmp_path / "before", tmp_path / "after") == \
        "tables/core.docs_probes.md (missing from the committed docs)"


def test_docs_list_no_concrete_partition(db):
    """Partition names change with the date (messages_p202611): only the scheme and policy show."""
    partitions = [r[0] for r in db.execute(
        "SELECT c.relname FROM pg_class c WHERE c.relispartition AND c.relkind IN ('r', 'p')").fetchall()]
    files = gen.render(gen.read_catalog(db))
    for name, text in files.items():
        for p in partitions:
            if not p.endswith("_default"):
                assert p not in text, f"{name} names the partition {p}"


def test_every_table_has_an_er_diagram_area(db):
    unassigned = gen.unassigned_tables(gen.read_catalog(db))
    if unassigned:  # they are documented (area "Other tables"), but belong in a named area
        warnings.warn(f"tables in no ER diagram area (add a rule to AREA_RULES in docs/generate.py): "
                      f"{', '.join(unassigned)}")


def test_diagrams_are_er_diagrams_with_identifier_names():
    text = (DOCS / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```mermaid\n(.*?)```", text, re.S)
    assert blocks, "docs/schema/README.md has no Mermaid diagram"
    for block in blocks:
        lines = block.splitlines()
        assert lines[0] == "erDiagram"
        for line in lines[1:]:
            m = re.match(r"^    (\S+) (\{|\|\||\|o)", line)
            if m:
                assert re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", m.group(1)), line


@pytest.mark.slow
def test_mermaid_renders_every_diagram_and_rejects_a_broken_one():
    """The same check as make docs-check (mermaid in headless Chromium), when it is installed."""
    node = shutil.which("node")
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not (node and chromium and (MERMAID_CHECK / "node_modules" / "mermaid").is_dir()):
        pytest.skip("node, chromium or docs/mermaid-check/node_modules missing: make docs-check installs them")
    for args in (["--self-test"], [str(DOCS)]):
        proc = subprocess.run([node, str(MERMAID_CHECK / "check.mjs"), *args], capture_output=True, text=True,
                              timeout=300)
        assert proc.returncode == 0, proc.stdout + proc.stderr
