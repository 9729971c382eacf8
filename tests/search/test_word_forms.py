"""What 0088 added to the Portuguese search, one behaviour each, through api.search_messages as the
app: words told apart only by an accent stay apart, compounds typed as two words meet their joined
form, an excluded word is a whole word, two swapped letters are corrected to the user's own word."""
from __future__ import annotations

import pytest


@pytest.fixture
def user_with(db, make_user, make_conversation):
    """user_with(*texts) -> a new user holding one message per text (the other user's words are apart)."""

    def _make(*texts: str):
        uid = make_user()
        conv = make_conversation(uid)
        with db.cursor() as cur:
            cur.executemany("INSERT INTO core.messages (user_id, conversation_id, role, content) VALUES (%s, %s, 'user', %s)",
                            [(uid, conv, t) for t in texts])
        db.commit()
        return uid

    return _make


def found(app, query: str) -> list[str]:
    return sorted(r[0] for r in app.execute("SELECT content FROM api.search_messages(%s, p_limit => 100)", (query,)).fetchall())


def test_words_told_apart_only_by_an_accent_stay_apart(user_with, as_app):
    app = as_app(user_with("Quais países pedem visto?", "Meus pais chegam sábado",
                           "Liguei para a minha avó", "Liguei para o meu avô",
                           "O nó da corda soltou", "A aeronave está no hangar", "O pôr do sol é às 18h",
                           "Vai fazer sol por volta das 10h"))
    assert found(app, "país") == ["Quais países pedem visto?"]
    assert found(app, "meus pais") == ["Meus pais chegam sábado"]
    assert found(app, "avó") == ["Liguei para a minha avó"]
    assert found(app, "avô") == ["Liguei para o meu avô"]
    assert found(app, "nó") == ["O nó da corda soltou"]
    assert found(app, "pôr do sol") == ["O pôr do sol é às 18h"]


def test_a_compound_typed_as_two_words_meets_its_joined_and_hyphenated_forms(user_with, as_app):
    app = as_app(user_with("tem check list de abandono?", "Checklist de pouso", "o check-list pré-voo",
                           "vou fazer o pre voo agora", "Bem vindo ao portal"))
    assert found(app, "checklist") == ["Checklist de pouso", "o check-list pré-voo", "tem check list de abandono?"]
    assert found(app, "check list") == found(app, "checklist")
    assert found(app, "pré-voo") == ["o check-list pré-voo", "vou fazer o pre voo agora"]
    assert found(app, "bem-vindo") == ["Bem vindo ao portal"]


def test_an_excluded_word_keeps_words_that_only_begin_with_it(user_with, as_app):
    app = as_app(user_with("Consulta o estoque de papel A4", "Os papéis entraram no estoque",
                           "A nota da Papelaria Central entrou no estoque"))
    assert found(app, "estoque -papel") == ["A nota da Papelaria Central entrou no estoque"]  # papéis is papel
    ranked = [r[0] for r in app.execute("SELECT content FROM api.search_messages('papel')").fetchall()]
    assert ranked[-1] == "A nota da Papelaria Central entrou no estoque"  # a prefix hit, below the whole words
    assert found(app, "papelaria") == ["A nota da Papelaria Central entrou no estoque"]


def test_verb_forms_of_verificar_meet(user_with, as_app):
    texts = ("Verifica se tem estoque", "Verifique o interruptor", "Verifiquei o óleo", "A verificação do ELT")
    app = as_app(user_with(*texts))
    for q in ("verificar", "verifiquei", "verificação", "verifica"):
        assert found(app, q) == sorted(texts), q


def test_two_swapped_letters_are_corrected_to_the_users_own_word(user_with, as_app):
    app = as_app(user_with("qual o METAR de SBGR agora?"))
    rows = app.execute("SELECT content, suggestion FROM api.search_messages('meatr sbgr')").fetchall()
    assert rows == [("qual o METAR de SBGR agora?", "metar sbgr")]


def test_a_swap_is_never_corrected_to_a_word_only_another_user_wrote(user_with, as_app):
    user_with("qual o METAR de SBGR agora?")  # the other user's word
    app = as_app(user_with("SBGR fechado para pousos"))
    rows = app.execute("SELECT content, suggestion FROM api.search_messages('meatr sbgr')").fetchall()
    assert all(s is None or "metar" not in s for _, s in rows)
