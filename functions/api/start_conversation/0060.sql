-- api.start_conversation(name, metadata, started_at): create a conversation for the user named by
-- api.act_as and return it as api.conversations shows it. Part of the write API (0060): functions
-- that work the same on one PostgreSQL server and on Citus, where writes through the api views
-- are refused. SECURITY DEFINER: the user is core.require_user_id() (never an argument), so a
-- caller writes only for the user its transaction names; the table's checks and triggers apply.
CREATE OR REPLACE FUNCTION api.start_conversation(p_name text DEFAULT NULL, p_metadata jsonb DEFAULT '{}',
                                                  p_started_at timestamptz DEFAULT NULL)
RETURNS api.conversations
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_user uuid := core.require_user_id();
    v_id uuid;
    -- computed here, not in the INSERT: Citus refuses non-immutable functions inside COALESCE
    v_started_at timestamptz := coalesce(p_started_at, now());
    v_row api.conversations;
BEGIN
    INSERT INTO core.conversations (user_id, name, metadata, started_at)
    VALUES (v_user, p_name, coalesce(p_metadata, '{}'), v_started_at)
    RETURNING id INTO v_id;
    SELECT c.* INTO v_row FROM api.conversations AS c WHERE c.user_id = v_user AND c.id = v_id;
    RETURN v_row;
END;
$$;

COMMENT ON FUNCTION api.start_conversation(text, jsonb, timestamptz) IS
    'Write API: starts a conversation for the user named by api.act_as (28Y01 when none is) and returns it (api.conversations). Works on one server and on Citus.';

REVOKE EXECUTE ON FUNCTION api.start_conversation(text, jsonb, timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION api.start_conversation(text, jsonb, timestamptz) TO assistant_app, assistant_service;
