#!/usr/bin/env python3
"""assistant-db benchmark: the hot paths of the schema beside baselines measured in the same run.

    make bench                      # default scale: ~1M messages, 10k conversations, 1k users
    make bench SCALE=0.1            # a tenth of it
    .venv/bin/python bench/bench.py --messages 5000000 --duration 30

What it does, on a private cluster started for the run (the project's postgresql.conf, the
machine's PostgreSQL or PG_BIN/PG), into a database migrated by runner.py:

1. loads the newest tenth of a synthetic history (Portuguese messages, see bench/sql/), the same
   rows into the schema (core.messages, through its triggers), into a bare table (the physical
   limit) and into the chat-history table of langchain-postgres (the peer);
2. measures what must not grow with history (latest page, dashboards) at that tenth;
3. loads the other nine tenths (older history), measures the same again, then search, ingest
   (one message per transaction with pgbench, 10,000-row multi-row INSERT batches, and the same
   batches by COPY into the loader's staging table + api.load_staged_messages) and retention;
   the latest page is measured after a restart of the server at both sizes, so that the ratio
   compares history sizes, not what the load left in shared buffers;
4. prints a table of every figure beside its baselines, the ratios and the targets, and writes
   the same as JSON (bench/out/results.json) and Markdown (bench/out/results.md).

Latencies come from pgbench's per-transaction logs (-l): no Python between the client and the
server. Every figure is a ratio of two measurements of this run on this machine.
"""
from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402

import runner  # noqa: E402
from assistant_db.throwaway import throwaway_database  # noqa: E402

PGBENCH = BENCH / "pgbench"
SQL = BENCH / "sql"

# the targets of the issue, each a ratio measured in one run
TARGETS = {
    "single_ingest": ("schema / bare throughput", ">=", 0.6),
    "single_ingest_vs_peer": ("schema / peer (GIN + exact count + RLS) throughput", ">=", 1.0),
    "single_ingest_app": ("as the app (api.messages, RLS) / bare throughput", ">=", 0.55),
    "busy_conversation": ("16 writers on one conversation / on 16 conversations", ">=", 0.5),
    "batch_ingest": ("schema / (bare + tsvector) time", "<=", 1.4),
    "bulk_load": ("COPY + api.load_staged_messages / multi-row INSERT, rows/s", ">=", 3.0),
    "latest_page_flat": ("p95 whole / p95 tenth, each after a restart", "<=", 1.2),
    "latest_page_vs_peer": ("schema / peer p95 (1,000-message conversation)", "<", 1.0),
    "search": ("ILIKE / full-text time (median), typical user", ">", 1.0),
    "search_heaviest": ("ILIKE / full-text time (median), heaviest user", ">=", 5.0),
    "search_heaviest_p95_ms": ("heaviest user full-text p95, ms (default scale)", "<=", 15.0),
    "retention_shape": ("partition drop time, 10x rows / 1x rows", "<=", 1.5),
    "dashboards": ("worst view: whole / tenth time", "<=", 1.5),
}


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def pct(values: list[float], p: float) -> float:
    """p-th percentile (nearest rank) of values."""
    if not values:
        return float("nan")
    v = sorted(values)
    return v[min(len(v) - 1, max(0, int(round(p / 100.0 * len(v) + 0.5)) - 1))]


def scale_of(args, conversations: int) -> float:
    return conversations / 10000.0


# pgbench logs each transaction's latency in whole microseconds, so a percentile of 0.0 ms is a
# measurement (the calls took less than one microsecond tick), not a missing figure
PGBENCH_RESOLUTION_MS = 0.001
# time.perf_counter's tick, for the timings the script takes itself (batch ingest, retention)
CLOCK_RESOLUTION_MS = time.get_clock_info("perf_counter").resolution * 1000.0


def ratio(a: float | None, b: float | None, resolution: float | None = None) -> float | None:
    """a / b, rounded; None only when a figure is missing (or b is 0 with no resolution given).

    With the timer's resolution, a timing below it (0 included) counts as one tick: the ratio is
    then a bound (the true one is at most, or at least, that), and stays a number rather than
    becoming None: a timing of 0 is valid. Callers flag such figures (below_resolution)."""
    if a is None or b is None:
        return None
    if resolution:
        a, b = max(a, resolution), max(b, resolution)
    if not b:
        return None
    return round(a / b, 3)


class Bench:
    def __init__(self, args):
        self.args = args
        self.results: dict = {"sections": {}, "targets": []}
        self.tmp: Path | None = None
        self.cluster: runner.LocalCluster | None = None
        self.work = Path(args.workdir) if args.workdir else None

    # ---- cluster -------------------------------------------------------------------------------
    def start(self) -> None:
        """A private server (the project's postgresql.conf, fsync on: ingest is measured) with a
        database migrated by runner.py and the default seeds, in a temporary directory."""
        bindir = runner.find_pg_bin()
        log(f"private cluster (PostgreSQL {runner.pg_major(bindir)}, {bindir}): starting and migrating")
        self._stack = contextlib.ExitStack()
        db = self._stack.enter_context(throwaway_database(
            "bench", seeds=True, durable=True, extra_options=self.args.pg_options or "",
            base=os.environ.get("BENCH_TMPDIR") or None, prefix="assistant-db-bench-", keep=self.args.keep,
            statement_timeout="0"))
        self.cluster = db.cluster
        self.tmp = db.root
        log(f"private cluster in {self.cluster.root}, port {self.cluster.port}")
        try:
            self.work = self.work or (self.tmp / "work")
            self.work.mkdir(parents=True, exist_ok=True)
            os.chmod(self.work, 0o777)
            self.url = db.socket_url()
            self.env = dict(os.environ, PGHOST=str(self.cluster.socket_dir), PGPORT=str(self.cluster.port),
                            PGUSER="postgres", PGDATABASE="bench")
            self.env.pop("PGOPTIONS", None)
            self.conn = psycopg.connect(self.url, autocommit=True)
        except BaseException:
            self._stack.close()
            raise

    def stop(self) -> None:
        if self.cluster is None:
            return
        try:
            self.conn.close()
        except Exception:
            pass
        self._stack.close()  # stops the server and removes its directory, unless --keep
        if self.args.keep:
            log(f"kept the cluster running: {self.url}")

    def restart(self, why: str) -> None:
        """Stop and start the server: shared buffers hold nothing the load left behind, so the
        measurement that follows starts from the same cache state at every history size."""
        t0 = time.perf_counter()
        self.q("CHECKPOINT")
        self.conn.close()
        with open(os.devnull, "w") as devnull:
            self.cluster.stop(out=devnull)
            self.cluster.start(out=devnull)
        self.conn = psycopg.connect(self.url, autocommit=True)
        log(f"restarted the server before the {why} ({time.perf_counter() - t0:.1f}s)")

    # ---- helpers -------------------------------------------------------------------------------
    def q(self, sql: str, params=None):
        cur = self.conn.execute(sql, params)
        return cur.fetchall() if cur.description else None

    def q1(self, sql: str, params=None):
        rows = self.q(sql, params)
        return rows[0][0] if rows else None

    def run_sql_file(self, path: Path) -> None:
        self.conn.execute(path.read_text(encoding="utf-8"))

    def timed(self, sql: str, params=None, conn=None) -> float:
        conn = conn or self.conn
        t0 = time.perf_counter()
        cur = conn.execute(sql, params)
        if cur.description:
            cur.fetchall()
        return time.perf_counter() - t0

    def pgbench(self, script, *, clients: int = 1, duration: float, role: str, defines: dict,
                latencies: bool = False) -> dict:
        """One pgbench run: tps, and per-transaction latencies (ms) from its log when asked."""
        path = script if isinstance(script, Path) else PGBENCH / f"{script}.sql"
        logdir = self.work / f"pgbench-{path.stem}-{time.time_ns()}"
        logdir.mkdir()
        os.chmod(logdir, 0o777)
        cmd = [str(self.cluster.bin / "pgbench"), "-n", "-M", "prepared", "-c", str(clients),
               "-j", str(min(clients, self.args.threads)),
               *(["-t", str(self.args.transactions)] if self.args.transactions else
                 ["-T", str(max(1, int(round(duration))))]),
               "-f", str(path)]
        for k, v in defines.items():
            cmd += ["-D", f"{k}={v}"]
        if latencies:
            cmd += ["-l", f"--log-prefix={logdir / 'tx'}"]
        env = dict(self.env, PGOPTIONS=f"-c role={role}")
        proc = subprocess.run(cmd, cwd=logdir, env=env, capture_output=True, text=True)
        if proc.returncode != 0:
            raise RuntimeError(f"pgbench {script} failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
        m = re.search(r"tps = ([\d.]+) \((?:without initial connection time|excluding connections establishing)",
                      proc.stdout)
        failed = re.search(r"number of failed transactions: (\d+)", proc.stdout)
        res = {"tps": float(m.group(1)) if m else None,
               "transactions": int(re.search(r"number of transactions actually processed: (\d+)", proc.stdout).group(1)),
               "failed": int(failed.group(1)) if failed else 0}
        if latencies:
            lat = []
            for f in logdir.glob("tx*"):
                for line in f.read_text().splitlines():
                    parts = line.split()
                    if len(parts) >= 3 and parts[2].isdigit():
                        lat.append(int(parts[2]) / 1000.0)
            res["p50_ms"] = round(pct(lat, 50), 4)
            res["p95_ms"] = round(pct(lat, 95), 4)
            res["mean_ms"] = round(statistics.fmean(lat), 4) if lat else None
            res["samples"] = len(lat)
        shutil.rmtree(logdir, ignore_errors=True)
        return res

    def latency(self, script, *, role: str, defines: dict, duration: float | None = None) -> dict:
        """Per-call latency of a script, one client: a warm-up, then `rounds` short pgbench runs,
        the best kept.

        The best round (lowest p50, lowest p95) is the cost of the work itself; the other rounds
        carry what else the machine was doing. Every round is kept in the results."""
        total = duration if duration is not None else self.args.duration
        n = max(1, self.args.rounds)
        # warm-up, discarded: the pages the workload reads come back into shared buffers (loading
        # the older history evicted them), as in a server whose recent conversations are in use
        if not self.args.smoke:
            self.pgbench(script, duration=max(1.0, total / n / 2), role=role, defines=defines)
        runs = [self.pgbench(script, duration=max(1.0, total / n), role=role, defines=defines, latencies=True)
                for _ in range(n)]
        return {"p50_ms": min(r["p50_ms"] for r in runs), "p95_ms": min(r["p95_ms"] for r in runs),
                "samples": sum(r["samples"] for r in runs),
                "rounds": [{k: r[k] for k in ("p50_ms", "p95_ms", "mean_ms", "samples")} for r in runs]}

    # ---- data set ------------------------------------------------------------------------------
    def plan(self) -> None:
        a = self.args
        if a.messages:
            conversations = max(20, int(round(a.messages / 104.5)))
        else:
            conversations = max(20, int(round(10000 * a.scale)))
        users = max(2, conversations // 10)
        long_step = min(200, conversations)
        t_end = dt.datetime.now(dt.timezone.utc).replace(microsecond=0) - dt.timedelta(minutes=10)
        self.p = {
            "users": users, "conversations": conversations, "history_days": a.history_days,
            "long_step": long_step, "n_long": conversations // long_step,
            "t_end": t_end.isoformat(),
            # the newest tenth: conversations k_lo..k_hi (k orders conversations by last message)
            "k_lo": conversations - conversations // 10 + 1, "k_hi": conversations,
        }
        # operations volumes a day (API metrics are kept 90 days, system logs 30)
        self.p["exec_per_day"] = max(24, int(round(2000 * scale_of(a, conversations))))
        self.p["api_per_day"] = max(24, int(round(10000 * scale_of(a, conversations))))
        self.p["logs_per_day"] = max(1000, int(round(a.logs_per_day * scale_of(a, conversations))))
        # the heaviest user (issue 17): user users + 1, with a.heavy_messages messages (100,000 by
        # default, at every scale) in conversations of 1,000; the newest tenth of them is loaded
        # with the newest tenth of the history. Without it (0), the owner of the most 1,000-message
        # conversations, as before.
        size = min(1000, a.heavy_messages) if a.heavy_messages > 0 else 0
        self.p["heavy_conversation_size"] = size
        self.p["heavy_conversations"] = a.heavy_messages // size if size else 0
        self.p["heavy_split"] = self.p["heavy_conversations"] - self.p["heavy_conversations"] // 10
        if self.p["heavy_conversations"]:
            self.p["heavy_user"] = users + 1
        else:
            owners: dict[int, int] = {}
            for j in range(1, self.p["n_long"] + 1):
                u = 1 + (j * long_step - 1) % users
                owners[u] = owners.get(u, 0) + 1
            self.p["heavy_user"] = max(owners, key=owners.get)

    def setup_schema(self) -> None:
        self.q("CREATE SCHEMA bench")
        self.run_sql_file(SQL / "corpus.sql")
        self.run_sql_file(SQL / "setup.sql")
        self.has_ops = self.q1("SELECT to_regclass('ops.process_executions') IS NOT NULL "
                               "AND to_regclass('ops.system_logs') IS NOT NULL")
        if self.has_ops:
            self.run_sql_file(SQL / "ops.sql")
        with self.conn.transaction():
            for k, v in self.p.items():
                self.q("INSERT INTO bench.params (name, value) VALUES (%s, %s)", (k, str(v)))

    def create_history_partitions(self, since: dt.datetime) -> None:
        """The partitions a system running since `since` has: maintenance made them as time went."""
        self.q("""
            SELECT count(*) FROM (
              SELECT maint.create_partition('core.messages'::regclass, g)
                FROM generate_series(date_trunc('month', %s::timestamptz), now(), interval '1 month') AS g) s""",
               (since,))

    def load(self, lo: int, hi: int, newest: bool) -> int:
        """Conversations lo..hi and their messages, into the schema and both baselines; with the
        newest (or the older) part of the heaviest user's conversations."""
        t0 = time.perf_counter()
        self.q("TRUNCATE bench.src")
        n = self.q1("SELECT bench.generate_messages(%s, %s)", (lo, hi))
        split = self.p["heavy_split"]
        n += self.q1("SELECT bench.generate_heavy_messages(%s, %s)",
                     (split + 1, self.p["heavy_conversations"]) if newest else (1, split))
        since = self.q1("SELECT min(created_at) FROM bench.src")
        self.create_history_partitions(since)
        self.q("SET synchronous_commit = off")
        self.q("SET maintenance_work_mem = '256MB'")
        # conversations first (the messages' foreign key), as apps create them
        self.q("""
            INSERT INTO core.conversations (user_id, id, name, started_at, created_at)
            SELECT s.user_id, s.conversation_id, 'Conversa ' || s.k, min(s.created_at), min(s.created_at)
              FROM bench.src AS s GROUP BY s.k, s.user_id, s.conversation_id ORDER BY s.k""")
        # in the order time wrote them: heap order is arrival order, as in production
        self.q("""
            INSERT INTO core.messages (user_id, conversation_id, created_at, role, content, agent, intent, confidence,
                                       latency_ms)
            SELECT user_id, conversation_id, created_at, role::api.message_role, content, agent, intent, confidence,
                   latency_ms
              FROM bench.src ORDER BY created_at""")
        self.q("""
            INSERT INTO bench.bare_messages (conversation_id, role, content, created_at)
            SELECT conversation_id, role, content, created_at FROM bench.src ORDER BY created_at""")
        self.q("""
            INSERT INTO bench.peer_messages (session_id, message, created_at)
            SELECT conversation_id, bench.peer_message(role, content), created_at FROM bench.src ORDER BY created_at""")
        self.q("RESET synchronous_commit")
        # steady state: autovacuum has visited (visibility map, GIN pending lists, statistics)
        for t in ("core.messages", "core.conversations", "core.users", "bench.bare_messages", "bench.peer_messages"):
            self.q(f"VACUUM (ANALYZE) {t}")
        self.q("CHECKPOINT")
        log(f"loaded conversations {lo}..{hi}: {n} messages in {time.perf_counter() - t0:.1f}s")
        return n

    def load_ops(self, tag: str, newest: bool) -> None:
        """The operations history of the newest tenth (newest=True) or of the nine older tenths."""
        if not self.has_ops:
            return
        t0 = time.perf_counter()
        h = self.p["history_days"]
        span = ("now() - %s * interval '1 day'", "now()") if newest else \
            ("now() - %s * interval '1 day'", "now() - %s * interval '1 day'")
        args = (h / 10.0,) if newest else (h, h / 10.0)
        n = self.q1(f"""SELECT bench.load_ops(%s, {span[0]}, {span[1]}, %s, %s, now() - interval '90 days')""",
                    (tag, *args, self.p["exec_per_day"], self.p["api_per_day"]))
        for t in ("ops.process_executions", "ops.api_metrics", "ops.alerts", "ops.tool_usage_hourly", "ops.ai_metrics"):
            self.q(f"VACUUM (ANALYZE) {t}")
        log(f"loaded operations history ({'newest tenth' if newest else 'older nine tenths'}): {n} executions "
            f"in {time.perf_counter() - t0:.1f}s")

    # the operators' views: over operations data, and over the conversations (activity)
    DASHBOARD_VIEWS = ("active_processes", "process_success_rate_24h", "endpoint_response_times_1h",
                       "unresolved_alerts", "unresolved_alerts_by_severity", "tool_usage_7d", "ai_metrics_by_period",
                       "most_active_users_7d", "common_intents_30d", "latency_by_source_24h", "conversations_per_day",
                       "daily_active_users")

    def dashboards(self, phase: str) -> dict:
        out = {}
        for v in self.DASHBOARD_VIEWS:
            if not self.q1("SELECT to_regclass(%s) IS NOT NULL", (f"api.{v}",)):
                continue
            script = self.work / f"view_{v}.sql"
            script.write_text(f"-- dashboard view api.{v}, as an operator's dashboard reads it\nSELECT * FROM api.{v};\n")
            r = self.latency(script, role="assistant_readonly", defines={}, duration=self.args.duration / 2)
            out[v] = r
        log(f"dashboards ({phase}): " + ", ".join(f"{v} {r['p50_ms']} ms" for v, r in out.items()))
        return out

    def retention(self) -> dict:
        """One day of system logs: DELETE of its rows vs maint.apply_retention dropping its partition.

        Each round loads two days of the same size: one inside the 30-day retention, whose rows
        are DELETEd, and one past it, whose partition maint.apply_retention drops (the only one
        due, so the call drops exactly one day)."""
        if not self.has_ops:
            return {}
        n = self.p["logs_per_day"]
        rounds = []
        for r in range(max(1, min(3, self.args.rounds))):
            keep_day = f"date_trunc('day', now()) - interval '{2 + r} days'"
            old_day = f"date_trunc('day', now()) - interval '{40 + r} days'"
            self.q(f"SELECT bench.load_logs({keep_day}, %s)", (n,))
            self.q(f"SELECT bench.load_logs({old_day}, %s)", (n,))
            self.q("VACUUM (ANALYZE) ops.system_logs")
            rows = self.q1(f"SELECT count(*) FROM ops.system_logs WHERE logged_at >= {old_day} AND logged_at < {old_day} + interval '1 day'")
            self.q("CHECKPOINT")
            t_delete = self.timed(f"DELETE FROM ops.system_logs WHERE logged_at >= {keep_day} AND logged_at < {keep_day} + interval '1 day'")
            t_vacuum = self.timed("VACUUM ops.system_logs")
            self.q("CHECKPOINT")
            t0 = time.perf_counter()
            done = self.q("SELECT action, partition FROM maint.apply_retention('ops.system_logs'::regclass)")
            t_drop = time.perf_counter() - t0
            left = self.q1(f"SELECT count(*) FROM ops.system_logs WHERE logged_at >= {old_day} AND logged_at < {old_day} + interval '1 day'")
            if left or len(done) != 1:
                raise RuntimeError(f"apply_retention did not drop exactly the expired day ({left} rows left): {done}")
            rounds.append({"rows": rows, "delete_ms": round(t_delete * 1000, 2), "vacuum_after_delete_ms": round(t_vacuum * 1000, 2),
                           "drop_ms": round(t_drop * 1000, 2), "retention_actions": [list(x) for x in done]})
        med = {k: statistics.median(x[k] for x in rounds) for k in ("delete_ms", "vacuum_after_delete_ms", "drop_ms")}
        res = {"rows": rounds[0]["rows"], **{k: round(v, 2) for k, v in med.items()}, "rounds": rounds,
               "ratio_delete_vs_drop": ratio(med["delete_ms"], med["drop_ms"], CLOCK_RESOLUTION_MS),
               "ratio_delete_and_vacuum_vs_drop": ratio(med["delete_ms"] + med["vacuum_after_delete_ms"], med["drop_ms"], CLOCK_RESOLUTION_MS),
               # DELETE costs per row, a drop per partition: the day's size at which DELETE takes 100x the drop
               "rows_per_day_for_100x": int(100 * med["drop_ms"] / (med["delete_ms"] / rounds[0]["rows"]))
               if med["delete_ms"] and rounds[0]["rows"] else None}
        # the drop's cost must not follow the rows: a day of 10n rows past retention, dropped, then a
        # day of n rows, dropped (one due day a call, so each call drops exactly that day)
        drops = {}
        for label, rows_of_day in (("10x", 10 * n), ("1x", n)):
            self.q("SELECT bench.load_logs(date_trunc('day', now()) - interval '60 days', %s)", (rows_of_day,))
            self.q("VACUUM (ANALYZE) ops.system_logs")
            self.q("CHECKPOINT")
            t0 = time.perf_counter()
            done = self.q("SELECT action, partition FROM maint.apply_retention('ops.system_logs'::regclass)")
            drops[label] = round((time.perf_counter() - t0) * 1000, 2)
            if len(done) != 1:
                raise RuntimeError(f"apply_retention did not drop exactly one day: {done}")
        res.update({"rows_10x": 10 * n, "drop_1x_ms": drops["1x"], "drop_10x_ms": drops["10x"],
                    "ratio_drop_10x_vs_1x": ratio(drops["10x"], drops["1x"], CLOCK_RESOLUTION_MS)})
        log(f"retention, {res['rows']} rows: DELETE {res['delete_ms']} ms (+ VACUUM {res['vacuum_after_delete_ms']} ms), "
            f"partition drop {res['drop_ms']} ms (medians of {len(rounds)}); drop of {10 * n} rows {drops['10x']} ms")
        return res

    def users_insert(self) -> None:
        self.q("""
            INSERT INTO core.users (id, name, email, created_at)
            SELECT bench.user_uuid(u), 'Usuário ' || u, 'usuario' || u || '@escola.example',
                   bench.param('t_end')::timestamptz - bench.param('history_days')::int * interval '1 day'
              FROM generate_series(1, bench.param('users')::int + (bench.param('heavy_conversations')::int > 0)::int) AS u""")

    # ---- measurements --------------------------------------------------------------------------
    def latest_page(self, phase: str) -> dict:
        r = self.latency("page_schema", role="assistant_app",
                         defines={"k_lo": self.p["k_lo"], "k_hi": self.p["k_hi"], "users": self.p["users"]})
        log(f"latest page ({phase}): p50 {r['p50_ms']} ms, p95 {r['p95_ms']} ms, {r['samples']} calls")
        return r

    def page_vs_peer(self) -> dict:
        defs = {"long_step": self.p["long_step"], "n_long": self.p["n_long"], "users": self.p["users"]}
        schema = self.latency("page_schema_long", role="assistant_app", defines=defs)
        peer = self.latency("page_peer_long", role="assistant_service", defines=defs)
        log(f"1,000-message conversation: schema page p95 {schema['p95_ms']} ms, peer p95 {peer['p95_ms']} ms")
        return {"schema": schema, "peer": peer}

    def search(self) -> dict:
        out = {}
        n_terms = self.q1("SELECT count(*) FROM bench.search_terms")
        for who, lo, hi in (("typical_user", 1, self.p["users"]),
                            ("heaviest_user", self.p["heavy_user"], self.p["heavy_user"])):
            defs = {"u_lo": lo, "u_hi": hi, "n_terms": n_terms}
            fts = self.latency("search_fts", role="assistant_app", defines=defs)
            ilike = self.latency("search_ilike", role="assistant_app", defines=defs)
            prefix = self.latency("search_prefix", role="assistant_app", defines=defs)
            typo = self.latency("search_typo", role="assistant_app", defines=defs)
            rows = self.q1("SELECT count(*) FROM core.messages WHERE user_id = bench.user_uuid(%s)",
                           (self.p["heavy_user"],)) if who == "heaviest_user" else \
                self.q1("SELECT round(count(*)::numeric / %s) FROM core.messages WHERE user_id <> bench.user_uuid(%s)",
                        (self.p["users"], self.p["heavy_user"]))
            out[who] = {"messages_of_user": int(rows), "fts": fts, "ilike": ilike, "prefix": prefix, "typo": typo,
                        "ratio_p50": ratio(ilike["p50_ms"], fts["p50_ms"], PGBENCH_RESOLUTION_MS),
                        "ratio_p95": ratio(ilike["p95_ms"], fts["p95_ms"], PGBENCH_RESOLUTION_MS)}
            log(f"search ({who}, {rows} messages): full-text p50 {fts['p50_ms']} ms, ILIKE p50 {ilike['p50_ms']} ms, "
                f"prefix p50 {prefix['p50_ms']} ms, typo p50 {typo['p50_ms']} ms")
        return out

    def single_ingest(self) -> dict:
        a = self.args
        defs = {"k_lo": self.p["k_lo"], "k_hi": self.p["k_hi"], "users": self.p["users"]}
        runs: dict[str, list[float]] = {"bare": [], "peer": [], "schema": [], "schema_app": []}
        roles = {"bare": "assistant_service", "peer": "assistant_service", "schema": "assistant_service",
                 "schema_app": "assistant_app"}
        scripts = {"bare": "ingest_bare", "peer": "ingest_peer", "schema": "ingest_schema", "schema_app": "ingest_app"}
        for rnd in range(a.rounds):
            order = list(runs) if rnd % 2 == 0 else list(reversed(runs))
            for name in order:
                self.q("CHECKPOINT")
                r = self.pgbench(scripts[name], clients=a.clients, duration=a.duration, role=roles[name], defines=defs)
                if r["failed"]:
                    raise RuntimeError(f"{name}: {r['failed']} failed transactions")
                runs[name].append(r["tps"])
        res = {name: {"tps_runs": v, "tps": round(statistics.median(v), 1)} for name, v in runs.items()}
        res["clients"] = a.clients
        res["ratio_schema_vs_bare"] = ratio(res["schema"]["tps"], res["bare"]["tps"])
        res["ratio_schema_app_vs_bare"] = ratio(res["schema_app"]["tps"], res["bare"]["tps"])
        res["ratio_schema_vs_peer"] = ratio(res["schema"]["tps"], res["peer"]["tps"])
        log("single ingest tps: " + ", ".join(f"{n} {res[n]['tps']}" for n in runs))
        return res

    def busy_conversation(self) -> dict:
        """16 app writers into one conversation vs 16 writers into 16 conversations (one each),
        alternating the order over the rounds; throughput (tps) of each, and their ratio."""
        a = self.args
        clients = 16
        base = 1
        if self.p["conversations"] < clients:
            return {}
        runs: dict[str, list[float]] = {"one": [], "spread": []}
        for rnd in range(a.rounds):
            for name in (["one", "spread"] if rnd % 2 == 0 else ["spread", "one"]):
                self.q("CHECKPOINT")
                r = self.pgbench("ingest_busy", clients=clients, duration=a.duration, role="assistant_app",
                                 defines={"k_base": base, "spread": 1 if name == "one" else clients,
                                          "users": self.p["users"]})
                if r["failed"]:
                    raise RuntimeError(f"busy conversation ({name}): {r['failed']} failed transactions")
                runs[name].append(r["tps"])
        res = {name: {"tps_runs": v, "tps": round(statistics.median(v), 1)} for name, v in runs.items()}
        res["clients"] = clients
        res["ratio_one_vs_spread"] = ratio(res["one"]["tps"], res["spread"]["tps"])
        log(f"busy conversation, {clients} writers: one conversation {res['one']['tps']} tps, "
            f"{clients} conversations {res['spread']['tps']} tps")
        return res

    def batch_rows(self, batch: int, seed: int) -> dict[str, list]:
        """One batch of `batch` messages over 100 recent conversations, as column arrays."""
        rnd = random.Random(seed)
        texts = self.texts
        now = dt.datetime.now(dt.timezone.utc)
        convs = [rnd.randint(self.p["k_lo"], self.p["k_hi"]) for _ in range(100)]
        cols: dict[str, list] = {"user_id": [], "conversation_id": [], "role": [], "content": [], "created_at": [],
                                 "peer": []}
        for i in range(batch):
            k = convs[i % len(convs)]
            u = 1 + (k - 1) % self.p["users"]
            role, content = texts[rnd.randrange(len(texts))]
            cols["user_id"].append(self.user_ids[u])
            cols["conversation_id"].append(self.conv_id(k))
            cols["role"].append(role)
            cols["content"].append(content)
            cols["created_at"].append(now - dt.timedelta(milliseconds=batch - i))
            kind = "human" if role == "user" else "ai"
            cols["peer"].append(json.dumps({"type": kind, "data": {
                "content": content, "additional_kwargs": {}, "response_metadata": {}, "type": kind,
                "name": None, "id": None, "example": False}}, ensure_ascii=False))
        return cols

    def conv_id(self, k: int) -> str:
        return self.conv_ids.setdefault(k, self.q1("SELECT bench.conv_uuid(%s)::text", (k,)))

    def batch_ingest(self) -> dict:
        a = self.args
        self.texts = self.q("SELECT role, content FROM bench.texts ORDER BY id")
        self.user_ids = dict(self.q("SELECT u, bench.user_uuid(u)::text FROM generate_series(1, %s) AS u",
                                    (self.p["users"],)))
        self.conv_ids = {}
        # the schema's own tsvector expression: the irreducible work of its full-text search
        tsv = self.q1("""
            SELECT pg_get_expr(d.adbin, d.adrelid) FROM pg_attrdef d
              JOIN pg_attribute a ON a.attrelid = d.adrelid AND a.attnum = d.adnum
             WHERE d.adrelid = 'core.messages'::regclass AND a.attname = 'search_vector'""") \
            or ("core.to_search_vector(content)" if self.q1("SELECT to_regprocedure('core.to_search_vector(text)') IS NOT NULL")
                else "to_tsvector('core.portuguese_unaccent'::regconfig, content)")
        svc = psycopg.connect(self.url, autocommit=True)
        svc.execute("SET ROLE assistant_service")
        # the tsvector of the bare rows is computed by the owner: the configuration lives in core
        own = psycopg.connect(self.url, autocommit=True)
        # the bulk-import path (0094): COPY into the staging table as assistant_loader, then one call
        # that checks the rows and moves them into core.messages (absent before 0094: not measured)
        has_loader = self.q1("SELECT to_regprocedure('api.load_staged_messages(text)') IS NOT NULL")
        loader = None
        if has_loader:
            loader = psycopg.connect(self.url, autocommit=True)
            loader.execute("SET ROLE assistant_loader")
        times: dict[str, list[float]] = {"bare": [], "tsvector": [], "schema": [], "peer": []}
        if has_loader:
            times["loader"] = []
            times["loader_copy"] = []
        # One statement per batch, the same for every target: INSERT ... SELECT FROM unnest(arrays),
        # a multi-row INSERT with one parameter per column; the service writes through api.messages
        # (it names only api). (COPY FROM is refused on a table with row-level security, which
        # core.messages has, for every role but its owner.)
        insert_sql = {
            "schema": "INSERT INTO api.messages (user_id, conversation_id, role, content, created_at) "
                      "SELECT * FROM unnest(%(user_id)s::uuid[], %(conversation_id)s::uuid[], "
                      "%(role)s::api.message_role[], %(content)s::text[], %(created_at)s::timestamptz[])",
            "bare": "INSERT INTO bench.bare_messages (conversation_id, role, content, created_at) "
                    "SELECT * FROM unnest(%(conversation_id)s::uuid[], %(role)s::text[], %(content)s::text[], "
                    "%(created_at)s::timestamptz[])",
            "peer": "INSERT INTO bench.peer_messages (session_id, message, created_at) "
                    "SELECT * FROM unnest(%(conversation_id)s::uuid[], %(peer)s::jsonb[], %(created_at)s::timestamptz[])",
        }
        try:
            for rnd in range(a.batch_rounds):
                data = self.batch_rows(a.batch_size, seed=rnd)
                order = ["bare", "schema", "peer"] + (["loader"] if has_loader else [])
                if rnd % 2:
                    order.reverse()
                for name in order:
                    self.q("CHECKPOINT")
                    if name == "loader":
                        t0 = time.perf_counter()
                        with loader.cursor() as cur:
                            with cur.copy("COPY core.message_load_staging (load_id, user_id, conversation_id, role, "
                                          "content, created_at) FROM STDIN") as copy:
                                for row in zip(data["user_id"], data["conversation_id"], data["role"], data["content"],
                                               data["created_at"]):
                                    copy.write_row(("bench", *row))
                        t_copy = time.perf_counter() - t0
                        got = loader.execute("SELECT loaded FROM api.load_staged_messages('bench')").fetchone()[0]
                        times["loader"].append(time.perf_counter() - t0)
                        times["loader_copy"].append(t_copy)
                        if got != a.batch_size:
                            raise RuntimeError(f"api.load_staged_messages loaded {got} of {a.batch_size} rows")
                        continue
                    last = self.q1("SELECT coalesce(max(id), 0) FROM bench.bare_messages") if name == "bare" else None
                    t0 = time.perf_counter()
                    svc.execute(insert_sql[name], data)
                    times[name].append(time.perf_counter() - t0)
                    if name == "bare":
                        # computing the tsvector of the same rows, nothing stored
                        t0 = time.perf_counter()
                        own.execute(f"SELECT sum(length({tsv})) FROM bench.bare_messages WHERE id > %s", (last,)).fetchall()
                        times["tsvector"].append(time.perf_counter() - t0)
        finally:
            svc.close()
            own.close()
            if loader is not None:
                loader.close()
        med = {n: statistics.median(v) * 1000 for n, v in times.items()}
        res = {n: {"ms_runs": [round(x * 1000, 2) for x in v], "ms": round(med[n], 2)} for n, v in times.items()}
        res["rows"] = a.batch_size
        res["bare_plus_tsvector_ms"] = round(med["bare"] + med["tsvector"], 2)
        res["ratio_schema_vs_bare"] = ratio(med["schema"], med["bare"], CLOCK_RESOLUTION_MS)
        res["ratio_schema_vs_bare_plus_tsvector"] = ratio(med["schema"], med["bare"] + med["tsvector"], CLOCK_RESOLUTION_MS)
        res["ratio_schema_vs_peer"] = ratio(med["schema"], med["peer"], CLOCK_RESOLUTION_MS)
        res["tsvector_expression"] = tsv
        if has_loader:
            # rows per second of each path: the same rows, the same conversations, the same round
            res["rows_per_s_insert"] = round(a.batch_size / (med["schema"] / 1000), 1) if med["schema"] else None
            res["rows_per_s_loader"] = round(a.batch_size / (med["loader"] / 1000), 1) if med["loader"] else None
            res["ratio_loader_vs_insert_rows_per_s"] = ratio(med["schema"], med["loader"], CLOCK_RESOLUTION_MS)
        log("batch ingest ms: " + ", ".join(f"{n} {res[n]['ms']}" for n in times))
        return res

    # ---- orchestration -------------------------------------------------------------------------
    def run(self) -> dict:
        a = self.args
        t_start = time.time()
        self.start()
        try:
            for f in self.args.apply:
                # a proposed schema change, measured before it becomes a migration
                log(f"applying {f}")
                self.run_sql_file(Path(f))
            self.plan()
            self.setup_schema()
            self.users_insert()
            log(f"data set: {self.p['conversations']} conversations of {self.p['users']} users over "
                f"{self.p['history_days']} days ({self.p['n_long']} of 1,000 messages)")
            n1 = self.load(self.p["k_lo"], self.p["k_hi"], newest=True)
            self.load_ops("p1", newest=True)
            self.restart("latest page, one tenth")
            page_tenth = self.latest_page("one tenth")
            dash_tenth = self.dashboards("one tenth")
            n2 = self.load(1, self.p["k_lo"] - 1, newest=False)
            self.load_ops("p2", newest=False)
            self.restart("latest page, whole")
            page_whole = self.latest_page("whole")
            dash_whole = self.dashboards("whole")
            views = {v: {"tenth_ms": dash_tenth[v]["p50_ms"], "whole_ms": dash_whole[v]["p50_ms"],
                         "tenth_p95_ms": dash_tenth[v]["p95_ms"], "whole_p95_ms": dash_whole[v]["p95_ms"],
                         "ratio": ratio(dash_whole[v]["p50_ms"], dash_tenth[v]["p50_ms"], PGBENCH_RESOLUTION_MS),
                         "below_resolution": min(dash_whole[v]["p50_ms"], dash_tenth[v]["p50_ms"]) < PGBENCH_RESOLUTION_MS}
                     for v in dash_tenth if v in dash_whole}
            self.results["sections"]["dashboards"] = {
                "views": views, "measure": "p50 time of SELECT * FROM the view (role assistant_readonly), pgbench -M prepared, 1 client, best of the rounds",
                "resolution_ms": PGBENCH_RESOLUTION_MS,
                "worst_ratio_whole_vs_tenth": max((x["ratio"] for x in views.values() if x["ratio"]), default=None),
            }
            self.results["sections"]["latest_page"] = {
                "tenth": page_tenth, "whole": page_whole,
                "ratio_p95_whole_vs_tenth": ratio(page_whole["p95_ms"], page_tenth["p95_ms"], PGBENCH_RESOLUTION_MS),
                "ratio_p50_whole_vs_tenth": ratio(page_whole["p50_ms"], page_tenth["p50_ms"], PGBENCH_RESOLUTION_MS),
                "messages_tenth": n1, "messages_whole": n1 + n2,
                "cache": "the server restarted before each size's measurement (shared buffers empty; the OS cache as "
                         "the load left it), then the warm-up: the ratio compares history sizes, not cache state",
            }
            vs = self.page_vs_peer()
            self.results["sections"]["latest_page"]["long_conversation"] = vs
            self.results["sections"]["latest_page"]["ratio_p95_schema_vs_peer"] = ratio(
                vs["schema"]["p95_ms"], vs["peer"]["p95_ms"], PGBENCH_RESOLUTION_MS)
            self.results["sections"]["search"] = self.search()
            self.results["sections"]["single_ingest"] = self.single_ingest()
            self.results["sections"]["busy_conversation"] = self.busy_conversation()
            self.results["sections"]["batch_ingest"] = self.batch_ingest()
            self.results["sections"]["retention"] = self.retention()
            self.results["meta"] = self.meta(n1 + n2, time.time() - t_start)
            self.evaluate()
            return self.results
        finally:
            self.stop()

    def meta(self, messages: int, seconds: float) -> dict:
        cpu = ""
        try:
            for line in Path("/proc/cpuinfo").read_text().splitlines():
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
        except OSError:
            pass
        mem = ""
        try:
            kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
            mem = f"{kb / 1024 / 1024:.1f} GiB"
        except (OSError, AttributeError):
            pass
        return {
            "date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
            "machine": {"nproc": os.cpu_count(), "cpu": cpu, "memory": mem, "kernel": platform.release(),
                        "load_average": os.getloadavg()},
            "postgresql": self.q1("SELECT version()"),
            "server_version": self.q1("SHOW server_version"),
            "settings": dict(self.q("""SELECT name, setting FROM pg_settings WHERE name IN
                ('shared_buffers','work_mem','synchronous_commit','fsync','max_wal_size','log_statement','wal_compression',
                 'enable_partitionwise_aggregate','jit')""")),
            "data_set": {**self.p, "messages": messages},
            "duration_s": self.args.duration, "rounds": self.args.rounds, "clients": self.args.clients,
            "run_seconds": round(seconds, 1),
            "applied": [str(f) for f in self.args.apply],
            "pg_options": self.args.pg_options,
            "migrations": [r[0] for r in self.q("SELECT migration_id FROM public._yoyo_migration ORDER BY applied_at_utc")]
            if self.q1("SELECT to_regclass('public._yoyo_migration') IS NOT NULL") else [],
        }

    def evaluate(self) -> None:
        s = self.results["sections"]
        got = {
            "single_ingest": s.get("single_ingest", {}).get("ratio_schema_vs_bare"),
            "single_ingest_vs_peer": s.get("single_ingest", {}).get("ratio_schema_vs_peer"),
            "single_ingest_app": s.get("single_ingest", {}).get("ratio_schema_app_vs_bare"),
            "busy_conversation": s.get("busy_conversation", {}).get("ratio_one_vs_spread"),
            "batch_ingest": s.get("batch_ingest", {}).get("ratio_schema_vs_bare_plus_tsvector"),
            "bulk_load": s.get("batch_ingest", {}).get("ratio_loader_vs_insert_rows_per_s"),
            "latest_page_flat": s.get("latest_page", {}).get("ratio_p95_whole_vs_tenth"),
            "latest_page_vs_peer": s.get("latest_page", {}).get("ratio_p95_schema_vs_peer"),
            "search": s.get("search", {}).get("typical_user", {}).get("ratio_p50"),
            "search_heaviest": s.get("search", {}).get("heaviest_user", {}).get("ratio_p50"),
            "search_heaviest_p95_ms": s.get("search", {}).get("heaviest_user", {}).get("fts", {}).get("p95_ms"),
            "retention_shape": s.get("retention", {}).get("ratio_drop_10x_vs_1x"),
            "dashboards": s.get("dashboards", {}).get("worst_ratio_whole_vs_tenth"),
        }
        for key, (what, op, bound) in TARGETS.items():
            v = got.get(key)
            met = None if v is None else {">=": v >= bound, "<=": v <= bound, "<": v < bound, ">": v > bound}[op]
            self.results["targets"].append({"target": key, "measure": what, "ratio": v,
                                            "goal": f"{op} {bound}", "met": met})


# ---- report ----------------------------------------------------------------------------------
def fmt(v, unit="") -> str:
    if v is None:
        return "-"
    if isinstance(v, float):
        v = f"{v:,.3f}" if abs(v) < 10 else f"{v:,.1f}"
    return f"{v}{unit}"


def table_rows(res: dict) -> list[tuple]:
    s = res["sections"]
    rows: list[tuple] = []
    si = s.get("single_ingest")
    if si:
        rows.append(("1 single-message ingest (tps, %d clients)" % si["clients"], fmt(si["schema"]["tps"]),
                     f"bare {fmt(si['bare']['tps'])}; peer {fmt(si['peer']['tps'])}",
                     f"{fmt(si['ratio_schema_vs_bare'])}x bare; {fmt(si['ratio_schema_vs_peer'])}x peer", ">= 0.6x bare, >= 1x peer"))
        rows.append(("  same, as the app (api.messages, RLS)", fmt(si["schema_app"]["tps"]), f"bare {fmt(si['bare']['tps'])}",
                     f"{fmt(si['ratio_schema_app_vs_bare'])}x bare", ">= 0.55x bare"))
    bc = s.get("busy_conversation")
    if bc:
        rows.append((f"  {bc['clients']} app writers, one conversation (tps)", fmt(bc["one"]["tps"]),
                     f"{bc['clients']} conversations {fmt(bc['spread']['tps'])}",
                     f"{fmt(bc['ratio_one_vs_spread'])}x", ">= 0.5x"))
    bi = s.get("batch_ingest")
    if bi:
        rows.append((f"2 batch ingest, {bi['rows']:,}-row INSERT (ms)", fmt(bi["schema"]["ms"]),
                     f"bare {fmt(bi['bare']['ms'])} + tsvector {fmt(bi['tsvector']['ms'])} = {fmt(bi['bare_plus_tsvector_ms'])}; peer {fmt(bi['peer']['ms'])}",
                     f"{fmt(bi['ratio_schema_vs_bare_plus_tsvector'])}x (bare+tsv); {fmt(bi['ratio_schema_vs_bare'])}x bare",
                     "<= 1.4x (bare+tsv)"))
        if "loader" in bi:
            rows.append((f"  bulk load by COPY + api.load_staged_messages, {bi['rows']:,} rows (ms)", fmt(bi["loader"]["ms"]),
                         f"multi-row INSERT {fmt(bi['schema']['ms'])} (COPY part {fmt(bi['loader_copy']['ms'])})",
                         f"{fmt(bi['rows_per_s_loader'])} vs {fmt(bi['rows_per_s_insert'])} rows/s = "
                         f"{fmt(bi['ratio_loader_vs_insert_rows_per_s'])}x", ">= 3x"))
    lp = s.get("latest_page")
    if lp:
        rows.append(("3 latest page (50), after a restart: p50 / p95 ms", f"whole {fmt(lp['whole']['p50_ms'])} / {fmt(lp['whole']['p95_ms'])}",
                     f"tenth {fmt(lp['tenth']['p50_ms'])} / {fmt(lp['tenth']['p95_ms'])}",
                     f"{fmt(lp['ratio_p95_whole_vs_tenth'])}x (p95)", "<= 1.2x"))
        if "long_conversation" in lp:
            lc = lp["long_conversation"]
            rows.append(("  1,000-message conversation: p50 / p95 ms",
                         f"{fmt(lc['schema']['p50_ms'])} / {fmt(lc['schema']['p95_ms'])}",
                         f"peer {fmt(lc['peer']['p50_ms'])} / {fmt(lc['peer']['p95_ms'])}",
                         f"{fmt(lp['ratio_p95_schema_vs_peer'])}x peer (p95)", "< 1x peer"))
    se = s.get("search")
    if se:
        for who in ("typical_user", "heaviest_user"):
            x = se.get(who)
            if not x:
                continue
            rows.append((f"4 search, {who.replace('_', ' ')} ({x['messages_of_user']:,} msgs): p50 / p95 ms",
                         f"{fmt(x['fts']['p50_ms'])} / {fmt(x['fts']['p95_ms'])}",
                         f"ILIKE {fmt(x['ilike']['p50_ms'])} / {fmt(x['ilike']['p95_ms'])}",
                         f"{fmt(x['ratio_p50'])}x faster (p50)", "> 1x" if who == "typical_user" else ">= 5x, p95 <= 15 ms"))
            for path in ("prefix", "typo"):
                if path in x:
                    rows.append((f"  {path} path, {who.replace('_', ' ')}: p50 / p95 ms",
                                 f"{fmt(x[path]['p50_ms'])} / {fmt(x[path]['p95_ms'])}", "", "", ""))
    re_ = s.get("retention")
    if re_:
        rows.append((f"5 retention, one day ({re_['rows']:,} log rows) (ms)", f"drop {fmt(re_['drop_ms'])}",
                     f"DELETE {fmt(re_['delete_ms'])}", f"{fmt(re_['ratio_delete_vs_drop'])}x faster", ""))
        if re_.get("drop_10x_ms") is not None:
            rows.append((f"  drop of a day with 10x the rows ({re_['rows_10x']:,}) (ms)", f"{fmt(re_['drop_10x_ms'])}",
                         f"1x {fmt(re_['drop_1x_ms'])}", f"{fmt(re_['ratio_drop_10x_vs_1x'])}x", "<= 1.5x"))
    db = s.get("dashboards")
    if db:
        for name, v in db["views"].items():
            rows.append((f"6 {name} (ms)", f"whole {fmt(v['whole_ms'])}", f"tenth {fmt(v['tenth_ms'])}",
                         f"{fmt(v['ratio'])}x", "<= 1.5x"))
    return rows


def render_text(res: dict) -> str:
    head = ("measure", "schema", "baseline(s), same run", "ratio", "target")
    rows = [head] + table_rows(res)
    widths = [max(len(str(r[i])) for r in rows) for i in range(5)]
    m = res.get("meta", {})
    mach = m.get("machine", {})
    ds = m.get("data_set", {})
    lines = [f"machine: {mach.get('nproc')} CPUs, {mach.get('cpu') or 'CPU model unknown'}, {mach.get('memory')} RAM, "
             f"load average at the end {', '.join(f'{x:.2f}' for x in mach.get('load_average') or ())}",
             f"server: {m.get('postgresql', '').split(' on ')[0]} (server_version {m.get('server_version', '?')})",
             f"data set: {ds.get('messages', 0):,} messages, {ds.get('conversations', 0):,} conversations, "
             f"{ds.get('users', 0):,} users + the heaviest user ({ds.get('heavy_conversations', 0) * ds.get('heavy_conversation_size', 0):,} messages)",
             ""]
    for n, r in enumerate(rows):
        lines.append("  ".join(str(c).ljust(widths[i]) for i, c in enumerate(r)).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    lines.append("")
    for t in res["targets"]:
        mark = {True: "met", False: "MISSED", None: "not measured"}[t["met"]]
        lines.append(f"target {t['target']:<20} {t['measure']:<48} {fmt(t['ratio']):>10}  goal {t['goal']:<8} {mark}")
    return "\n".join(lines)


def render_markdown(res: dict) -> str:
    m = res.get("meta", {})
    ds = m.get("data_set", {})
    mach = m.get("machine", {})
    out = [f"Run of {m.get('date', '?')} — {ds.get('messages', 0):,} messages, {ds.get('conversations', 0):,} "
           f"conversations, {ds.get('users', 0):,} users over {ds.get('history_days')} days; "
           f"{mach.get('nproc')} CPUs ({mach.get('cpu')}), {mach.get('memory')} RAM; {m.get('postgresql', '').split(' on ')[0]}; "
           f"pgbench {m.get('duration_s')} s per measurement in {m.get('rounds')} rounds (latency: best round; ingest: median), "
           f"{m.get('clients')} clients for ingest." + (f" Proposals applied: {', '.join(m['applied'])}." if m.get("applied") else "")
           + (f" Server options: `{m['pg_options']}`." if m.get("pg_options") else ""), "",
           "| measure | schema | baseline(s), same run | ratio | target |", "|---|---|---|---|---|"]
    for r in table_rows(res):
        out.append("| " + " | ".join(str(c).replace("|", "\\|") for c in r) + " |")
    out += ["", "| target | measure | ratio | goal | result |", "|---|---|---|---|---|"]
    for t in res["targets"]:
        mark = {True: "met", False: "**missed**", None: "not measured"}[t["met"]]
        out.append(f"| {t['target']} | {t['measure']} | {fmt(t['ratio'])} | {t['goal']} | {mark} |")
    return "\n".join(out) + "\n"


def parse_args(argv=None):
    p = argparse.ArgumentParser(description="assistant-db benchmark (see bench/README.md)")
    p.add_argument("--scale", type=float, default=float(os.environ.get("SCALE") or 1.0),
                   help="1.0 = ~1M messages over 10k conversations of 1k users (env SCALE)")
    p.add_argument("--messages", type=int, default=int(os.environ.get("MESSAGES") or 0),
                   help="messages of the data set instead of --scale (env MESSAGES)")
    p.add_argument("--history-days", type=int, default=365, help="days the history spans (default 365)")
    p.add_argument("--duration", type=float, default=float(os.environ.get("DURATION") or 10),
                   help="seconds of each pgbench run (env DURATION, default 10)")
    p.add_argument("--rounds", type=int, default=int(os.environ.get("ROUNDS") or 3),
                   help="ingest rounds, median taken (env ROUNDS, default 3)")
    p.add_argument("--clients", type=int, default=4, help="pgbench clients for single-message ingest (default 4)")
    p.add_argument("--threads", type=int, default=2, help="pgbench threads (default 2)")
    p.add_argument("--batch-size", type=int, default=10000, help="rows of a batch-ingest INSERT (default 10000)")
    p.add_argument("--batch-rounds", type=int, default=5, help="batches per target, median taken (default 5)")
    p.add_argument("--logs-per-day", type=int, default=200000,
                   help="system log lines a day at SCALE=1, for the retention test (default 200000)")
    p.add_argument("--heavy-messages", type=int, default=int(os.environ.get("HEAVY_MESSAGES") or 100000),
                   help="messages of the heaviest user, in conversations of 1,000, at every scale (env HEAVY_MESSAGES, "
                        "default 100000; 0: none)")
    p.add_argument("--smoke", action="store_true", help="tiny and quick: checks the benchmark runs, figures meaningless")
    p.add_argument("--out", type=Path, default=BENCH / "out" / "results.json", help="JSON output (default bench/out/results.json)")
    p.add_argument("--pg-options", default=os.environ.get("BENCH_PG_OPTIONS", ""),
                   help="extra server options, e.g. '-c shared_buffers=2GB' (env BENCH_PG_OPTIONS)")
    p.add_argument("--apply", action="append", default=[], metavar="FILE",
                   help="SQL run after the migrations (as superuser): measure a proposed change before "
                        "writing its migration; repeatable, recorded in the results")
    p.add_argument("--keep", action="store_true", help="leave the cluster running afterwards (prints its URL)")
    p.add_argument("--workdir", help=argparse.SUPPRESS)
    a = p.parse_args(argv)
    a.transactions = 0
    if a.smoke:
        # every script a few times (-t instead of -T): seconds, and every code path runs
        a.transactions = 20
        a.scale, a.messages = 0.002, 0
        a.duration, a.rounds, a.batch_rounds, a.batch_size = 1, 1, 1, 500
        a.heavy_messages = 2000
    return a


def main(argv=None) -> int:
    args = parse_args(argv)
    try:
        res = Bench(args).run()
    except runner.RunnerError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        if exc.hint:
            print(f"hint: {exc.hint}", file=sys.stderr)
        return exc.code
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(res, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    args.out.with_suffix(".md").write_text(render_markdown(res), encoding="utf-8")
    print(render_text(res))
    print(f"\nwrote {args.out} and {args.out.with_suffix('.md')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
