"""Conversation lifecycle figures (issue 16): history along the current branch of a conversation
of ~20k messages with a few branches (EXPLAIN (ANALYZE, BUFFERS) of the branch walk, at the
newest page and deep in the branch, and the api call itself), the cost of a fork, and import
rates (langchain-postgres message_store rows and an OpenAI export, rows per second, first run and
the idempotent re-run).

    .venv/bin/python bench/lifecycle.py [DATABASE_URL]     (default: the local cluster, make up)

Writes a throwaway user's data and a message_store table in the database and drops them after.
"""
from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
import uuid

import psycopg
from psycopg.types.json import Jsonb

WALK = """
EXPLAIN (ANALYZE, BUFFERS, TIMING OFF, SUMMARY ON)
WITH RECURSIVE walk AS (
    SELECT m.id, m.created_at, m.content, m.parent_id, m.parent_created_at, 0 AS depth
      FROM core.messages AS m
     WHERE m.user_id = %(u)s AND m.conversation_id = %(c)s AND m.created_at = %(at)s AND m.id = %(id)s
    UNION ALL
    SELECT m.id, m.created_at, m.content, m.parent_id, m.parent_created_at, w.depth + 1
      FROM walk AS w JOIN core.messages AS m
        ON m.user_id = %(u)s AND m.conversation_id = %(c)s AND m.created_at = w.parent_created_at AND m.id = w.parent_id
     WHERE w.depth < 50
)
SELECT * FROM walk WHERE w.depth >= 1 ORDER BY depth""".replace("WHERE w.depth >= 1", "WHERE depth >= 1")


def url_from_args() -> str:
    if len(sys.argv) > 1:
        return sys.argv[1]
    return subprocess.run([sys.executable, "runner.py", "cluster", "url"], capture_output=True, text=True, check=True).stdout.strip()


def acting(conn, uid, role="assistant_service"):
    conn.execute(f"SET LOCAL ROLE {role}")
    conn.execute("SELECT api.act_as(%s)", (uid,))


def timed(conn, uid, query, params, n=200) -> float:
    """Median ms of n calls, each in its own transaction acting for uid."""
    out = []
    for _ in range(n):
        with conn.transaction():
            acting(conn, uid)
            t = time.perf_counter()
            conn.execute(query, params).fetchall()
            out.append((time.perf_counter() - t) * 1000)
    return statistics.median(out)


def summary_of(plan: list[str]) -> str:
    buffers = next((line.strip() for line in plan if line.strip().startswith("Buffers:")), "")
    exe = next((line.strip() for line in plan if "Execution Time" in line), "")
    return f"{exe}; top node {buffers}"


def main() -> None:
    url = url_from_args()
    with psycopg.connect(url, autocommit=True) as db:
        server = db.execute("SELECT version()").fetchone()[0]
        print(f"# {server}")
        uid = db.execute("INSERT INTO core.users (name, email) VALUES ('Bench Ciclo', %s) RETURNING id",
                         (f"bench-{uuid.uuid4().hex[:8]}@exemplo.com.br",)).fetchone()[0]
        try:
            run(db, uid)
        finally:
            db.execute("DELETE FROM core.users WHERE id = %s", (uid,))
            db.execute("DROP TABLE IF EXISTS public.bench_message_store")


def run(db, uid) -> None:
    # --- a conversation of 20,000 messages, then three branches (edits) of 500 messages each
    linear = db.execute("INSERT INTO core.conversations (user_id, name) VALUES (%s, 'linear 20k') RETURNING id", (uid,)).fetchone()[0]
    tree = db.execute("INSERT INTO core.conversations (user_id, name) VALUES (%s, 'tree 20k') RETURNING id", (uid,)).fetchone()[0]
    for conv in (linear, tree):
        for chunk in range(4):
            db.execute("INSERT INTO core.messages (user_id, conversation_id, role, content) "
                       "SELECT %s, %s, CASE WHEN g %% 2 = 0 THEN 'user' ELSE 'assistant' END::api.message_role, "
                       "'mensagem número ' || g || ' sobre o voo para Lisboa' FROM generate_series(%s::int, %s::int) g",
                       (uid, conv, chunk * 5000, chunk * 5000 + 4999))
    newest = db.execute("SELECT id, created_at FROM core.messages WHERE user_id = %s AND conversation_id = %s "
                        "ORDER BY created_at DESC, id DESC LIMIT 1", (uid, tree)).fetchone()
    t = time.perf_counter()
    with db.transaction():
        acting(db, uid)
        db.execute("SELECT api.set_current_leaf(%s, %s, %s)", (tree, *newest))
    enter_ms = (time.perf_counter() - t) * 1000
    for at in (5000, 10000, 15000):
        mid, mat = db.execute("SELECT id, created_at FROM core.messages WHERE user_id = %s AND conversation_id = %s "
                              "AND content = %s AND role = 'user'", (uid, tree, f"mensagem número {at} sobre o voo para Lisboa")).fetchone()
        with db.transaction():
            acting(db, uid)
            db.execute("SELECT api.edit_message(%s, %s, %s, %s)", (tree, mid, f"pergunta {at} reformulada", mat))
            for i in range(0, 500, 100):
                db.execute("INSERT INTO api.messages (conversation_id, role, content) SELECT %s, 'assistant', "
                           "'ramo " + str(at) + " resposta ' || g FROM generate_series(%s::int, %s::int) g", (tree, i, i + 99))
    db.execute("ANALYZE core.messages")
    total, depth = db.execute("SELECT count(*), (SELECT message_count FROM api.conversations WHERE id = %s) FROM core.messages "
                              "WHERE user_id = %s AND conversation_id = %s", (tree, uid, tree)).fetchone()
    leaf = db.execute("SELECT current_leaf_id, current_leaf_created_at FROM core.conversations WHERE user_id = %s AND id = %s",
                      (uid, tree)).fetchone()
    # the branch: 15,000 messages of the original, the edit, 500 replies
    path = []
    cursor = (None, None)
    with db.transaction():
        acting(db, uid)
        while True:
            rows = db.execute("SELECT created_at, id FROM api.conversation_history(%s, %s, %s, 500)", (tree, *cursor)).fetchall()
            if not rows:
                break
            path += rows
            cursor = rows[-1]
    deep = path[len(path) - 100]   # near the root: a page 14,900 messages down the branch
    print(f"\nconversation: {total} messages in all ({depth} counted), current branch {len(path)} messages; "
          f"entering branch mode (linking 20,000 messages): {enter_ms:.0f} ms")
    for label, (at, mid) in (("newest page (from the leaf)", (leaf[1], leaf[0])), ("page 14,900 messages down", deep)):
        plan = [r[0] for r in db.execute(WALK, {"u": uid, "c": tree, "at": at, "id": mid}).fetchall()]
        print(f"walk of 50, {label}: {summary_of(plan)}")
    q = "SELECT * FROM api.conversation_history(%s, %s, %s, 50)"
    print(f"api.conversation_history, 50 rows, branched: newest {timed(db, uid, q, (tree, None, None)):.3f} ms, "
          f"deep {timed(db, uid, q, (tree, deep[0], deep[1])):.3f} ms (median of 200)")
    lin = db.execute("SELECT created_at, id FROM core.messages WHERE user_id = %s AND conversation_id = %s "
                     "ORDER BY created_at, id OFFSET 100 LIMIT 1", (uid, linear)).fetchone()
    print(f"api.conversation_history, 50 rows, linear 20k: newest {timed(db, uid, q, (linear, None, None)):.3f} ms, "
          f"deep {timed(db, uid, q, (linear, *lin)):.3f} ms (median of 200)")
    t = time.perf_counter()
    with db.transaction():
        acting(db, uid)
        db.execute("SELECT api.fork_conversation(%s, %s, %s)", (tree, leaf[0], leaf[1]))
    print(f"fork at the leaf (copy of {len(path)} messages): {(time.perf_counter() - t) * 1000:.0f} ms")

    # --- imports
    n_sessions, per = 1000, 100
    db.execute("CREATE TABLE public.bench_message_store (id serial PRIMARY KEY, session_id uuid NOT NULL, "
               "message jsonb NOT NULL, created_at timestamptz NOT NULL DEFAULT now())")
    db.execute("INSERT INTO public.bench_message_store (session_id, message, created_at) "
               "SELECT s.sid, jsonb_build_object('type', CASE WHEN g %% 2 = 1 THEN 'human' ELSE 'ai' END, "
               "'data', jsonb_build_object('content', 'Mensagem ' || g || ' da sessão: previsão do tempo em Lisboa', "
               "'additional_kwargs', '{}'::jsonb, 'response_metadata', CASE WHEN g %% 2 = 0 THEN '{\"model_name\": \"gpt-4o\"}'::jsonb ELSE '{}' END)), "
               "timestamptz '2024-01-01' + s.i * interval '1 hour' + g * interval '1 second' "
               "FROM (SELECT i, gen_random_uuid() AS sid FROM generate_series(1, %s::int) i) s, generate_series(1, %s::int) g "
               "ORDER BY s.i, g", (n_sessions, per))
    rows_total = n_sessions * per
    batch = 10000

    def import_langchain() -> tuple[float, list]:
        counts = [0, 0, 0]
        t = time.perf_counter()
        for lo in range(1, rows_total + 1, batch):
            with db.transaction():
                acting(db, uid)
                r = db.execute("SELECT * FROM api.import_langchain_messages("
                               "(SELECT jsonb_agg(to_jsonb(s) ORDER BY s.id) FROM public.bench_message_store s WHERE s.id BETWEEN %s AND %s), "
                               "'bench-langchain')", (lo, lo + batch - 1)).fetchone()
            counts = [a + b for a, b in zip(counts, r[:3])]
        return time.perf_counter() - t, counts

    # the import reads the store table as the superuser here; give the service role the right to read it
    db.execute("GRANT SELECT ON public.bench_message_store TO assistant_service")
    secs, counts = import_langchain()
    print(f"\nlangchain message_store import, {rows_total} rows in batches of {batch}: {secs:.1f} s, "
          f"{rows_total / secs:,.0f} rows/s (imported/skipped/refused {counts})")
    secs2, counts2 = import_langchain()
    print(f"  re-run (everything skipped): {secs2:.1f} s, {rows_total / secs2:,.0f} rows/s ({counts2})")

    threads = [{"id": f"thread_{t}", "created_at": 1704067200 + t * 3600, "metadata": {"title": f"Conversa {t}"},
                "messages": [{"id": f"msg_{t}_{m}", "role": "user" if m % 2 == 0 else "assistant",
                              "created_at": 1704067200 + t * 3600 + m,
                              "content": [{"type": "text", "text": {"value": f"Mensagem {m}: roteiro pelo Alentejo", "annotations": []}}],
                              "metadata": {}} for m in range(per)]} for t in range(n_sessions)]
    t = time.perf_counter()
    res = [0, 0, 0]
    for lo in range(0, n_sessions, batch // per):
        with db.transaction():
            acting(db, uid)
            r = db.execute("SELECT * FROM api.import_openai_threads(%s, 'bench-openai')",
                           (Jsonb({"threads": threads[lo:lo + batch // per]}),)).fetchone()
        res = [a + b for a, b in zip(res, r[:3])]
    secs = time.perf_counter() - t
    print(f"OpenAI export import, {rows_total} messages in {n_sessions} threads, batches of {batch}: {secs:.1f} s, "
          f"{rows_total / secs:,.0f} rows/s ({res}; JSON sent from the client, {len(json.dumps(threads)) / 1e6:.0f} MB)")


if __name__ == "__main__":
    main()
