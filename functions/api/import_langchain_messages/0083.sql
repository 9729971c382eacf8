-- api.import_langchain_messages(rows, source): import rows of a langchain-postgres message_store
-- table (id serial, session_id, message jsonb: {"type": "human"|"ai"|"system"|"tool", "data":
-- {"content": ..., ...}}, and created_at when the table has it) into the acting user's
-- conversations: one conversation per session_id, messages in (created_at, id) order, roles
-- human -> user, ai -> assistant, system, tool; content a string or the text parts of a list;
-- what else langchain kept (its ids, name, additional_kwargs, response_metadata, tool calls) in
-- metadata.langchain. p_rows is a JSON array of {id, session_id, message, created_at?} in id
-- order, e.g. SELECT jsonb_agg(to_jsonb(s) ORDER BY s.id) FROM message_store AS s WHERE ...,
-- in batches (at most 100,000 rows a call; bench/RESULTS.md has the rate). Rows without a
-- created_at are dated at the import, in id order.
-- Idempotent: a row whose (source, id) was imported before is skipped. Refused rows (no id or
-- session, unknown type, no text, oversized, created_at not between 2000-01-01 and a day ahead)
-- are returned with the reason. For assistant_service, acting for the user (api.act_as).
CREATE OR REPLACE FUNCTION api.import_langchain_messages(p_rows jsonb, p_source text DEFAULT 'langchain-postgres',
    OUT imported bigint, OUT skipped bigint, OUT refused bigint, OUT refusals jsonb)
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_user uuid := core.require_user_id();
BEGIN
    IF p_rows IS NULL OR jsonb_typeof(p_rows) <> 'array' OR jsonb_array_length(p_rows) > 100000 THEN
        RAISE EXCEPTION 'api.import_langchain_messages: p_rows must be a JSON array of at most 100,000 rows'
            USING ERRCODE = '22023', HINT = 'Pass [{"id": 1, "session_id": "...", "message": {"type": "human", "data": {"content": "..."}}}, ...] in batches.';
    END IF;
    IF p_source IS NULL OR length(p_source) NOT BETWEEN 1 AND 200 THEN
        RAISE EXCEPTION 'api.import_langchain_messages: p_source must be 1 to 200 characters'
            USING ERRCODE = '22023', HINT = 'Name the store (default langchain-postgres); the same name makes a re-run skip what it imported.';
    END IF;
    DROP TABLE IF EXISTS pg_temp.import_rows;
    CREATE TEMPORARY TABLE import_rows ON COMMIT DROP AS
    SELECT x.key, x.session, x.seq, x.role, x.content, x.created_at, x.metadata,
           'langchain session ' || x.session AS session_name, '{}'::jsonb AS session_metadata,
           CASE WHEN x.key IS NULL OR length(x.key) > 500 THEN 'no id (or over 500 characters)'
                WHEN x.session IS NULL OR length(x.session) > 500 THEN 'no session_id (or over 500 characters)'
                WHEN x.role IS NULL THEN 'unknown message type ' || coalesce(x.type, 'NULL') || ' (human, ai, system or tool)'
                WHEN x.content IS NULL OR NOT util.has_visible_text(x.content) THEN 'no visible text in message.data.content'
                WHEN length(x.content) > 100000 THEN 'content over 100,000 characters'
                WHEN x.created_at IS NULL THEN 'created_at is not a timestamp: ' || left(x.created_at_text, 40)
                WHEN x.created_at < '2000-01-01 00:00+00' OR x.created_at > now() + interval '1 day'
                    THEN 'created_at ' || x.created_at || ' not between 2000-01-01 and a day ahead'
                WHEN octet_length(x.metadata::text) > 65536 THEN 'metadata over 64 KiB'
           END AS reason
      FROM (SELECT e.value->>'id' AS key,
                   e.value->>'session_id' AS session,
                   e.ordinality AS seq,
                   t.type,
                   CASE t.type WHEN 'human' THEN 'user' WHEN 'user' THEN 'user'
                               WHEN 'ai' THEN 'assistant' WHEN 'AIMessageChunk' THEN 'assistant' WHEN 'assistant' THEN 'assistant'
                               WHEN 'system' THEN 'system' WHEN 'tool' THEN 'tool' WHEN 'function' THEN 'tool'
                   END::api.message_role AS role,
                   CASE jsonb_typeof(d.data->'content')
                        WHEN 'string' THEN d.data->>'content'
                        WHEN 'array' THEN (SELECT string_agg(CASE jsonb_typeof(p.value) WHEN 'string' THEN p.value #>> '{}'
                                                                ELSE p.value->>'text' END, E'\n' ORDER BY p.ordinality)
                                             FROM jsonb_array_elements(d.data->'content') WITH ORDINALITY AS p)
                   END AS content,
                   e.value->>'created_at' AS created_at_text,
                   CASE WHEN e.value->>'created_at' IS NULL THEN now()
                        ELSE core.try_timestamptz(e.value->>'created_at') END AS created_at,
                   jsonb_build_object('source', p_source, 'langchain', jsonb_strip_nulls(jsonb_build_object(
                       'id', e.value->'id', 'type', t.type, 'message_id', d.data->'id', 'name', d.data->'name',
                       'additional_kwargs', nullif(d.data->'additional_kwargs', '{}'),
                       'response_metadata', nullif(d.data->'response_metadata', '{}'),
                       'tool_call_id', d.data->'tool_call_id', 'tool_calls', nullif(d.data->'tool_calls', '[]')))) AS metadata
              FROM jsonb_array_elements(p_rows) WITH ORDINALITY AS e
             CROSS JOIN LATERAL (SELECT CASE jsonb_typeof(e.value->'message') WHEN 'object' THEN e.value->'message'
                                             WHEN 'string' THEN (e.value->>'message')::jsonb END AS message) AS mm
             CROSS JOIN LATERAL (SELECT mm.message->>'type' AS type) AS t
             CROSS JOIN LATERAL (SELECT mm.message->'data' AS data) AS d) AS x;
    SELECT s.imported, s.skipped, s.refused, s.refusals INTO imported, skipped, refused, refusals
      FROM core.import_staged(v_user, p_source) AS s;
    DROP TABLE pg_temp.import_rows;
END;
$$;
COMMENT ON FUNCTION api.import_langchain_messages(jsonb, text) IS
    'Imports rows of a langchain-postgres message_store table (JSON array of {id, session_id, message, created_at?}) into the acting user''s conversations, one per session, in order; idempotent by (source, id). Returns imported, skipped (imported before), refused and the refusals [{key, session, reason}]. 22023 for a batch that is not an array or over 100,000 rows; 28Y01 with no api.act_as. For assistant_service.';
REVOKE EXECUTE ON FUNCTION api.import_langchain_messages(jsonb, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION api.import_langchain_messages(jsonb, text) TO assistant_service;
