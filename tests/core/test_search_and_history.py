"""Full-text search (Portuguese, accent-insensitive, ranked) and keyset history pages, with the
plans that keep them fast on a large table."""
import psycopg
import pytest

from tests.conftest import ActingConnection


def search(app, query, **kw):
    args = ", ".join(["%s"] + [f"{k} => %s" for k in kw])
    return app.execute(f"SELECT content, rank FROM api.search_messages({args})", [query, *kw.values()]).fetchall()


@pytest.fixture
def chat(make_user, make_conversation, db):
    """A user with two conversations of Portuguese messages, and another user."""
    uid, other = make_user(), make_user()
    c1, c2 = make_conversation(uid), make_conversation(uid)
    rows = [
        (c1, "2030-01-01 10:00+00", "Marque uma reunião com o instrutor amanhã"),
        (c1, "2030-01-01 10:01+00", "A reunião de briefing foi adiada; briefing da reunião às 14h"),
        (c1, "2030-01-01 10:02+00", "Qual o METAR de Congonhas?"),
        (c2, "2030-02-01 09:00+00", "REUNIÃO semanal de segurança de voo"),
        (c2, "2030-02-01 09:05+00", "Checklist do motor revisado"),
    ]
    for conv, at, text in rows:
        db.execute("INSERT INTO core.messages (user_id, conversation_id, created_at, role, content) "
                   "VALUES (%s, %s, %s, 'user', %s)", (uid, conv, at, text))
    oc = make_conversation(other)
    db.execute("INSERT INTO core.messages (user_id, conversation_id, role, content) "
               "VALUES (%s, %s, 'user', 'reunião secreta de outro usuário')", (other, oc))
    db.commit()
    return {"user": uid, "c1": c1, "c2": c2, "other": other}


def test_search_is_accent_insensitive(chat, as_app):
    found = [r[0] for r in search(as_app(chat["user"]), "reuniao")]
    assert "Marque uma reunião com o instrutor amanhã" in found
    assert "REUNIÃO semanal de segurança de voo" in found  # capitals and accents alike


def test_search_results_come_ranked(chat, as_app):
    rows = search(as_app(chat["user"]), "reunião briefing")
    assert rows[0][0].startswith("A reunião de briefing")  # both words, several times
    ranks = [r[1] for r in rows]
    assert ranks == sorted(ranks, reverse=True) and all(0 < r < 1 for r in ranks)


def test_search_matches_partial_words(chat, as_app):
    assert [r[0] for r in search(as_app(chat["user"]), "checkl")] == ["Checklist do motor revisado"]


def test_search_returns_only_the_users_own_messages(chat, as_app):
    assert all("outro usuário" not in r[0] for r in search(as_app(chat["user"]), "reuniao"))
    assert [r[0] for r in search(as_app(chat["other"]), "reuniao")] == ["reunião secreta de outro usuário"]


def test_search_filters_by_conversation_and_time_and_pages(chat, as_app):
    app = as_app(chat["user"])
    assert len(search(app, "reuniao", p_conversation_id=chat["c2"])) == 1
    assert len(search(app, "reuniao", p_from="2030-01-15", p_until="2030-03-01")) == 1
    page1, page2 = search(app, "reuniao", p_limit=2), search(app, "reuniao", p_limit=2, p_offset=2)
    assert len(page1) == 2 and len(page2) == 1 and not {r[0] for r in page1} & {r[0] for r in page2}


def test_search_headline_highlights_the_match(chat, as_app):
    row = as_app(chat["user"]).execute("SELECT headline FROM api.search_messages('instrutor')").fetchone()
    assert "<b>instrutor</b>" in row[0]


@pytest.mark.parametrize("kw", [{"p_query": "   "}, {"p_query": None}, {"p_query": "x", "p_limit": 0},
                                {"p_query": "x", "p_offset": -1},
                                {"p_query": "x", "p_from": "2030-02-01", "p_until": "2030-01-01"}])
def test_search_rejects_bad_arguments(chat, as_app, kw):
    app = as_app(chat["user"])
    with pytest.raises(psycopg.errors.InvalidParameterValue) as exc:
        app.execute(f"SELECT * FROM api.search_messages({', '.join(k + ' => %s' for k in kw)})", list(kw.values()))
    assert exc.value.diag.message_primary.startswith("api.search_messages:")
    assert exc.value.diag.message_hint


def test_history_pages_newest_first_with_a_keyset_cursor(make_user, make_conversation, add_messages, as_app):
    uid = make_user()
    conv = make_conversation(uid)
    add_messages(uid, conv, 60, created_at="2030-01-01 10:00+00")  # 60 messages with the same created_at
    add_messages(uid, conv, 60, created_at="2030-01-01 11:00+00")
    app = as_app(uid)
    seen, cursor = [], (None, None)
    while True:
        page = app.execute("SELECT created_at, id FROM api.conversation_history(%s, %s, %s, 50)",
                           (conv, *cursor)).fetchall()
        if not page:
            break
        seen += page
        cursor = page[-1]
    assert len(seen) == 120 and len(set(seen)) == 120
    assert seen == sorted(seen, reverse=True)  # newest first, id breaking ties


def test_history_of_an_unknown_or_foreign_conversation_is_not_found(make_user, make_conversation, as_app):
    alice, bob = make_user(), make_user()
    bobs = make_conversation(bob)
    with pytest.raises(psycopg.errors.NoDataFound) as exc:
        as_app(alice).execute("SELECT * FROM api.conversation_history(%s)", (bobs,))
    assert "not found" in exc.value.diag.message_primary and exc.value.diag.message_hint


def test_history_rejects_a_bad_page_size_or_half_a_cursor(make_user, make_conversation, as_app):
    uid = make_user()
    conv = make_conversation(uid)
    app = as_app(uid)
    for args in [(conv, None, None, 0), (conv, None, None, 501), (conv, None, conv, 50)]:
        with pytest.raises(psycopg.errors.InvalidParameterValue):
            app.execute("SELECT * FROM api.conversation_history(%s, %s, %s, %s)", args)


@pytest.fixture
def plans(connect):
    """(connection as assistant_app, list of the plans auto_explain reports for nested statements)."""

    def _open(user_id):
        conn = connect()
        found = []
        conn.add_notice_handler(lambda d: found.append(d.message_primary or ""))
        for stmt in ("LOAD 'auto_explain'", "SET auto_explain.log_min_duration = 0",
                     "SET auto_explain.log_nested_statements = on", "SET auto_explain.log_level = 'notice'",
                     "SET ROLE assistant_app"):
            conn.execute(stmt)
        return ActingConnection(conn, user_id), found

    return _open


@pytest.mark.slow
def test_search_and_history_use_their_indexes_on_100000_messages(db, make_user, make_conversation, plans):
    users = [make_user() for _ in range(10)]
    convs = {u: [make_conversation(u) for _ in range(10)] for u in users}
    db.execute("""
        INSERT INTO core.messages (user_id, conversation_id, created_at, role, content)
        SELECT c.user_id, c.id, now() - (g * interval '2 hours'), 'user',  -- ~3 months: several partitions
               CASE WHEN g % 500 = 0 THEN 'Vamos marcar uma reunião amanhã às dez'
                    ELSE (ARRAY['Qual é o plano de voo para Congonhas?', 'Verifique o METAR de Guarulhos',
                                'Lembre-me de revisar o checklist do motor', 'Preciso de um briefing meteorológico']
                         )[1 + g % 4] END || ' #' || g
          FROM core.conversations c CROSS JOIN generate_series(1, 1000) AS g""")
    db.commit()
    assert db.execute("SELECT count(*) FROM core.messages").fetchone()[0] == 100_000
    db.execute("ANALYZE core.messages")
    db.commit()

    uid = users[3]
    app, found = plans(uid)
    rows = app.execute("SELECT content FROM api.search_messages('reuniao')").fetchall()
    assert len(rows) == 20 and all("reunião" in r[0] for r in rows)
    # the ranked query itself (the function first probes whether the whole words match at all;
    # the planner may serve that LIMIT 1 probe from the primary key instead)
    plan = next(p for p in found if "search_vector @@" in p and "WITH hits" in p)
    assert "Bitmap Index Scan on messages_" in plan and "_search_vector_idx" in plan
    assert "Seq Scan on messages_default" not in plan

    found.clear()
    conv = convs[uid][0]
    cursor = db.execute("SELECT created_at, id FROM core.messages WHERE user_id = %s AND conversation_id = %s "
                        "ORDER BY created_at DESC, id DESC OFFSET 700 LIMIT 1", (uid, conv)).fetchone()
    page = app.execute("SELECT created_at, id FROM api.conversation_history(%s, %s, %s, 50)", (conv, *cursor)).fetchall()
    assert len(page) == 50 and page[0] < cursor
    # PostgreSQL 15 plans the function's query generically (Merge Append over the partitions,
    # pruned at run time); 18 plans it for the values (only the partitions the cursor reaches)
    plan = next(p for p in found if "Index Scan Backward using messages_" in p)
    cond = plan.split("Index Cond:")[1].split("\n")[0]
    assert "_pkey" in plan and "ROW(created_at, id) <" in cond  # the cursor is an index condition
    assert "Sort" not in plan.replace("Sort Key", "") and "Seq Scan" not in plan


def test_history_reads_only_the_partitions_the_conversation_spans(db, make_user, make_conversation, plans):
    uid = make_user()
    old, new = make_conversation(uid), make_conversation(uid)
    db.execute("SELECT p.* FROM generate_series(date_trunc('month', now()) - interval '6 months', now(), "
               "interval '1 month') AS g, maint.create_partition('core.messages'::regclass, g) AS p")
    # the old conversation lived six months ago, the new one this month
    db.execute("INSERT INTO core.messages (user_id, conversation_id, created_at, role, content) "
               "SELECT %s, %s, date_trunc('month', now()) - interval '6 months' + g * interval '1 hour', 'user', 'x' "
               "FROM generate_series(1, 100) g", (uid, old))
    db.execute("INSERT INTO core.messages (user_id, conversation_id, created_at, role, content) "
               "SELECT %s, %s, date_trunc('month', now()) + g * interval '1 second', 'user', 'y' "
               "FROM generate_series(1, 100) g", (uid, new))
    db.commit()
    bounds = db.execute("SELECT first_message_at, last_message_at, message_count FROM core.conversations WHERE id = %s",
                        (new,)).fetchone()
    assert bounds[2] == 100 and bounds[0] < bounds[1]
    app, found = plans(uid)
    for conv in (new, old):
        found.clear()
        assert len(app.execute("SELECT id FROM api.conversation_history(%s)", (conv,)).fetchall()) == 50
        plan = next(p for p in found if "Index Scan Backward using messages_" in p)
        scanned = [ln for ln in plan.splitlines() if "Index Scan Backward using messages_" in ln]
        assert len(scanned) == 1, plan  # one month, not the seven with rows nor the default
    # deleting the oldest message moves the lower bound up
    db.execute("DELETE FROM core.messages WHERE conversation_id = %s AND created_at = %s", (new, bounds[0]))
    db.commit()
    assert db.execute("SELECT first_message_at > %s, message_count FROM core.conversations WHERE id = %s",
                      (bounds[0], new)).fetchone() == (True, 99)
