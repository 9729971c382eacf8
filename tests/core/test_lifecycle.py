"""Conversation lifecycle (issue 16, migration 0081): edit and regenerate as branches, history
along the current branch, siblings, switching branch, fork, truncate-after, keep-latest / keep-days,
per-conversation retention applied by maintenance. Everything through api, as a login that is
only in assistant_app, with bind parameters and Portuguese text."""
import psycopg
import pytest

from tests.core.conftest import name_user

HIST = "SELECT content, created_at, id FROM api.conversation_history(%s, %s, %s, %s)"


@pytest.fixture
def app_url(db, db_url):
    """A LOGIN role that is only in assistant_app, as an application connects."""
    db.execute("CREATE ROLE lifecycle_app LOGIN PASSWORD 'lifecycle-app-pw' IN ROLE assistant_app")
    db.commit()
    yield "postgresql://lifecycle_app:lifecycle-app-pw@" + db_url.rsplit("@", 1)[1]
    db.rollback()
    db.execute("DROP OWNED BY lifecycle_app")
    db.execute("DROP ROLE lifecycle_app")
    db.commit()


@pytest.fixture
def app(app_url):
    with psycopg.connect(app_url, autocommit=True) as c:
        yield c


class Acting:
    """Runs each call in its own transaction, acting for one user (api.act_as)."""

    def __init__(self, conn, user_id):
        self.conn, self.user_id = conn, user_id

    def q(self, query, params=()):
        with self.conn.transaction():
            name_user(self.conn, self.user_id)
            cur = self.conn.execute(query, params)
            return cur.fetchall() if cur.description else None

    def one(self, query, params=()):
        return self.q(query, params)[0]

    def say(self, conv, role, content):
        return self.one("INSERT INTO api.messages (conversation_id, role, content) VALUES (%s, %s::api.message_role, %s) "
                        "RETURNING id, created_at", (conv, role, content))

    def history(self, conv, page=500):
        """The whole history, oldest first, page by page with the keyset cursor."""
        out, cursor = [], (None, None)
        while True:
            rows = self.q(HIST, (conv, *cursor, page))
            if not rows:
                return list(reversed(out))
            out += [r[0] for r in rows]
            cursor = (rows[-1][1], rows[-1][2])


@pytest.fixture
def user(app, make_user):
    def _make():
        uid = make_user()
        return Acting(app, uid)
    return _make


def new_conversation(u, name="Viagem a Lisboa"):
    return u.one("INSERT INTO api.conversations (name) VALUES (%s) RETURNING id", (name,))[0]


def chat(u, conv, turns):
    """Writes user/assistant turns; returns [(id, created_at)] of every message."""
    out = []
    for q, a in turns:
        out.append(u.say(conv, "user", q))
        out.append(u.say(conv, "assistant", a))
    return out


TURNS = [("Qual é a capital de Portugal?", "Lisboa."),
         ("E a população?", "Cerca de 545 mil pessoas na cidade."),
         ("Qual o melhor mês para visitar?", "Maio ou setembro.")]


def test_edit_keeps_the_old_branch_and_history_follows_the_new_one(user):
    u = user()
    conv = new_conversation(u)
    ids = chat(u, conv, TURNS)
    q2 = ids[2]
    new_id, new_at = u.one("SELECT id, created_at FROM api.edit_message(%s, %s, %s, %s)",
                           (conv, q2[0], "E quantos habitantes tem a área metropolitana?", q2[1]))
    assert u.history(conv) == ["Qual é a capital de Portugal?", "Lisboa.",
                               "E quantos habitantes tem a área metropolitana?"]
    u.say(conv, "assistant", "Cerca de 2,9 milhões.")
    assert u.history(conv, page=2)[-2:] == ["E quantos habitantes tem a área metropolitana?", "Cerca de 2,9 milhões."]
    # the old branch is still there: switching back shows it whole
    u.q("SELECT api.set_current_leaf(%s, %s, %s)", (conv, ids[-1][0], ids[-1][1]))
    assert u.history(conv, page=1) == [t for pair in TURNS for t in pair]
    # counters count every message, on every branch
    assert u.one("SELECT message_count FROM api.conversations WHERE id = %s", (conv,))[0] == 8


def test_edit_of_the_first_message_makes_a_second_root(user):
    u = user()
    conv = new_conversation(u)
    ids = chat(u, conv, TURNS[:1])
    u.q("SELECT api.edit_message(%s, %s, %s)", (conv, ids[0][0], "Qual é a capital da Espanha?"))
    u.say(conv, "assistant", "Madri.")
    assert u.history(conv) == ["Qual é a capital da Espanha?", "Madri."]
    sib = u.q("SELECT content, ordinal, sibling_count FROM api.message_siblings(%s, %s)", (conv, ids[0][0]))
    assert sib == [("Qual é a capital de Portugal?", 1, 2), ("Qual é a capital da Espanha?", 2, 2)]


def test_regenerate_adds_a_sibling_answer_listed_by_message_siblings(user):
    u = user()
    conv = new_conversation(u)
    ids = chat(u, conv, TURNS[:2])
    a2 = ids[3]
    u.q("SELECT api.regenerate_message(%s, %s, %s, %s)", (conv, a2[0], "Aproximadamente 550 mil.", a2[1]))
    u.q("SELECT api.regenerate_message(%s, %s, %s, %s)", (conv, a2[0], "Pouco mais de meio milhão.", a2[1]))
    assert u.history(conv)[-1] == "Pouco mais de meio milhão."
    sib = u.q("SELECT content, ordinal, sibling_count, is_given FROM api.message_siblings(%s, %s, %s)", (conv, a2[0], a2[1]))
    assert sib == [("Cerca de 545 mil pessoas na cidade.", 1, 3, True), ("Aproximadamente 550 mil.", 2, 3, False),
                   ("Pouco mais de meio milhão.", 3, 3, False)]
    # a regenerated answer needs an assistant message; an edit a user message
    with pytest.raises(psycopg.errors.InvalidParameterValue, match="api.regenerate_message"):
        u.q("SELECT api.regenerate_message(%s, %s, %s)", (conv, ids[2][0], "outra"))
    with pytest.raises(psycopg.errors.InvalidParameterValue, match="api.edit_message"):
        u.q("SELECT api.edit_message(%s, %s, %s)", (conv, a2[0], "outra"))


def test_history_pages_follow_the_current_branch_only(user):
    u = user()
    conv = new_conversation(u)
    ids = chat(u, conv, [(f"pergunta {i}", f"resposta {i}") for i in range(30)])
    # branch at the 10th question, then continue the new branch
    q = ids[18]
    u.q("SELECT api.edit_message(%s, %s, %s, %s)", (conv, q[0], "pergunta 9, reformulada", q[1]))
    for i in range(10, 15):
        u.say(conv, "assistant", f"nova resposta {i}")
    expected = [t for i in range(9) for t in (f"pergunta {i}", f"resposta {i}")] + \
               ["pergunta 9, reformulada"] + [f"nova resposta {i}" for i in range(10, 15)]
    for page in (1, 3, 7, 500):
        assert u.history(conv, page) == expected
    # a cursor without an id is refused in a branched conversation
    with pytest.raises(psycopg.errors.InvalidParameterValue, match="cursor must name a message"):
        u.q(HIST, (conv, q[1], None, 10))


def test_another_users_message_cannot_be_edited_branched_or_forked(user):
    owner, other = user(), user()
    conv = new_conversation(owner)
    ids = chat(owner, conv, TURNS[:1])
    for call in ("SELECT api.edit_message(%s, %s, 'invasão')", "SELECT api.fork_conversation(%s, %s)",
                 "SELECT api.set_current_leaf(%s, %s)", "SELECT api.truncate_conversation_after(%s, %s)",
                 "SELECT * FROM api.message_siblings(%s, %s)"):
        with pytest.raises(psycopg.errors.NoDataFound):
            other.q(call, (conv, ids[0][0]))
    with pytest.raises(psycopg.errors.NoDataFound):
        other.q("SELECT api.prune_conversation(%s, 1)", (conv,))
    assert owner.history(conv) == list(TURNS[0])


def test_edit_refuses_blank_and_oversized_text(user):
    u = user()
    conv = new_conversation(u)
    ids = chat(u, conv, TURNS[:1])
    for bad in ("   ", "\u200b\u00a0", None, "á" * 100001):
        with pytest.raises(psycopg.errors.InvalidParameterValue, match="api.edit_message: p_content") as e:
            u.q("SELECT api.edit_message(%s, %s, %s)", (conv, ids[0][0], bad))
        assert e.value.diag.message_hint
    with pytest.raises(psycopg.errors.InvalidParameterValue, match="p_metadata"):
        u.q("SELECT api.edit_message(%s, %s, %s, NULL, %s::jsonb)", (conv, ids[0][0], "ok", "[1, 2]"))


def test_fork_copies_the_current_branch_up_to_the_message(user):
    u = user()
    conv = new_conversation(u)
    ids = chat(u, conv, TURNS)
    u.q("SELECT api.regenerate_message(%s, %s, %s)", (conv, ids[3][0], "Uns 545 mil."))
    u.say(conv, "user", "Obrigado!")
    forked = u.one("SELECT api.fork_conversation(%s, %s, NULL, %s)", (conv, ids[2][0], "Lisboa, outra ideia"))[0]
    assert u.history(forked) == ["Qual é a capital de Portugal?", "Lisboa.", "E a população?"]
    # fork at the leaf of the current branch: the branch, not the old answer
    leaf = u.one("SELECT id FROM api.conversation_history(%s, NULL, NULL, 1)", (conv,))[0]
    forked2 = u.one("SELECT api.fork_conversation(%s, %s)", (conv, leaf))[0]
    assert u.history(forked2) == ["Qual é a capital de Portugal?", "Lisboa.", "E a população?", "Uns 545 mil.", "Obrigado!"]
    # the fork is independent: truncating it leaves the original whole
    first = u.q("SELECT id, created_at FROM api.conversation_history(%s) ORDER BY created_at LIMIT 1", (forked2,))[0]
    assert u.one("SELECT api.truncate_conversation_after(%s, %s, %s)", (forked2, *first))[0] == 4
    assert len(u.history(conv)) == 5
    name, meta = u.one("SELECT name, metadata FROM api.conversations WHERE id = %s", (forked,))
    assert name == "Lisboa, outra ideia" and meta["forked_from"]["conversation_id"] == str(conv)


def test_truncate_after_a_message_in_a_linear_conversation(user):
    u = user()
    conv = new_conversation(u)
    ids = chat(u, conv, TURNS)
    assert u.one("SELECT api.truncate_conversation_after(%s, %s, %s)", (conv, *ids[1]))[0] == 4
    assert u.history(conv) == list(TURNS[0])
    assert u.one("SELECT message_count FROM api.conversations WHERE id = %s", (conv,))[0] == 2
    u.say(conv, "user", "Recomeçando: e o Porto?")
    assert u.history(conv)[-1] == "Recomeçando: e o Porto?"


def test_truncate_after_deletes_every_branch_below_the_message(user):
    u = user()
    conv = new_conversation(u)
    ids = chat(u, conv, TURNS)
    u.q("SELECT api.edit_message(%s, %s, %s)", (conv, ids[4][0], "Quando chove menos?"))
    u.say(conv, "assistant", "No verão.")
    # below the first answer: two branches of 4 and 2 messages
    assert u.one("SELECT api.truncate_conversation_after(%s, %s)", (conv, ids[1][0]))[0] == 6
    assert u.history(conv) == list(TURNS[0])
    u.say(conv, "user", "E Coimbra?")
    assert u.history(conv) == [*TURNS[0], "E Coimbra?"]


def test_prune_keeps_the_latest_n_messages(user):
    u = user()
    conv = new_conversation(u)
    chat(u, conv, TURNS)
    assert u.one("SELECT api.prune_conversation(%s, p_keep_latest => %s)", (conv, 3))[0] == 3
    assert u.history(conv) == ["Cerca de 545 mil pessoas na cidade.", "Qual o melhor mês para visitar?", "Maio ou setembro."]
    with pytest.raises(psycopg.errors.InvalidParameterValue, match="api.prune_conversation"):
        u.q("SELECT api.prune_conversation(%s, 0)", (conv,))
    with pytest.raises(psycopg.errors.InvalidParameterValue, match="p_keep_latest or p_keep_days"):
        u.q("SELECT api.prune_conversation(%s)", (conv,))


def test_prune_in_a_branched_conversation_keeps_a_current_leaf(user):
    u = user()
    conv = new_conversation(u)
    ids = chat(u, conv, TURNS)
    u.q("SELECT api.regenerate_message(%s, %s, %s)", (conv, ids[5][0], "Na primavera."))
    u.q("SELECT api.set_current_leaf(%s, %s)", (conv, ids[5][0]))
    # the latest 1 is the regenerated answer: the old leaf goes, the newest message becomes leaf
    u.q("SELECT api.prune_conversation(%s, 1)", (conv,))
    assert u.history(conv) == ["Na primavera."]


def test_retention_set_per_conversation_is_applied_by_maintenance(user, db):
    u = user()
    kept, pruned, old = new_conversation(u, "sem regra"), new_conversation(u, "últimas 2"), new_conversation(u, "7 dias")
    for c in (kept, pruned, old):
        chat(u, c, TURNS)
    u.q("SELECT api.set_conversation_retention(%s, 2, NULL)", (pruned,))
    u.q("SELECT api.set_conversation_retention(%s, NULL, 7)", (old,))
    # two messages of the third conversation dated 10 days back (as an import would)
    db.execute("UPDATE core.messages SET created_at = created_at - interval '10 days' "
               "WHERE conversation_id = %s AND content IN ('Qual é a capital de Portugal?', 'Lisboa.')", (old,))
    db.commit()
    with pytest.raises(psycopg.errors.InvalidParameterValue, match="p_keep_days"):
        u.q("SELECT api.set_conversation_retention(%s, NULL, 0)", (old,))
    # maintenance's own entry point (make cleanup, cron, pg_cron) applies it, and says so
    db.autocommit = True
    notices = []
    db.add_notice_handler(lambda n: notices.append(n.message_primary))
    db.execute("CALL maint.run_cleanup()")
    db.autocommit = False
    assert any("maint.apply_conversation_retention: 6" in n for n in notices), notices
    assert len(u.history(kept)) == 6
    assert u.history(pruned) == list(TURNS[2])
    assert u.history(old) == [*TURNS[1], *TURNS[2]]


def test_prompt_history_is_the_summary_and_the_turns_after_it(user):
    u = user()
    conv = new_conversation(u)
    ids = chat(u, conv, TURNS)
    # no summary yet: the latest messages
    assert [r[0] for r in u.q("SELECT content FROM api.prompt_history(%s, 2)", (conv,))] == list(TURNS[2])
    u.q("SELECT api.add_summary(%s, %s, %s, %s)", (conv, ids[1][0], "Resumo: a capital é Lisboa.", ids[1][1]))
    u.q("SELECT api.add_summary(%s, %s, %s)", (conv, ids[3][0], "Resumo: Lisboa, capital, 545 mil habitantes."))
    rows = u.q("SELECT kind, role::text, content FROM api.prompt_history(%s)", (conv,))
    assert rows == [("summary", "system", "Resumo: Lisboa, capital, 545 mil habitantes."),
                    ("message", "user", "Qual o melhor mês para visitar?"), ("message", "assistant", "Maio ou setembro.")]
    # the covered turns are still readable, the summaries are not in the history; new turns follow the leaf
    assert u.history(conv) == [t for pair in TURNS for t in pair]
    u.say(conv, "user", "E o clima em maio?")
    assert [r[0] for r in u.q("SELECT content FROM api.prompt_history(%s)", (conv,))][-2:] == ["Maio ou setembro.", "E o clima em maio?"]
    assert u.one("SELECT message_count FROM api.conversations WHERE id = %s", (conv,))[0] == 9
    # the summary is not a version of the answer it follows
    assert u.one("SELECT count(*) FROM api.message_siblings(%s, %s)", (conv, ids[4][0]))[0] == 1


def test_prompt_history_on_a_branch_without_the_summary_returns_the_latest_turns(user):
    u = user()
    conv = new_conversation(u)
    ids = chat(u, conv, TURNS)
    u.q("SELECT api.add_summary(%s, %s, %s)", (conv, ids[3][0], "Resumo da conversa."))
    # edit the second question: the summary (through the second answer) is not on the new branch
    u.q("SELECT api.edit_message(%s, %s, %s)", (conv, ids[2][0], "E a área?"))
    assert [r[0] for r in u.q("SELECT content FROM api.prompt_history(%s)", (conv,))] == \
        ["Qual é a capital de Portugal?", "Lisboa.", "E a área?"]


def test_add_summary_refuses_bad_input(user):
    u = user()
    conv = new_conversation(u)
    ids = chat(u, conv, TURNS[:1])
    with pytest.raises(psycopg.errors.InvalidParameterValue, match="api.add_summary: p_content"):
        u.q("SELECT api.add_summary(%s, %s, %s)", (conv, ids[1][0], "\u3000"))
    with pytest.raises(psycopg.errors.NoDataFound):
        u.q("SELECT api.add_summary(%s, gen_random_uuid(), %s)", (conv, "Resumo"))
    s = u.one("SELECT id FROM api.add_summary(%s, %s, %s)", (conv, ids[1][0], "Resumo"))[0]
    with pytest.raises(psycopg.errors.InvalidParameterValue, match="itself a summary"):
        u.q("SELECT api.add_summary(%s, %s, %s)", (conv, s, "Resumo do resumo"))
    with pytest.raises(psycopg.errors.InvalidParameterValue, match="api.prompt_history: p_limit"):
        u.q("SELECT * FROM api.prompt_history(%s, 0)", (conv,))


def test_two_writers_of_a_branched_conversation_queue_and_chain_instead_of_forking(app_url, make_user, db):
    """Session A writes into a branched conversation and holds its transaction open; session B's
    write waits for A's lock on the conversation row (seen in pg_stat_activity); A commits; B then
    follows A's message. Without the lock both would take the same leaf as parent: an accidental fork."""
    import threading
    uid = make_user()
    with psycopg.connect(app_url, autocommit=True) as setup:
        u = Acting(setup, uid)
        conv = new_conversation(u)
        ids = chat(u, conv, TURNS[:1])
        u.q("SELECT api.regenerate_message(%s, %s, %s)", (conv, ids[1][0], "Lisboa, claro."))
    a = psycopg.connect(app_url)
    b = psycopg.connect(app_url)
    try:
        name_user(a, uid)
        a.execute("INSERT INTO api.messages (conversation_id, role, content) VALUES (%s, 'user', 'pergunta de A')", (conv,))
        b_pid = b.execute("SELECT pg_backend_pid()").fetchone()[0]
        b.commit()
        done = {}

        def write_b():
            name_user(b, uid)
            b.execute("INSERT INTO api.messages (conversation_id, role, content) VALUES (%s, 'user', 'pergunta de B')", (conv,))
            b.commit()
            done["b"] = True

        t = threading.Thread(target=write_b)
        t.start()
        for _ in range(200):
            row = db.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", (b_pid,)).fetchone()
            db.commit()
            if row and row[0] == "Lock":
                break
            threading.Event().wait(0.05)
        else:
            pytest.fail("session B never waited for A's lock on the conversation")
        assert "b" not in done
        a.commit()
        t.join(10)
        assert done.get("b")
    finally:
        a.close()
        b.close()
    with psycopg.connect(app_url, autocommit=True) as check:
        assert Acting(check, uid).history(conv) == ["Qual é a capital de Portugal?", "Lisboa, claro.", "pergunta de A", "pergunta de B"]
