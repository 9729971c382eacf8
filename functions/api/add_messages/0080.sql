-- api.add_messages: add many messages to one of the acting user's conversations in one INSERT
-- (so the messages trigger runs once: one counter update however many rows) and return them in
-- the order given, each later than the one before (clock_timestamp() per row, ids in order).
-- Two forms:
--   api.add_messages(conversation, messages jsonb): a JSON array of objects with the keys role
--     and content (required) and parts, metadata, agent, intent, confidence, latency_ms,
--     rag_context, audio_duration_ms, transcription_model, created_at (optional); any other key
--     is refused (22023 naming it), so a misspelt key is not silently dropped;
--   api.add_messages(conversation, roles text[], contents text[], agents text[], metadata jsonb[]):
--     parallel arrays (same length; agents and metadata optional).
-- At most 10,000 messages a call (22023). Write API (0060); see api.start_conversation.
-- 0080: the enum types it names live in api (apps may name them).
CREATE OR REPLACE FUNCTION api.add_messages(p_conversation_id uuid, p_messages jsonb)
RETURNS SETOF api.messages
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_user uuid := core.require_user_id();
    v_n integer;
    v_bad record;
    v_keys constant text[] := ARRAY['role', 'content', 'parts', 'metadata', 'agent', 'intent', 'confidence',
                                    'latency_ms', 'rag_context', 'audio_duration_ms', 'transcription_model',
                                    'created_at'];
BEGIN
    PERFORM core.require_own_conversation(v_user, p_conversation_id, 'api.add_messages', 'p_conversation_id');
    IF p_messages IS NULL OR jsonb_typeof(p_messages) <> 'array' THEN
        RAISE EXCEPTION 'api.add_messages: p_messages must be a JSON array of message objects, not %',
                        coalesce(jsonb_typeof(p_messages), 'NULL')
            USING ERRCODE = '22023', HINT = 'Pass [{"role": "user", "content": "..."}, ...].';
    END IF;
    v_n := jsonb_array_length(p_messages);
    IF v_n = 0 OR v_n > 10000 THEN
        RAISE EXCEPTION 'api.add_messages: p_messages holds % messages; 1 to 10,000 are accepted', v_n
            USING ERRCODE = '22023', HINT = 'Send more than 10,000 messages in several calls.';
    END IF;
    SELECT e.ordinality AS n, jsonb_typeof(e.value) AS kind,
           (SELECT min(k) FROM jsonb_object_keys(CASE WHEN jsonb_typeof(e.value) = 'object' THEN e.value END) AS k
             WHERE NOT (k = ANY (v_keys))) AS key
      INTO v_bad
      FROM jsonb_array_elements(p_messages) WITH ORDINALITY AS e
     WHERE jsonb_typeof(e.value) <> 'object'
        OR EXISTS (SELECT FROM jsonb_object_keys(CASE WHEN jsonb_typeof(e.value) = 'object' THEN e.value END) AS k
                    WHERE NOT (k = ANY (v_keys)))
     ORDER BY e.ordinality
     LIMIT 1;
    IF FOUND THEN
        IF v_bad.kind <> 'object' THEN
            RAISE EXCEPTION 'api.add_messages: p_messages[%] is a JSON %, not an object', v_bad.n - 1, v_bad.kind
                USING ERRCODE = '22023', HINT = 'Each element is {"role": ..., "content": ...}.';
        END IF;
        RAISE EXCEPTION 'api.add_messages: p_messages[%] has the unknown key %', v_bad.n - 1, quote_literal(left(v_bad.key, 100))
            USING ERRCODE = '22023', HINT = format('The keys are: %s.', array_to_string(v_keys, ', '));
    END IF;
    -- each role checked (22P02 names the element), then one multi-row INSERT in the array's order
    PERFORM core.require_enum_label('api.message_role', e.value ->> 'role', 'api.add_messages',
                                    format('p_messages[%s].role', e.ordinality - 1))
       FROM jsonb_array_elements(p_messages) WITH ORDINALITY AS e;
    RETURN QUERY
    INSERT INTO core.messages (user_id, conversation_id, created_at, role, content, parts, latency_ms, intent,
                               confidence, rag_context, audio_duration_ms, transcription_model, agent, metadata)
    SELECT v_user, p_conversation_id, coalesce((e.value ->> 'created_at')::timestamptz, clock_timestamp()),
           (e.value ->> 'role')::api.message_role, e.value ->> 'content', e.value -> 'parts',
           (e.value ->> 'latency_ms')::integer, e.value ->> 'intent', (e.value ->> 'confidence')::real,
           e.value -> 'rag_context', (e.value ->> 'audio_duration_ms')::integer, e.value ->> 'transcription_model',
           e.value ->> 'agent', coalesce(e.value -> 'metadata', '{}')
      FROM jsonb_array_elements(p_messages) WITH ORDINALITY AS e
     ORDER BY e.ordinality
    RETURNING messages.user_id, messages.conversation_id, messages.created_at, messages.id, messages.role,
              messages.content, messages.parts, messages.latency_ms, messages.intent, messages.confidence,
              messages.rag_context, messages.audio_duration_ms, messages.transcription_model, messages.agent,
              messages.metadata;
END;
$$;

COMMENT ON FUNCTION api.add_messages(uuid, jsonb) IS
    'Write API: adds 1 to 10,000 messages (a JSON array of {role, content, ...} objects; unknown keys refused with 22023) to one of the acting user''s conversations in one statement and returns them in order.';

REVOKE EXECUTE ON FUNCTION api.add_messages(uuid, jsonb) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION api.add_messages(uuid, jsonb) TO assistant_app, assistant_service;

CREATE OR REPLACE FUNCTION api.add_messages(p_conversation_id uuid, p_roles text[], p_contents text[],
                                            p_agents text[] DEFAULT NULL, p_metadata jsonb[] DEFAULT NULL)
RETURNS SETOF api.messages
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_user uuid := core.require_user_id();
    v_n integer := coalesce(cardinality(p_roles), 0);
BEGIN
    PERFORM core.require_own_conversation(v_user, p_conversation_id, 'api.add_messages', 'p_conversation_id');
    IF v_n = 0 OR v_n > 10000 THEN
        RAISE EXCEPTION 'api.add_messages: p_roles holds % values; 1 to 10,000 messages are accepted', v_n
            USING ERRCODE = '22023', HINT = 'Send more than 10,000 messages in several calls.';
    END IF;
    IF array_ndims(p_roles) > 1 OR coalesce(cardinality(p_contents), 0) <> v_n
       OR (p_agents IS NOT NULL AND cardinality(p_agents) <> v_n)
       OR (p_metadata IS NOT NULL AND cardinality(p_metadata) <> v_n) THEN
        RAISE EXCEPTION 'api.add_messages: p_roles, p_contents, p_agents and p_metadata must be one-dimensional and of one length (p_roles has %, p_contents %)',
                        v_n, coalesce(cardinality(p_contents), 0)
            USING ERRCODE = '22023', HINT = 'Pass one role and one content per message (agents and metadata: NULL or one per message).';
    END IF;
    PERFORM core.require_enum_label('api.message_role', r.role, 'api.add_messages', format('p_roles[%s]', r.n))
       FROM unnest(p_roles) WITH ORDINALITY AS r(role, n);
    RETURN QUERY
    INSERT INTO core.messages (user_id, conversation_id, created_at, role, content, agent, metadata)
    SELECT v_user, p_conversation_id, clock_timestamp(), u.role::api.message_role, u.content, u.agent,
           coalesce(u.metadata, '{}')
      FROM unnest(p_roles, p_contents, coalesce(p_agents, array_fill(NULL::text, ARRAY[v_n])),
                  coalesce(p_metadata, array_fill(NULL::jsonb, ARRAY[v_n]))) WITH ORDINALITY AS u(role, content, agent, metadata, n)
     ORDER BY u.n
    RETURNING messages.user_id, messages.conversation_id, messages.created_at, messages.id, messages.role,
              messages.content, messages.parts, messages.latency_ms, messages.intent, messages.confidence,
              messages.rag_context, messages.audio_duration_ms, messages.transcription_model, messages.agent,
              messages.metadata;
END;
$$;

COMMENT ON FUNCTION api.add_messages(uuid, text[], text[], text[], jsonb[]) IS
    'Write API: adds 1 to 10,000 messages given as parallel arrays (roles as api.message_role labels, contents; agents and metadata optional) to one of the acting user''s conversations in one statement and returns them in order.';

REVOKE EXECUTE ON FUNCTION api.add_messages(uuid, text[], text[], text[], jsonb[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION api.add_messages(uuid, text[], text[], text[], jsonb[]) TO assistant_app, assistant_service;
