"""The demo data set (make demo) and the report it prints."""
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEMO = sorted((ROOT / "seeds" / "demo").glob("*.sql"))


def load_demo(sql):
    for f in DEMO:
        sql(f.read_text())


def counts(sql):
    return sql("""
        SELECT (SELECT count(*) FROM core.users), (SELECT count(*) FROM core.credentials WHERE kind = 'licence'),
               (SELECT count(DISTINCT tier) FROM core.memories), (SELECT count(*) FROM core.memories),
               (SELECT count(*) FROM core.conversations), (SELECT message_count FROM core.conversations),
               (SELECT count(*) FROM ops.ai_metrics), (SELECT count(*) FROM ops.process_executions),
               (SELECT count(*) FROM ops.api_metrics), (SELECT count(*) FROM ops.alerts),
               (SELECT sum(usage_count) FROM ops.tool_usage_hourly)""")[0]


def test_demo_set_is_the_platforms_demonstration_and_loads_once(sql):
    load_demo(sql)
    expected = (3, 3, 4, 5, 1, 5, 720, 6, 5, 1, 5)
    assert counts(sql) == expected
    assert sorted(r[0] for r in sql("SELECT unnest(roles)::text FROM core.users")) == [
        "instructor", "mechanic", "pilot", "pilot"]
    load_demo(sql)
    assert counts(sql) == expected


def test_demo_report_prints_the_statistics_as_the_readonly_role(sql, db_url, pg_bin):
    load_demo(sql)
    out = subprocess.run([str(pg_bin / "psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1", db_url,
                          "-f", str(ROOT / "sql" / "ops_demo_report.sql")],
                         capture_output=True, text=True, check=True).stdout
    for heading in ("Most active users", "Process success rate", "AI metrics by period", "Unresolved alerts"):
        assert f"== {heading}" in out
    assert "Rafael Lima" in out and "relatorio_vendas" in out and '"***"' in out
