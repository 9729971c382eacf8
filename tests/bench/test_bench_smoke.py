"""The benchmark runs end to end at tiny scale and reports every section with numbers.

No timing assertions: at this scale the figures mean nothing; the benchmark itself (make bench)
is where speed is judged. This proves that `make bench` works on a fresh clone: the data set
loads through the schema's real paths, every pgbench script runs against the current api, and
the JSON carries each section, its baselines and the ratios.
"""
from __future__ import annotations

import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def smoke_results():
    # the benchmark's cluster runs as an unprivileged OS user when the suite runs as root: its
    # directory must be traversable by it (not pytest's 0700 tmp_path)
    tmp = Path(tempfile.mkdtemp(prefix="assistant-db-bench-smoke-"))
    os.chmod(tmp, 0o755)
    out = tmp / "results.json"
    env = dict(os.environ, BENCH_TMPDIR=str(tmp))
    try:
        proc = subprocess.run([sys.executable, str(ROOT / "bench" / "bench.py"), "--smoke", "--out", str(out)],
                              cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
        assert proc.returncode == 0, proc.stderr[-4000:]
        assert "target" in proc.stdout
        yield json.loads(out.read_text(encoding="utf-8"))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def test_benchmark_reports_every_section(smoke_results):
    assert {"single_ingest", "batch_ingest", "latest_page", "search", "retention", "dashboards"} <= set(
        smoke_results["sections"])


def test_single_ingest_has_throughput_of_schema_and_baselines(smoke_results):
    s = smoke_results["sections"]["single_ingest"]
    for name in ("schema", "schema_app", "bare", "peer"):
        assert number(s[name]["tps"]) and s[name]["tps"] > 0, name
    assert number(s["ratio_schema_vs_bare"]) and number(s["ratio_schema_vs_peer"])


def test_batch_ingest_has_times_and_ratio_over_bare_plus_tsvector(smoke_results):
    s = smoke_results["sections"]["batch_ingest"]
    for name in ("schema", "bare", "tsvector", "peer"):
        assert number(s[name]["ms"]), name
    assert number(s["ratio_schema_vs_bare_plus_tsvector"])


def test_bulk_load_by_copy_is_measured_beside_the_multi_row_insert(smoke_results):
    s = smoke_results["sections"]["batch_ingest"]
    assert number(s["loader"]["ms"]) and number(s["loader_copy"]["ms"])
    assert number(s["rows_per_s_loader"]) and number(s["rows_per_s_insert"])
    assert number(s["ratio_loader_vs_insert_rows_per_s"])


def test_the_heaviest_user_is_the_generated_heavy_user(smoke_results):
    ds = smoke_results["meta"]["data_set"]
    heavy = smoke_results["sections"]["search"]["heaviest_user"]
    assert ds["heavy_user"] == ds["users"] + 1
    assert heavy["messages_of_user"] == ds["heavy_conversations"] * ds["heavy_conversation_size"] > 0


def test_the_run_records_the_cpu_model_and_the_postgresql_minor_version(smoke_results):
    meta = smoke_results["meta"]
    assert meta["machine"]["cpu"]
    assert meta["server_version"].split(".")[0].isdigit() and "." in meta["server_version"]


def test_latest_page_has_percentiles_at_both_sizes_and_vs_peer(smoke_results):
    s = smoke_results["sections"]["latest_page"]
    for phase in ("tenth", "whole"):
        assert number(s[phase]["p50_ms"]) and number(s[phase]["p95_ms"]), phase
    assert number(s["ratio_p95_whole_vs_tenth"])
    assert number(s["ratio_p95_schema_vs_peer"])


def test_search_compares_full_text_with_ilike(smoke_results):
    s = smoke_results["sections"]["search"]["typical_user"]
    assert number(s["fts"]["p50_ms"]) and number(s["ilike"]["p50_ms"])
    assert number(s["ratio_p50"])


def test_retention_compares_partition_drop_with_delete(smoke_results):
    s = smoke_results["sections"]["retention"]
    assert number(s["drop_ms"]) and number(s["delete_ms"]) and number(s["ratio_delete_vs_drop"])


def test_dashboards_time_each_view_at_both_sizes(smoke_results):
    """A view timed at 0.0 ms is a measurement (under pgbench's microsecond tick), not a failure:
    the timings are numbers >= 0, the ratio a number, flagged when a timing is below the tick."""
    section = smoke_results["sections"]["dashboards"]
    assert section["views"] and number(section["resolution_ms"])
    for name, v in section["views"].items():
        assert number(v["tenth_ms"]) and v["tenth_ms"] >= 0, name
        assert number(v["whole_ms"]) and v["whole_ms"] >= 0, name
        assert number(v["ratio"]) and v["ratio"] > 0, name
        assert v["below_resolution"] == (min(v["tenth_ms"], v["whole_ms"]) < section["resolution_ms"]), name


def test_a_timing_of_zero_gives_a_ratio_at_the_timer_resolution():
    import importlib.util

    spec = importlib.util.spec_from_file_location("assistant_db_bench", ROOT / "bench" / "bench.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    tick = bench.PGBENCH_RESOLUTION_MS
    assert bench.ratio(0.0, 0.0, tick) == 1.0
    assert bench.ratio(0.5, 0.0, tick) == 500.0
    assert bench.ratio(0.0, 0.5, tick) == 0.002
    assert bench.ratio(0.3, 0.2, tick) == 1.5
    assert bench.ratio(None, 0.2, tick) is None  # a missing figure stays missing
    assert bench.ratio(10.0, 0.0) is None  # a throughput of 0: no ratio


def test_every_target_has_a_ratio(smoke_results):
    targets = smoke_results["targets"]
    assert {t["target"] for t in targets} == {
        "single_ingest", "single_ingest_vs_peer", "single_ingest_app", "busy_conversation", "batch_ingest", "bulk_load",
        "latest_page_flat", "latest_page_vs_peer", "search", "search_heaviest", "search_heaviest_p95_ms",
        "retention_shape", "dashboards"}
    for t in targets:
        assert number(t["ratio"]), t["target"]


def test_busy_conversation_compares_one_conversation_with_one_each(smoke_results):
    s = smoke_results["sections"]["busy_conversation"]
    assert s["clients"] == 16
    assert number(s["one"]["tps"]) and s["one"]["tps"] > 0 and number(s["spread"]["tps"])
    assert number(s["ratio_one_vs_spread"])


def test_retention_measures_the_drop_at_ten_times_the_rows(smoke_results):
    s = smoke_results["sections"]["retention"]
    assert s["rows_10x"] == 10 * s["rows"] or s["rows_10x"] >= 10 * 1000
    assert number(s["drop_1x_ms"]) and number(s["drop_10x_ms"]) and number(s["ratio_drop_10x_vs_1x"])
