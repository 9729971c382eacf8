-- api.discard_staged_messages(load_id): empties the caller's staged rows of one load (a load
-- api.load_staged_messages refused, to be COPYed again fixed). The loader holds no DELETE or
-- SELECT on core.message_load_staging (it would see other loaders' rows): this deletes only the
-- rows the caller staged (staged_by). Returns how many it deleted.
CREATE OR REPLACE FUNCTION api.discard_staged_messages(p_load_id text DEFAULT 'default')
RETURNS bigint
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_caller name := CASE WHEN current_setting('role') = 'none' THEN session_user ELSE current_setting('role') END;
    v_rows bigint;
BEGIN
    IF p_load_id IS NULL OR length(p_load_id) NOT BETWEEN 1 AND 200 THEN
        RAISE EXCEPTION 'api.discard_staged_messages: p_load_id must be 1 to 200 characters'
            USING ERRCODE = '22023', HINT = 'Name the load_id the rows were COPYed with (default ''default'').';
    END IF;
    DELETE FROM core.message_load_staging AS s WHERE s.load_id = p_load_id AND s.staged_by = v_caller;
    GET DIAGNOSTICS v_rows = ROW_COUNT;
    RETURN v_rows;
END;
$$;
COMMENT ON FUNCTION api.discard_staged_messages(text) IS
    'Bulk import: deletes the rows the caller COPYed into core.message_load_staging under p_load_id (a refused load, before COPYing it again); returns how many. For assistant_loader.';
REVOKE EXECUTE ON FUNCTION api.discard_staged_messages(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION api.discard_staged_messages(text) TO assistant_loader;
