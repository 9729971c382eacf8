-- ops.get_config_secret(key): the value of a secret entry, for the trusted backend
-- (assistant_service) that calls the remote APIs. Not in api: applications and dashboards
-- never read secrets.
CREATE OR REPLACE FUNCTION ops.get_config_secret(p_key text)
RETURNS jsonb
LANGUAGE plpgsql
STABLE
STRICT
SECURITY DEFINER
SET search_path = pg_catalog, ops, pg_temp
AS $$
DECLARE
    v_value jsonb;
BEGIN
    SELECT s.value INTO v_value
      FROM ops.config_secrets AS s JOIN ops.config AS c USING (key)
     WHERE s.key = p_key AND c.is_active;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'secret configuration key % has no active value', p_key
            USING ERRCODE = 'P0002', HINT = 'Store it with api.set_config_secret().';
    END IF;
    RETURN v_value;
END;
$$;

COMMENT ON FUNCTION ops.get_config_secret(text) IS
    'The value of an active secret configuration entry (P0002 when unset or inactive). Executable by assistant_service only.';

GRANT EXECUTE ON FUNCTION ops.get_config_secret(text) TO assistant_service;
