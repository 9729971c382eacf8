"""Configuration: seeded safe defaults, typed accessors, secrets nobody but the backend reads."""
import secrets
from decimal import Decimal

import psycopg
import pytest

SECRETS_KEY = secrets.token_hex(32)


@pytest.fixture
def service(connect):
    """A connection as assistant_service that gives the secrets key, as the backend does."""
    def _service():
        conn = connect(role="assistant_service")
        conn.execute("SELECT set_config('assistant.secrets_key', %s, false)", (SECRETS_KEY,))
        return conn
    return _service


def test_defaults_are_seeded_and_read_through_typed_accessors(connect):
    app = connect(role="assistant_app")
    row = app.execute("SELECT api.config_numeric('wake_word.sensitivity'), api.config_text('tts.voice'), "
                      "api.config_text('brain.model'), api.config_numeric('brain.temperature'), "
                      "api.config_numeric('brain.max_tokens')").fetchone()
    assert row == (Decimal("0.7"), "pt_BR-faber-medium", "qwen2.5:3b", Decimal("0.7"), 200)


def test_accessors_return_the_default_for_a_missing_or_inactive_key(sql, connect):
    sql("UPDATE ops.config SET is_active = false WHERE key = 'tts.voice'")
    app = connect(role="assistant_app")
    assert app.execute("SELECT api.config_text('tts.voice', 'fallback'), api.config_numeric('no.such_key', 42), "
                       "api.config_boolean('feature.beta', false), api.config_text('no.such_key')").fetchone() == (
        "fallback", 42, False, None)


def test_accessor_of_the_wrong_type_is_an_error(connect):
    app = connect(role="assistant_app")
    with pytest.raises(psycopg.errors.InvalidParameterValue, match="brain.model holds a JSON string, not a number"):
        app.execute("SELECT api.config_numeric('brain.model', 1)")


def test_boolean_accessor_reads_a_feature_flag(sql, connect):
    sql("SELECT api.set_config('feature.voice_cloning', 'true', 'feature_flag', 'Lets users clone a voice.')")
    assert connect(role="assistant_app").execute("SELECT api.config_boolean('feature.voice_cloning', false)").fetchone() == (True,)


@pytest.mark.parametrize("role", ["assistant_app", "assistant_readonly"])
def test_app_and_readonly_roles_cannot_read_secrets(connect, service, role):
    service().execute("SELECT api.set_config_secret('erp.api_token', %s)", ('"s3cr3t-tok"',))
    conn = connect(role=role)
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute("SELECT value FROM ops.config_secrets")
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute("SELECT ops.get_config_secret('erp.api_token')")
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="erp.api_token is secret"):
        conn.execute("SELECT api.config_text('erp.api_token')")
    shown = conn.execute("SELECT value, is_secret, config_type::text FROM api.config WHERE key = 'erp.api_token'").fetchone()
    assert shown == ("***", True, "credentials")
    everything = conn.execute("SELECT string_agg(c::text, ' ') FROM api.config c").fetchone()[0]
    assert "s3cr3t-tok" not in everything


def test_the_service_role_reads_a_secret_through_its_function(service):
    service = service()
    service.execute("SELECT api.set_config_secret('erp.api_token', %s, 'ERP token')", ('"s3cr3t-tok"',))
    assert service.execute("SELECT ops.get_config_secret('erp.api_token')").fetchone() == ("s3cr3t-tok",)
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        service.execute("SELECT * FROM ops.config_secrets")


def test_an_unset_secret_is_no_data(service):
    with pytest.raises(psycopg.errors.NoDataFound, match="erp.api_token has no active value"):
        service().execute("SELECT ops.get_config_secret('erp.api_token')")


def test_a_secret_is_never_stored_in_the_config_table(sql, service):
    service().execute("SELECT api.set_config_secret('erp.api_token', %s)", ('"s3cr3t"',))
    assert sql("SELECT value FROM ops.config WHERE key = 'erp.api_token'") == [(None,)]
    with pytest.raises(psycopg.errors.CheckViolation, match="config_value_check"):
        sql("UPDATE ops.config SET value = '\"leak\"' WHERE key = 'erp.api_token'")


def test_credentials_cannot_be_stored_in_clear(sql):
    with pytest.raises(psycopg.errors.InvalidParameterValue, match="always secret"):
        sql("SELECT api.set_config('crm.password', '\"pw\"', 'credentials')")
    with pytest.raises(psycopg.errors.CheckViolation, match="config_config_type_check"):
        sql("INSERT INTO ops.config (key, value, config_type) VALUES ('crm.password', '\"pw\"', 'credentials')")


def test_a_clear_entry_cannot_become_a_secret(sql):
    with pytest.raises(psycopg.errors.ObjectNotInPrerequisiteState, match="brain.model is not secret"):
        sql("SELECT api.set_config_secret('brain.model', '\"x\"')")
    with pytest.raises(psycopg.errors.ObjectNotInPrerequisiteState, match="erp.api_token is secret"):
        sql("SELECT api.set_config('erp.api_token', '\"x\"')")


def test_set_config_creates_and_changes_entries(sql, one):
    sql("SELECT api.set_config('erp.base_url', '\"https://erp.example/api\"', 'endpoint', 'ERP API root', 'ana')")
    sql("SELECT api.set_config('brain.temperature', '0.2', p_updated_by => 'ana')")
    assert sql("SELECT key, value, config_type::text, updated_by FROM ops.config "
               "WHERE key IN ('erp.base_url', 'brain.temperature') ORDER BY key") == [
        ("brain.temperature", 0.2, "setting", "ana"), ("erp.base_url", "https://erp.example/api", "endpoint", "ana")]
    with pytest.raises(psycopg.errors.InvalidParameterValue, match="no type was given"):
        sql("SELECT api.set_config('new.key', '1')")
    with pytest.raises(psycopg.errors.CheckViolation, match="config_key_check"):
        sql("SELECT api.set_config('NoNamespace', '1', 'setting')")


@pytest.mark.parametrize("statement", [
    "SELECT api.set_config('brain.max_tokens', '1')",
    "SELECT api.set_config_secret('erp.api_token', '\"x\"')",
    "UPDATE ops.config SET value = '1' WHERE key = 'brain.max_tokens'",
    "INSERT INTO ops.config (key, value, config_type) VALUES ('a.b', '1', 'setting')",
    "DELETE FROM ops.config",
])
@pytest.mark.parametrize("role", ["assistant_app", "assistant_readonly"])
def test_app_and_readonly_roles_cannot_write_configuration(connect, role, statement):
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        connect(role=role).execute(statement)


def test_default_seeds_are_idempotent(sql, db_url, one):
    from pathlib import Path
    seed = (Path(__file__).resolve().parents[2] / "seeds" / "default" / "ops_config.sql").read_text()
    sql("SELECT api.set_config('brain.model', '\"llama3.2:3b\"')")
    sql(seed)
    assert one("SELECT api.config_text('brain.model')") == "llama3.2:3b"
    assert one("SELECT count(*) FROM ops.config WHERE updated_by = 'seed'") >= 7
