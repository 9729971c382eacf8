"""Bulk import by COPY (issue 17, migration 0094): a login that is only in assistant_loader COPYs
Portuguese messages into core.message_load_staging with psycopg's cursor.copy, then calls
api.load_staged_messages; the messages arrive in core.messages with exact counters, search
vectors the app finds through api, history in staging order, and nothing of another user's is
ever written or read. A bad load is refused whole with its SQLSTATE, the column named, and
stays staged."""
import datetime as dt

import psycopg
import pytest
from psycopg import errors

from tests.core.conftest import name_user

COPY = "COPY core.message_load_staging (load_id, user_id, conversation_id, role, content, created_at) FROM STDIN"


def login_url(db_url, name, password):
    return f"postgresql://{name}:{password}@" + db_url.rsplit("@", 1)[1]


@pytest.fixture
def logins(db, db_url):
    """A LOGIN only in assistant_loader, and one only in assistant_app."""
    db.execute("CREATE ROLE bulk_loader LOGIN PASSWORD 'bulk-loader-pw' IN ROLE assistant_loader")
    db.execute("CREATE ROLE bulk_loader2 LOGIN PASSWORD 'bulk-loader2-pw' IN ROLE assistant_loader")
    db.execute("CREATE ROLE bulk_app LOGIN PASSWORD 'bulk-app-pw' IN ROLE assistant_app")
    db.commit()
    yield {"loader": login_url(db_url, "bulk_loader", "bulk-loader-pw"),
           "loader2": login_url(db_url, "bulk_loader2", "bulk-loader2-pw"),
           "app": login_url(db_url, "bulk_app", "bulk-app-pw")}
    db.rollback()
    for role in ("bulk_loader", "bulk_loader2", "bulk_app"):
        db.execute(f"DROP OWNED BY {role}")
        db.execute(f"DROP ROLE {role}")
    db.commit()


@pytest.fixture
def loader(logins):
    with psycopg.connect(logins["loader"], autocommit=True) as c:
        yield c


@pytest.fixture
def app(logins):
    with psycopg.connect(logins["app"], autocommit=True) as c:
        yield c


def copy_rows(conn, rows, load_id="default"):
    """COPY (user_id, conversation_id, role, content, created_at) rows, committed (autocommit)."""
    with conn.cursor() as cur:
        with cur.copy(COPY) as copy:
            for r in rows:
                copy.write_row((load_id, *r))


def load(conn, load_id="default"):
    return conn.execute("SELECT loaded, conversations FROM api.load_staged_messages(%s)", (load_id,)).fetchone()


def staged(db, load_id=None):
    return db.execute("SELECT count(*) FROM core.message_load_staging WHERE %s::text IS NULL OR load_id = %s",
                      (load_id, load_id)).fetchone()[0]


def history(app, user_id, conv):
    with app.transaction():
        name_user(app, user_id)
        return [r[0] for r in app.execute(
            "SELECT content FROM api.conversation_history(%s, NULL, NULL, 500)", (conv,)).fetchall()][::-1]


def counts_are_exact(db):
    """message_count (with pending deltas, as api reads it) equals count(*) for every conversation."""
    return db.execute("""
        SELECT c.id, c.message_count + coalesce((SELECT sum(d.message_count) FROM core.conversation_message_deltas d
                                                  WHERE d.user_id = c.user_id AND d.conversation_id = c.id), 0),
               (SELECT count(*) FROM core.messages m WHERE m.user_id = c.user_id AND m.conversation_id = c.id)
          FROM core.conversations c""").fetchall()


ANA = ["Bom dia! Preciso remarcar a aula de simulador de quinta-feira.",
       "Claro. A manutenção do PR-GTX termina na sexta; posso marcar para sábado às 9h?",
       "Pode ser. Vou revisar o checklist de partida antes.",
       "Ótimo: reservei o simulador e avisei o instrutor."]
BRUNO = ["Qual é a previsão de turbulência para a rota de amanhã?",
         "Há previsão de turbulência moderada acima do FL100 entre 14h e 17h.",
         "E o certificado médico, vence quando?"]


@pytest.fixture
def two_users(make_user, make_conversation):
    ana, bruno = make_user("ana"), make_user("bruno")
    return {"ana": ana, "bruno": bruno, "ana_conv": make_conversation(ana, "voo de instrução"),
            "ana_conv2": make_conversation(ana, "manutenção"), "bruno_conv": make_conversation(bruno, "rota")}


def test_a_loader_copies_and_loads_two_users_messages_with_exact_counters(db, loader, two_users):
    u = two_users
    rows = [(u["ana"], u["ana_conv"], "user" if i % 2 == 0 else "assistant", t, None) for i, t in enumerate(ANA)]
    rows += [(u["bruno"], u["bruno_conv"], "user" if i % 2 == 0 else "assistant", t, None) for i, t in enumerate(BRUNO)]
    rows += [(u["ana"], u["ana_conv2"], "system", "Você é o assistente da escola de aviação.", None)]
    copy_rows(loader, rows)
    assert load(loader) == (len(rows), 3)
    assert staged(db) == 0  # the moved rows are emptied from staging
    for conv, counted, real in counts_are_exact(db):
        assert counted == real, conv
    counts = dict(db.execute("SELECT id, message_count FROM core.conversations").fetchall())
    assert (counts[u["ana_conv"]], counts[u["ana_conv2"]], counts[u["bruno_conv"]]) == (4, 1, 3)
    # owner and search vector right on every row
    bad = db.execute("""SELECT count(*) FROM core.messages m
                         WHERE m.search_vector IS DISTINCT FROM core.to_search_vector(m.content)
                            OR NOT EXISTS (SELECT FROM core.conversations c WHERE c.user_id = m.user_id AND c.id = m.conversation_id)""").fetchone()[0]
    assert bad == 0


def test_counters_stay_exact_when_loading_into_conversations_with_history(db, loader, two_users, add_messages):
    u = two_users
    add_messages(u["ana"], u["ana_conv"], 5, content="mensagem anterior")
    copy_rows(loader, [(u["ana"], u["ana_conv"], "user", f"linha {i} do arquivo importado", None) for i in range(300)])
    assert load(loader) == (300, 1)
    assert db.execute("SELECT message_count FROM core.conversations WHERE id = %s", (u["ana_conv"],)).fetchone()[0] == 305
    assert all(counted == real for _, counted, real in counts_are_exact(db))


def test_the_app_finds_loaded_text_through_api_search(db, loader, app, two_users):
    u = two_users
    copy_rows(loader, [(u["ana"], u["ana_conv"], "user", t, None) for t in ANA]
              + [(u["bruno"], u["bruno_conv"], "user", t, None) for t in BRUNO])
    load(loader)
    with app.transaction():
        name_user(app, u["ana"])
        hits = [r[0] for r in app.execute("SELECT content FROM api.search_messages(%s)", ("manutencao",)).fetchall()]
        # the typo fallback's vocabulary was filled by the load too
        typo = app.execute("SELECT content, suggestion FROM api.search_messages(%s)", ("simualdor",)).fetchall()
        none = app.execute("SELECT content FROM api.search_messages(%s)", ("turbulência",)).fetchall()
    assert hits == [ANA[1]]
    assert typo and all("simulador" in c.lower() for c, _ in typo)
    assert none == []  # Bruno's words are not Ana's
    with app.transaction():
        name_user(app, u["bruno"])
        assert len(app.execute("SELECT content FROM api.search_messages(%s)", ("turbulencia",)).fetchall()) == 2


def test_history_comes_back_in_staging_order(db, loader, app, two_users):
    u = two_users
    written = [f"transcrição {i:04d}: {ANA[i % len(ANA)]}" for i in range(1200)]
    # interleaved with another conversation, all with the same (absent) created_at
    rows = []
    for i, t in enumerate(written):
        rows.append((u["ana"], u["ana_conv"], "user" if i % 2 == 0 else "assistant", t, None))
        if i % 3 == 0:
            rows.append((u["ana"], u["ana_conv2"], "user", f"outra conversa {i}", None))
    copy_rows(loader, rows)
    load(loader)
    assert history(app, u["ana"], u["ana_conv"])[-500:] == written[-500:]
    got = [r[0] for r in db.execute("SELECT content FROM core.messages WHERE conversation_id = %s ORDER BY created_at, id",
                                    (u["ana_conv"],))]
    assert got == written


def test_dated_history_from_years_ago_is_loaded_in_time_order(db, loader, app, two_users):
    u = two_users
    t0 = dt.datetime(2021, 3, 1, 12, 0, tzinfo=dt.timezone.utc)
    # three messages of one second, then one dated earlier than the COPY order says
    rows = [(u["ana"], u["ana_conv"], "user", ANA[0], t0), (u["ana"], u["ana_conv"], "assistant", ANA[1], t0),
            (u["ana"], u["ana_conv"], "user", ANA[2], t0), (u["ana"], u["ana_conv"], "assistant", ANA[3], t0 - dt.timedelta(minutes=1))]
    copy_rows(loader, rows)
    load(loader)
    assert history(app, u["ana"], u["ana_conv"]) == [ANA[3], ANA[0], ANA[1], ANA[2]]
    first, last = db.execute("SELECT first_message_at, last_message_at FROM core.conversations WHERE id = %s",
                             (u["ana_conv"],)).fetchone()
    assert (first, last) == (t0 - dt.timedelta(minutes=1), t0)


def test_another_users_conversation_refuses_the_whole_load_and_loses_nothing(db, loader, two_users):
    u = two_users
    rows = [(u["ana"], u["ana_conv"], "user", t, None) for t in ANA]
    rows.insert(2, (u["ana"], u["bruno_conv"], "user", "escrevendo na conversa do Bruno", None))
    copy_rows(loader, rows, load_id="lote-1")
    with pytest.raises(errors.ForeignKeyViolation) as exc:
        load(loader, "lote-1")
    d = exc.value.diag
    assert exc.value.sqlstate == "23503"
    assert d.column_name == "conversation_id" and d.table_name == "message_load_staging"
    assert "row 3" in d.message_primary and str(u["bruno_conv"]) in d.message_primary
    assert "1 of the 5 rows" in d.message_detail and "still staged" in d.message_detail
    assert "api.discard_staged_messages" in d.message_hint
    assert staged(db, "lote-1") == 5  # nothing lost
    assert db.execute("SELECT count(*) FROM core.messages").fetchone()[0] == 0  # nothing written
    # discarded, then loaded fixed
    assert loader.execute("SELECT api.discard_staged_messages('lote-1')").fetchone()[0] == 5
    copy_rows(loader, [r for r in rows if r[1] != u["bruno_conv"]], load_id="lote-1")
    assert load(loader, "lote-1") == (4, 1)


@pytest.mark.parametrize("bad, sqlstate, column", [
    (("papagaio", "texto"), "22P02", "role"),
    (("user", " \u200b\u00a0 "), "23514", "content"),
    (("user", "á" * 100_001), "23514", "content"),
])
def test_junk_rows_are_refused_with_a_clear_error(db, loader, two_users, bad, sqlstate, column):
    u = two_users
    copy_rows(loader, [(u["ana"], u["ana_conv"], "user", ANA[0], None), (u["ana"], u["ana_conv"], *bad, None)])
    with pytest.raises(psycopg.Error) as exc:
        load(loader)
    assert exc.value.sqlstate == sqlstate
    assert exc.value.diag.column_name == column
    assert "row 2" in exc.value.diag.message_primary
    assert staged(db) == 2


def test_a_date_far_in_the_past_or_future_is_refused(db, loader, two_users):
    u = two_users
    for when in (dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc), dt.datetime(2999, 1, 1, tzinfo=dt.timezone.utc)):
        loader.execute("SELECT api.discard_staged_messages()")
        copy_rows(loader, [(u["ana"], u["ana_conv"], "user", ANA[0], when)])
        with pytest.raises(psycopg.Error) as exc:
            load(loader)
        assert exc.value.sqlstate == "22Y08" and exc.value.diag.column_name == "created_at"


def test_metadata_must_be_a_json_object(db, loader, two_users):
    u = two_users
    with loader.cursor().copy("COPY core.message_load_staging (user_id, conversation_id, role, content, metadata) FROM STDIN") as cp:
        cp.write_row((u["ana"], u["ana_conv"], "user", ANA[0], "[1, 2]"))
    with pytest.raises(errors.CheckViolation) as exc:
        load(loader)
    assert exc.value.diag.column_name == "metadata"


def test_copy_of_malformed_input_fails_at_the_copy_naming_the_column(loader, two_users):
    with pytest.raises(errors.InvalidTextRepresentation) as exc:
        with loader.cursor().copy("COPY core.message_load_staging (user_id, conversation_id, role, content) FROM STDIN") as cp:
            cp.write(b"nao-e-um-uuid\t" + str(two_users["ana_conv"]).encode() + b"\tuser\tol\xc3\xa1\n")
    assert "uuid" in exc.value.diag.message_primary
    assert "user_id" in (exc.value.diag.context or "")


def test_the_loader_cannot_read_messages_or_staging_or_write_messages_directly(loader, two_users, add_messages):
    u = two_users
    add_messages(u["ana"], u["ana_conv"], 3, content="segredo da Ana")
    for query in ("SELECT count(*) FROM core.messages", "SELECT count(*) FROM api.messages",
                  "SELECT count(*) FROM core.conversations", "SELECT count(*) FROM core.users",
                  "SELECT count(*) FROM core.message_load_staging",
                  "SELECT * FROM api.search_messages('segredo')"):
        with pytest.raises(errors.InsufficientPrivilege):
            loader.execute(query)
    with pytest.raises(errors.InsufficientPrivilege):
        with loader.cursor().copy("COPY core.messages (user_id, conversation_id, role, content) FROM STDIN") as cp:
            cp.write_row((u["ana"], u["ana_conv"], "user", "direto"))
    # staged_by is the database's: a loader cannot stage rows in another loader's name
    with pytest.raises(errors.InsufficientPrivilege):
        with loader.cursor().copy("COPY core.message_load_staging (staged_by, user_id, conversation_id, role, content) FROM STDIN") as cp:
            cp.write_row(("bulk_loader2", u["ana"], u["ana_conv"], "user", "em nome de outro"))


def test_a_loader_loads_and_discards_only_its_own_rows(db, logins, loader, two_users):
    u = two_users
    copy_rows(loader, [(u["ana"], u["ana_conv"], "user", ANA[0], None)])
    with psycopg.connect(logins["loader2"], autocommit=True) as other:
        assert load(other) == (0, 0)
        assert other.execute("SELECT api.discard_staged_messages()").fetchone()[0] == 0
    assert staged(db) == 1
    assert load(loader) == (1, 1)


def test_the_app_and_service_cannot_use_the_loader_path(connect, two_users):
    for role in ("assistant_app", "assistant_service"):
        conn = connect(role=role)
        with pytest.raises(errors.InsufficientPrivilege):
            conn.execute("SELECT * FROM api.load_staged_messages()")


def test_loaded_messages_follow_the_leaf_of_a_branched_conversation(db, loader, app, two_users):
    u = two_users
    with app.transaction():
        name_user(app, u["ana"])
        app.execute("SELECT api.add_message(%s, 'user', %s)", (u["ana_conv"], ANA[0]))
        app.execute("SELECT api.add_message(%s, 'assistant', %s)", (u["ana_conv"], ANA[1]))
    # make the conversation a tree the way the lifecycle does: an edit of the first message
    with app.transaction():
        name_user(app, u["ana"])
        msg = app.execute("SELECT id FROM api.messages WHERE content = %s", (ANA[0],)).fetchone()[0]
        app.execute("SELECT * FROM api.edit_message(%s, %s, %s)", (u["ana_conv"], msg, "Bom dia! Quero remarcar a aula."))
    copy_rows(loader, [(u["ana"], u["ana_conv"], "assistant", ANA[1], None), (u["ana"], u["ana_conv"], "user", ANA[2], None)])
    assert load(loader) == (2, 1)
    assert history(app, u["ana"], u["ana_conv"])[-3:] == ["Bom dia! Quero remarcar a aula.", ANA[1], ANA[2]]
    assert all(counted == real for _, counted, real in counts_are_exact(db))


def test_a_bad_load_id_is_refused(loader):
    with pytest.raises(errors.InvalidParameterValue):
        load(loader, "x" * 201)
