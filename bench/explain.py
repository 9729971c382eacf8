#!/usr/bin/env python3
"""Where the time of the benchmark's missed targets goes, on a cluster kept by `bench.py --keep`.

    .venv/bin/python bench/bench.py --scale 0.1 --keep        # prints the kept cluster's URL
    .venv/bin/python bench/explain.py postgresql://...        # or: make bench-explain DATABASE_URL=...

It connects as the cluster's superuser (the kept cluster's URL) and, for each hot path, prints:
  1. single-message ingest: the per-trigger times EXPLAIN (ANALYZE) reports for one INSERT through
     api.messages as assistant_service (median of N, each committed), beside the bare table's, and
     the backend CPU (/proc/<pid>/stat, so the machine's other work does not count) of N inserts;
  2. the 10,000-row batch and the COPY loader: the same per-trigger times for one batch;
  3. search, heaviest user: for every benchmark term, the user's matches and the time of
     api.search_messages, then EXPLAIN (ANALYZE, BUFFERS) of its statement for the slowest term
     (auto_explain with nested statements, received as the session's log messages);
  4. retention: a day's partition dropped at 1x and 10x the rows, three times each in alternating
     order, the time of the call and of its COMMIT apart, and the partition's size;
  3b. search, typical users: api.search_messages beside the benchmark's ILIKE query, and the split of
     the search's time over its statements (normalisation, typo-fallback EXISTS, hits, headlines);
  5. the dashboard view that grows most with history: its EXPLAIN (ANALYZE, BUFFERS).
Everything it writes is rolled back or dropped, except the messages of step 1 and 2 (added to
the benchmark's conversations, as the benchmark's own ingest does).

Written by hand: EXPLAIN and auto_explain do the measuring; this only runs them the same way
every time and sums what they print.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time

import psycopg


def backend_cpu_s(pid: int) -> float:
    """utime + stime of a server process, in seconds (the server runs on this machine)."""
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def trigger_times(plan: dict) -> dict[str, float]:
    return {t["Trigger Name"]: t["Time"] for t in plan.get("Triggers", [])}


def explain_json(conn, stmt: str, params=None) -> dict:
    return conn.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + stmt, params).fetchone()[0][0]


def summarise(plans: list[dict], title: str) -> None:
    total = statistics.median(p["Execution Time"] for p in plans)
    names = sorted({n for p in plans for n in trigger_times(p)})
    print(f"\n{title}: median execution {total:.3f} ms over {len(plans)} statements")
    rows = [(n, statistics.median(trigger_times(p).get(n, 0.0) for p in plans)) for n in names]
    for n, t in sorted(rows, key=lambda r: -r[1]):
        print(f"  trigger {n:<48} {t:8.3f} ms  {100 * t / total if total else 0:5.1f}%")
    print(f"  everything else (plan node, constraints, indexes)      "
          f"{total - sum(t for _, t in rows):8.3f} ms")


def single_ingest(url: str, n: int) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        users = int(conn.execute("SELECT bench.param('users')").fetchone()[0])
        k_lo, k_hi = (int(conn.execute("SELECT bench.param(%s)", (x,)).fetchone()[0]) for x in ("k_lo", "k_hi"))
        pid = conn.execute("SELECT pg_backend_pid()").fetchone()[0]
        conn.execute("SET ROLE assistant_service")
        ins = ("INSERT INTO api.messages (user_id, conversation_id, role, content) "
               "SELECT bench.user_uuid(1 + (%(k)s - 1) %% %(users)s), bench.conv_uuid(%(k)s), t.message_role, t.content "
               "FROM bench.texts AS t WHERE t.id = %(t)s")
        bare = ("INSERT INTO bench.bare_messages (conversation_id, role, content) "
                "SELECT bench.conv_uuid(%(k)s), t.message_role::text, t.content FROM bench.texts AS t WHERE t.id = %(t)s")
        args = [{"k": k_lo + (i * 7919) % (k_hi - k_lo + 1), "users": users, "t": 1 + (i * 104729) % 20000} for i in range(n)]
        for name, stmt in (("schema (api.messages as assistant_service)", ins), ("bare table", bare)):
            summarise([explain_json(conn, stmt, a) for a in args], f"1. single-message INSERT, {name}")
            c0 = backend_cpu_s(pid)
            t0 = time.perf_counter()
            for a in args:
                conn.execute(stmt, a)
            print(f"  backend CPU {1e6 * (backend_cpu_s(pid) - c0) / n:.0f} us a statement, "
                  f"wall {1e6 * (time.perf_counter() - t0) / n:.0f} us (client round trip and commit included)")


def batch(url: str, rows: int) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        k_lo, k_hi = (int(conn.execute("SELECT bench.param(%s)", (x,)).fetchone()[0]) for x in ("k_lo", "k_hi"))
        users = int(conn.execute("SELECT bench.param('users')").fetchone()[0])
        pick = ("SELECT bench.user_uuid(1 + (k - 1) %% %(users)s) AS user_id, bench.conv_uuid(k) AS conversation_id, "
                "t.message_role AS role, t.content, now() - (g * interval '1 ms') AS created_at "
                "FROM generate_series(1, %(rows)s) AS g, LATERAL (SELECT %(k_lo)s + (g * 7919) %% (%(k_hi)s - %(k_lo)s + 1) AS k) AS kk "
                ", bench.texts AS t WHERE t.id = 1 + (g * 104729) %% 20000")
        a = {"users": users, "rows": rows, "k_lo": k_lo, "k_hi": k_hi}
        conn.execute("SET ROLE assistant_service")
        summarise([explain_json(conn, "INSERT INTO api.messages (user_id, conversation_id, role, content, created_at) " + pick, a)],
                  f"2. batch INSERT of {rows:,} rows through api.messages")
        conn.execute("RESET ROLE")
        if conn.execute("SELECT to_regprocedure('api.load_staged_messages(text)') IS NULL").fetchone()[0]:
            return
        # staged by the superuser (the loader cannot read schema bench); loaded below as the loader
        # staged_by named as the loader's own: a loader loads only the rows it staged
        conn.execute("INSERT INTO core.message_load_staging (load_id, staged_by, user_id, conversation_id, role, content, created_at) "
                     "SELECT 'explain', 'assistant_loader', user_id, conversation_id, role, content, created_at FROM (" + pick + ") s", a)
        # the loader's statements, as auto_explain sees them inside api.load_staged_messages
        logs: list[str] = []
        conn.add_notice_handler(lambda d: logs.append(d.message_primary or ""))
        conn.execute("LOAD 'auto_explain'")
        for s in ("auto_explain.log_min_duration = 0", "auto_explain.log_analyze = on", "auto_explain.log_nested_statements = on",
                  "auto_explain.log_format = json", "auto_explain.log_timing = on", "client_min_messages = log"):
            conn.execute("SET " + s)
        conn.execute("SET ROLE assistant_loader")
        t0 = time.perf_counter()
        got = conn.execute("SELECT loaded FROM api.load_staged_messages('explain')").fetchone()[0]
        wall = (time.perf_counter() - t0) * 1000
        conn.execute("RESET ROLE")
        conn.execute("SET client_min_messages = notice")
        plans = []
        for m in logs:
            if "{" in m:
                try:
                    plans.append(json.loads(m[m.index("{"):]))
                except ValueError:
                    pass
        print(f"\n2b. api.load_staged_messages('explain'): {got:,} rows in {wall:.0f} ms; its slowest statements:")
        for p in sorted(plans, key=lambda p: -p["Plan"].get("Actual Total Time", 0))[:3]:
            tt = trigger_times(p)
            q = " ".join(p.get("Query Text", "").split())[:90]
            print(f"  {p['Plan'].get('Actual Total Time', 0) + sum(tt.values()):9.1f} ms  {q}")
            for n, t in sorted(tt.items(), key=lambda r: -r[1]):
                print(f"      trigger {n:<44} {t:9.1f} ms")


def search(url: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        heavy = int(conn.execute("SELECT bench.param('heavy_user')").fetchone()[0])
        uid = conn.execute("SELECT bench.user_uuid(%s)", (heavy,)).fetchone()[0]
        total = conn.execute("SELECT count(*) FROM core.messages WHERE user_id = %s", (uid,)).fetchone()[0]
        print(f"\n3. search, heaviest user ({total:,} messages): matches and time of api.search_messages (best of 5)")
        worst = None
        for tid, query in conn.execute("SELECT id, query FROM bench.search_terms ORDER BY id").fetchall():
            matches = conn.execute("SELECT count(*) FROM core.messages WHERE user_id = %s "
                                   "AND search_vector @@ core.to_prefix_tsquery(core.to_search_tsquery(%s))",
                                   (uid, query)).fetchone()[0]
            best = None
            for _ in range(5):
                with conn.transaction():
                    conn.execute("SET LOCAL ROLE assistant_app")
                    conn.execute("SELECT api.act_as(%s)", (uid,))
                    t0 = time.perf_counter()
                    conn.execute("SELECT count(*) FROM api.search_messages(%s)", (query,)).fetchone()
                    ms = (time.perf_counter() - t0) * 1000
                best = ms if best is None else min(best, ms)
            print(f"  {query:<24} {matches:7,} matches  {best:7.2f} ms")
            if worst is None or best > worst[1]:
                worst = (query, best)
        logs: list[str] = []
        conn.add_notice_handler(lambda d: logs.append(d.message_primary or ""))
        conn.execute("LOAD 'auto_explain'")
        for s in ("auto_explain.log_min_duration = 0", "auto_explain.log_analyze = on", "auto_explain.log_buffers = on",
                  "auto_explain.log_nested_statements = on", "auto_explain.log_format = text", "client_min_messages = log"):
            conn.execute("SET " + s)
        with conn.transaction():
            conn.execute("SET LOCAL ROLE assistant_app")
            conn.execute("SELECT api.act_as(%s)", (uid,))
            logs.clear()
            conn.execute("SELECT count(*) FROM api.search_messages(%s)", (worst[0],)).fetchone()
        conn.execute("SET client_min_messages = notice")
        print(f"\n  EXPLAIN (ANALYZE, BUFFERS) inside api.search_messages({worst[0]!r}), slowest statement:")
        nested = [m for m in logs if "search_vector" in m] or logs
        slowest = max(nested, key=lambda m: float(m.split("duration: ")[1].split(" ms")[0]) if "duration: " in m else 0.0)
        for line in slowest.splitlines():
            print("    " + line)


def nested_durations(logs: list[str]) -> list[tuple[str, float]]:
    """(first words of the statement, ms) of each auto_explain message, nested ones included."""
    out = []
    for m in logs:
        if "duration: " not in m or "Query Text:" not in m:
            continue
        ms = float(m.split("duration: ")[1].split(" ms")[0])
        text = " ".join(m.split("Query Text:", 1)[1].split())
        out.append((text[:60], ms))
    return out


def search_typical(url: str, users: int, per_user: int = 3) -> None:
    """api.search_messages beside the benchmark's ILIKE query for typical users: the client-side time
    of each, and how the search's time splits over its statements (auto_explain durations without
    ANALYZE, so the split costs no instrumentation): the query's normalisation, the EXISTS that
    decides on the typo fallback, the ranked hits, the headlines of the page."""
    with psycopg.connect(url, autocommit=True) as conn:
        n_users = int(conn.execute("SELECT bench.param('users')").fetchone()[0])
        terms = conn.execute("SELECT id, query, pattern FROM bench.search_terms ORDER BY id").fetchall()
        step = max(1, n_users // users)
        picks = [1 + i * step for i in range(min(users, n_users))]
        fts_ms: list[float] = []
        ilike_ms: list[float] = []
        matches: list[int] = []
        parts: dict[str, list[float]] = {}
        logs: list[str] = []
        conn.add_notice_handler(lambda d: logs.append(d.message_primary or ""))
        conn.execute("LOAD 'auto_explain'")

        def timed(sql: str, params) -> float:
            best = None
            for _ in range(3):
                with conn.transaction():
                    conn.execute("SET LOCAL ROLE assistant_app")
                    conn.execute("SELECT api.act_as(bench.user_uuid(%s))", (u,))
                    t0 = time.perf_counter()
                    conn.execute(sql, params).fetchall()
                    ms = (time.perf_counter() - t0) * 1000
                best = ms if best is None else min(best, ms)
            return best

        for i, u in enumerate(picks):
            for tid, query, pattern in (terms[(i + j) % len(terms)] for j in range(per_user)):
                matches.append(conn.execute(
                    "SELECT count(*) FROM core.messages WHERE user_id = bench.user_uuid(%s) "
                    "AND search_vector @@ core.to_prefix_tsquery(core.to_search_tsquery(%s))", (u, query)).fetchone()[0])
                fts_ms.append(timed("SELECT * FROM api.search_messages(%s)", (query,)))
                ilike_ms.append(timed("SELECT m.id, m.conversation_id, m.created_at, m.role, m.content FROM api.messages AS m "
                                      "WHERE m.content ILIKE %s ORDER BY m.created_at DESC LIMIT 20", (pattern,)))
                for s in ("auto_explain.log_min_duration = 0", "auto_explain.log_analyze = off",
                          "auto_explain.log_nested_statements = on", "client_min_messages = log"):
                    conn.execute("SET " + s)
                with conn.transaction():
                    conn.execute("SET LOCAL ROLE assistant_app")
                    conn.execute("SELECT api.act_as(bench.user_uuid(%s))", (u,))
                    logs.clear()
                    conn.execute("SELECT * FROM api.search_messages(%s)", (query,)).fetchall()
                conn.execute("SET client_min_messages = notice")
                conn.execute("SET auto_explain.log_min_duration = -1")
                for text, ms in nested_durations(logs):
                    parts.setdefault(text, []).append(ms)
        print(f"\n3b. search, typical users ({len(picks)} users, {per_user} terms each, best of 3 per call): "
              f"median matches {statistics.median(matches):.0f}")
        print(f"  api.search_messages  p50 {statistics.median(fts_ms):7.2f} ms")
        print(f"  ILIKE, newest 20     p50 {statistics.median(ilike_ms):7.2f} ms")
        print("  the search's statements (auto_explain, no ANALYZE), median ms per call:")
        for text, v in sorted(parts.items(), key=lambda kv: -statistics.median(kv[1])):
            print(f"    {statistics.median(v):7.3f} ms  x{len(v):<4} {text}")


def retention(url: str, n: int) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        if conn.execute("SELECT to_regprocedure('bench.load_logs(timestamptz, integer)') IS NULL").fetchone()[0]:
            return
        print(f"\n4. retention: one day of ops.system_logs past retention dropped by maint.apply_retention, "
              f"1x = {n:,} rows, 10x = {10 * n:,}")
        out: dict[str, list[tuple[float, float]]] = {"1x": [], "10x": []}
        sizes: dict[str, int] = {}
        for r in range(3):
            for label in (("10x", "1x") if r % 2 == 0 else ("1x", "10x")):
                rows = n * (10 if label == "10x" else 1)
                conn.execute("SELECT bench.load_logs(date_trunc('day', now()) - interval '60 days', %s)", (rows,))
                conn.execute("VACUUM (ANALYZE) ops.system_logs")
                conn.execute("CHECKPOINT")
                size = conn.execute("SELECT sum(pg_total_relation_size(e)) FROM maint.expired_partitions('ops.system_logs'::regclass) AS e").fetchone()[0]
                sizes[label] = int(size or 0)
                conn.execute("BEGIN")
                t0 = time.perf_counter()
                done = conn.execute("SELECT action FROM maint.apply_retention('ops.system_logs'::regclass)").fetchall()
                t1 = time.perf_counter()
                conn.execute("COMMIT")
                t2 = time.perf_counter()
                if len(done) != 1:
                    raise RuntimeError(f"apply_retention did not drop exactly one day: {done}")
                out[label].append(((t1 - t0) * 1000, (t2 - t1) * 1000))
        for label, v in out.items():
            print(f"  {label:>4}: call " + ", ".join(f"{a:.1f}" for a, _ in v) + " ms; COMMIT " +
                  ", ".join(f"{b:.1f}" for _, b in v) + f" ms; median total {statistics.median(a + b for a, b in v):.1f} ms; the partition {sizes[label] / 2**20:,.0f} MiB")
        m10 = statistics.median(a + b for a, b in out["10x"])
        m1 = statistics.median(a + b for a, b in out["1x"])
        print(f"  10x / 1x (medians of 3, alternating order): {m10 / m1:.2f}x")


def dashboard(url: str, view: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        if conn.execute("SELECT to_regclass(%s) IS NULL", (view,)).fetchone()[0]:
            return
        logs: list[str] = []
        conn.add_notice_handler(lambda d: logs.append(d.message_primary or ""))
        conn.execute("LOAD 'auto_explain'")
        conn.execute("SET ROLE assistant_readonly")
        conn.execute(f"SELECT * FROM {view}").fetchall()  # warm
        for s in ("auto_explain.log_min_duration = 0", "auto_explain.log_analyze = on", "auto_explain.log_buffers = on",
                  "auto_explain.log_nested_statements = on", "auto_explain.log_format = text", "client_min_messages = log"):
            conn.execute("RESET ROLE")
            conn.execute("SET " + s)
        conn.execute("SET ROLE assistant_readonly")
        logs.clear()
        conn.execute(f"SELECT * FROM {view}").fetchall()
        conn.execute("RESET ROLE")
        conn.execute("SET client_min_messages = notice")
        print(f"\n5. dashboard view {view} as assistant_readonly: EXPLAIN (ANALYZE, BUFFERS) of its statements (auto_explain)")
        for m in logs:
            for line in m.splitlines():
                print("    " + line)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("url", help="the kept benchmark cluster's URL (bench.py --keep prints it)")
    p.add_argument("--statements", type=int, default=300, help="single INSERTs measured per path (default 300)")
    p.add_argument("--rows", type=int, default=10000, help="rows of the batch and of the load (default 10,000)")
    p.add_argument("--log-rows", type=int, default=0, help="rows of a 1x day for retention (default: the benchmark's)")
    p.add_argument("--typical-users", type=int, default=20, help="typical users searched in 3b (default 20)")
    a = p.parse_args()
    try:
        with psycopg.connect(a.url) as c:
            print(c.execute("SELECT version()").fetchone()[0])
            logs_per_day = int(c.execute("SELECT coalesce(bench.param('logs_per_day'), '0')").fetchone()[0])
        single_ingest(a.url, a.statements)
        batch(a.url, a.rows)
        search(a.url)
        search_typical(a.url, a.typical_users)
        retention(a.url, a.log_rows or logs_per_day)
        dashboard(a.url, "api.latency_by_source_24h")
    except psycopg.Error as e:
        print(f"bench/explain.py: {e.sqlstate or ''} {str(e).strip()}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
