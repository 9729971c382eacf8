"""Memories: default expiry per tier, recall ranked by relevance, importance and recency together,
expired entries never recalled, access tracking, and the cleanup."""
import psycopg
import pytest


def test_expiry_defaults_per_tier_and_critical_never_expires(make_user, as_app):
    app = as_app(make_user())
    app.execute("INSERT INTO api.memories (tier, content) VALUES ('short_term', 'a'), ('medium_term', 'b'), "
                "('long_term', 'c'), ('critical', 'd')")
    rows = dict(app.execute("SELECT tier::text, expires_at - created_at FROM api.memories").fetchall())
    assert {k: (v.days if v is not None else None) for k, v in rows.items()} == \
        {"short_term": 1, "medium_term": 30, "long_term": 365, "critical": None}


def test_changing_tier_restarts_the_lifetime(make_user, as_app):
    app = as_app(make_user())
    mid = app.execute("INSERT INTO api.memories (tier, content) VALUES ('short_term', 'x') RETURNING id").fetchone()[0]
    app.execute("UPDATE api.memories SET tier = 'critical' WHERE id = %s", (mid,))
    assert app.execute("SELECT expires_at FROM api.memories WHERE id = %s", (mid,)).fetchone()[0] is None
    app.execute("UPDATE api.memories SET tier = 'medium_term' WHERE id = %s", (mid,))
    assert app.execute("SELECT (expires_at - updated_at)::text FROM api.memories WHERE id = %s", (mid,)).fetchone()[0] == "30 days"


@pytest.mark.parametrize("cols, vals, error", [
    ("tier, content, expires_at", ("critical", "x", "2100-01-01"), psycopg.errors.CheckViolation),
    ("content, expires_at", ("x", "2000-01-01"), psycopg.errors.CheckViolation),
    ("content, importance", ("x", 1.5), psycopg.errors.CheckViolation),
    ("content", ("",), psycopg.errors.CheckViolation),
    ("tier, content", ("forever", "x"), psycopg.errors.InvalidTextRepresentation),
])
def test_bad_memory_input_is_rejected(make_user, as_app, cols, vals, error):
    with pytest.raises(error):
        as_app(make_user()).execute(f"INSERT INTO api.memories ({cols}) VALUES ({', '.join(['%s'] * len(vals))})", vals)


def test_a_non_critical_memory_cannot_be_made_permanent(make_user, as_app):
    app = as_app(make_user())
    app.execute("INSERT INTO api.memories (tier, content) VALUES ('long_term', 'x')")
    with pytest.raises(psycopg.errors.CheckViolation):
        app.execute("UPDATE api.memories SET expires_at = NULL")


def test_expired_memories_never_come_back(db, make_user, as_app):
    uid = make_user()
    db.execute("INSERT INTO core.memories (user_id, content, created_at, expires_at) VALUES "
               "(%(u)s, 'prefere café sem açúcar', now() - interval '2 days', now() - interval '1 second'), "
               "(%(u)s, 'prefere voar pela manhã', now() - interval '2 days', now() + interval '1 day')", {"u": uid})
    db.commit()
    app = as_app(uid)
    for query in ("prefere", "cafe", None):
        got = [r[0] for r in app.execute("SELECT content FROM api.recall_memories(%s, 10)", (query,))]
        assert "prefere café sem açúcar" not in got
    assert [r[0] for r in app.execute("SELECT content FROM api.memories")] == ["prefere voar pela manhã"]


def test_recall_orders_by_the_combined_score(db, make_user, as_app):
    uid = make_user()
    # same relevance for 'voo'; importance and recency differ
    db.execute("""INSERT INTO core.memories (user_id, tier, content, importance, created_at, last_accessed_at) VALUES
        (%(u)s, 'long_term', 'medo de voo noturno', 0.9, now() - interval '200 days', now() - interval '200 days'),
        (%(u)s, 'long_term', 'gosta de voo panorâmico', 0.9, now() - interval '1 day', now() - interval '1 hour'),
        (%(u)s, 'long_term', 'voo de instrução às terças', 0.2, now() - interval '1 day', now()),
        (%(u)s, 'critical', 'alergia a amendoim', 1.0, now(), NULL)""", {"u": uid})
    db.commit()
    rows = as_app(uid).execute("SELECT content, relevance, importance, recency, score FROM api.recall_memories('voo')"
                               ).fetchall()
    assert [r[0] for r in rows][:1] == ["gosta de voo panorâmico"]          # important and recent
    assert "alergia a amendoim" not in [r[0] for r in rows]                 # does not match the query
    for content, relevance, importance, recency, score in rows:
        assert score == pytest.approx(0.5 * relevance + 0.3 * importance + 0.2 * recency, rel=1e-5)
    assert [r[4] for r in rows] == sorted((r[4] for r in rows), reverse=True)


def test_recall_forgives_accents_and_typos(db, make_user, as_app):
    uid = make_user()
    db.execute("INSERT INTO core.memories (user_id, content) VALUES (%s, 'Aeronave preferida: Cessna 172 Skyhawk')", (uid,))
    db.commit()
    app = as_app(uid)
    assert app.execute("SELECT count(*) FROM api.recall_memories('aeronave preferída')").fetchone()[0] == 1
    assert app.execute("SELECT count(*) FROM api.recall_memories('skyhwak')").fetchone()[0] == 1  # trigram


def test_recall_without_a_query_ranks_by_importance_and_recency(db, make_user, as_app):
    uid = make_user()
    db.execute("INSERT INTO core.memories (user_id, content, importance) VALUES (%(u)s, 'a', 0.1), (%(u)s, 'b', 0.9)",
               {"u": uid})
    db.commit()
    assert [r[0] for r in as_app(uid).execute("SELECT content FROM api.recall_memories()")] == ["b", "a"]


def test_recall_updates_access_tracking(db, make_user, as_app):
    uid = make_user()
    db.execute("INSERT INTO core.memories (user_id, content) VALUES (%(u)s, 'licença PPL'), (%(u)s, 'mora em Campinas')",
               {"u": uid})
    db.commit()
    app = as_app(uid)
    app.execute("SELECT * FROM api.recall_memories('licenca')")
    app.execute("SELECT * FROM api.recall_memories('licenca')")
    rows = dict(app.execute("SELECT content, access_count FROM api.memories").fetchall())
    assert rows == {"licença PPL": 2, "mora em Campinas": 0}
    assert app.execute("SELECT last_accessed_at IS NOT NULL AND updated_at = created_at FROM api.memories "
                       "WHERE content = 'licença PPL'").fetchone()[0]  # access tracking does not move updated_at


def test_recall_rejects_bad_arguments(make_user, as_app):
    app = as_app(make_user())
    for args in [("  ", 10), ("x", 0), ("x", 101)]:
        with pytest.raises(psycopg.errors.InvalidParameterValue):
            app.execute("SELECT * FROM api.recall_memories(%s, %s)", args)


def test_recall_sees_only_the_users_memories(db, make_user, as_app):
    alice, bob = make_user(), make_user()
    db.execute("INSERT INTO core.memories (user_id, content) VALUES (%s, 'segredo do bob')", (bob,))
    db.commit()
    assert as_app(alice).execute("SELECT count(*) FROM api.recall_memories('segredo')").fetchone()[0] == 0


def test_cleanup_deletes_expired_memories_and_returns_how_many(db, make_user, connect):
    uid = make_user()
    db.execute("INSERT INTO core.memories (user_id, content, created_at, expires_at) "
               "SELECT %s, 'm' || g, now() - interval '10 days', now() + (g - 4) * interval '1 day' "
               "FROM generate_series(1, 10) g", (uid,))  # g = 1..4 expired
    db.execute("INSERT INTO core.memories (user_id, tier, content) VALUES (%s, 'critical', 'forever')", (uid,))
    db.commit()
    service = connect(role="assistant_service")
    assert service.execute("SELECT api.delete_expired_memories()").fetchone()[0] == 4
    assert service.execute("SELECT api.delete_expired_memories()").fetchone()[0] == 0
    assert db.execute("SELECT count(*) FROM core.memories WHERE user_id = %s", (uid,)).fetchone()[0] == 7
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        connect(role="assistant_app", user_id=uid).execute("SELECT api.delete_expired_memories()")
