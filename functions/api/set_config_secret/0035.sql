-- api.set_config_secret(key, value, description, updated_by): create or change a secret entry.
-- The only way a secret value is written. SECURITY DEFINER: no role holds a privilege on
-- ops.config_secrets. The value is stored encrypted under the session's assistant.secrets_key
-- (ops.secrets_seal), a key that lives with the service, never in the database or its dumps; the
-- audit of ops.config_secrets masks it as well.
-- Callers should pass the value as a bind parameter: a literal in the statement text could
-- reach pg_stat_activity (and the server log, were the statement slow).
-- The session's key must be the one the other secrets are sealed with: a service started with a
-- wrong key is refused here rather than leaving secrets no other session can read.
CREATE OR REPLACE FUNCTION api.set_config_secret(p_key text, p_value jsonb, p_description text DEFAULT NULL,
                                                 p_updated_by text DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, ops, pg_temp
AS $$
DECLARE
    v_row ops.config%ROWTYPE;
    v_by text := coalesce(p_updated_by,
                          CASE current_setting('role') WHEN 'none' THEN session_user::text ELSE current_setting('role') END);
    v_master text := nullif(current_setting('assistant.secrets_key', true), '');
    v_sealed bytea;
    v_other bytea;
BEGIN
    IF p_key IS NULL OR p_value IS NULL OR jsonb_typeof(p_value) = 'null' THEN
        RAISE EXCEPTION 'secret configuration key and value must not be null (key %)', coalesce(p_key, 'NULL')
            USING ERRCODE = '22023', HINT = 'Pass the key and the secret value.';
    END IF;
    SELECT * INTO v_row FROM ops.config WHERE key = p_key FOR UPDATE;
    IF FOUND AND NOT v_row.is_secret THEN
        -- turning a clear entry into a secret would leave its clear history in the audit log
        RAISE EXCEPTION 'configuration key % is not secret', p_key
            USING ERRCODE = '55000', HINT = 'Use a new key for the secret, or api.set_config() for a clear value.';
    END IF;
    v_sealed := ops.secrets_seal(v_master, p_key, p_value);
    SELECT substr(s.value, 2, 8) INTO v_other
      FROM ops.config_secrets AS s
     WHERE get_byte(s.value, 0) = 1 AND substr(s.value, 2, 8) <> substr(v_sealed, 2, 8) AND s.key <> p_key
     LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'secret configuration key % not stored: the other secrets are encrypted with the key of fingerprint %, this session''s assistant.secrets_key has fingerprint %',
                        p_key, encode(v_other, 'hex'), encode(substr(v_sealed, 2, 8), 'hex')
            USING ERRCODE = '22023',
                  HINT = format('Give the session the key of fingerprint %s, or change keys with api.rotate_secrets_key(). '
                                'If that key is lost: api.discard_config_secrets(%L), then set the secrets again.',
                                encode(v_other, 'hex'), encode(v_other, 'hex'));
    END IF;
    IF v_row.key IS NULL THEN
        INSERT INTO ops.config (key, value, config_type, description, is_secret, updated_by)
        VALUES (p_key, NULL, 'credentials', coalesce(p_description, ''), true, v_by);
    ELSE
        UPDATE ops.config
           SET description = coalesce(p_description, description), updated_by = v_by, updated_at = now()
         WHERE key = p_key;
    END IF;
    INSERT INTO ops.config_secrets (key, value) VALUES (p_key, v_sealed)
        ON CONFLICT (key) DO UPDATE SET value = excluded.value;
END;
$$;

COMMENT ON FUNCTION api.set_config_secret(text, jsonb, text, text) IS
    'Creates (as credentials) or changes a secret configuration entry; the value is stored in ops.config_secrets encrypted under the session''s assistant.secrets_key (55000 without one, 22023 when the other secrets use another key), readable by no application or dashboard role, and audited as "***". Refuses a key that holds a clear value (55000).';

GRANT EXECUTE ON FUNCTION api.set_config_secret(text, jsonb, text, text) TO assistant_service;
