-- api.import_openai_threads(export, source): import an OpenAI threads/messages JSON export — an
-- array of threads, or {"threads": [...]}; a thread {id, created_at, metadata, messages: [...]
-- or {data: [...]}}; a message {id, role, content: [{type: "text", text: {value}}], created_at
-- (epoch seconds), metadata, assistant_id, run_id, attachments} — into the acting user's
-- conversations: one per thread (named by metadata.title when there is one), messages in
-- (created_at, export order) order whichever way the export lists them, their text parts joined,
-- the rest (ids, assistant and run, metadata, attachments, non-text parts) in metadata.openai.
-- Idempotent by (source, message id); refused rows come back with the reason. For
-- assistant_service, acting for the user (api.act_as).
CREATE OR REPLACE FUNCTION api.import_openai_threads(p_export jsonb, p_source text DEFAULT 'openai',
    OUT imported bigint, OUT skipped bigint, OUT refused bigint, OUT refusals jsonb)
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_user uuid := core.require_user_id();
    v_threads jsonb := CASE jsonb_typeof(p_export) WHEN 'array' THEN p_export WHEN 'object' THEN p_export->'threads' END;
BEGIN
    IF v_threads IS NULL OR jsonb_typeof(v_threads) <> 'array' THEN
        RAISE EXCEPTION 'api.import_openai_threads: p_export must be an array of threads or {"threads": [...]}'
            USING ERRCODE = '22023', HINT = 'A thread is {"id": "thread_...", "messages": [{"id": "msg_...", "role": "user", "content": [{"type": "text", "text": {"value": "..."}}], "created_at": 1700000000}]}.';
    END IF;
    IF p_source IS NULL OR length(p_source) NOT BETWEEN 1 AND 200 THEN
        RAISE EXCEPTION 'api.import_openai_threads: p_source must be 1 to 200 characters'
            USING ERRCODE = '22023', HINT = 'Name the export (default openai); the same name makes a re-run skip what it imported.';
    END IF;
    DROP TABLE IF EXISTS pg_temp.import_rows;
    CREATE TEMPORARY TABLE import_rows ON COMMIT DROP AS
    SELECT x.key, x.session, x.seq, x.role, x.content, x.created_at, x.metadata, x.session_name, x.session_metadata,
           CASE WHEN x.key IS NULL OR length(x.key) > 500 THEN 'no message id (or over 500 characters)'
                WHEN x.session IS NULL OR length(x.session) > 500 THEN 'no thread id (or over 500 characters)'
                WHEN x.role IS NULL THEN 'unknown role ' || coalesce(x.role_text, 'NULL') || ' (user or assistant)'
                WHEN x.content IS NULL OR NOT util.has_visible_text(x.content) THEN 'no visible text in content'
                WHEN length(x.content) > 100000 THEN 'content over 100,000 characters'
                WHEN x.created_at IS NULL THEN 'created_at is not epoch seconds: ' || left(coalesce(x.created_at_text, 'NULL'), 40)
                WHEN x.created_at < '2000-01-01 00:00+00' OR x.created_at > now() + interval '1 day'
                    THEN 'created_at ' || x.created_at || ' not between 2000-01-01 and a day ahead'
                WHEN octet_length(x.metadata::text) > 65536 THEN 'metadata over 64 KiB'
           END AS reason
      FROM (SELECT m.value->>'id' AS key,
                   coalesce(t.value->>'id', m.value->>'thread_id') AS session,
                   CASE WHEN ms.descending THEN -m.ordinality ELSE m.ordinality END AS seq,
                   m.value->>'role' AS role_text,
                   CASE m.value->>'role' WHEN 'user' THEN 'user' WHEN 'assistant' THEN 'assistant' END::api.message_role AS role,
                   CASE jsonb_typeof(m.value->'content')
                        WHEN 'string' THEN m.value->>'content'
                        WHEN 'array' THEN (SELECT string_agg(p.value->'text'->>'value', E'\n\n' ORDER BY p.ordinality)
                                             FROM jsonb_array_elements(m.value->'content') WITH ORDINALITY AS p
                                            WHERE p.value->>'type' = 'text')
                   END AS content,
                   m.value->>'created_at' AS created_at_text,
                   CASE WHEN m.value->>'created_at' ~ '^[0-9]{1,11}(\.[0-9]+)?$'
                        THEN to_timestamp((m.value->>'created_at')::numeric) END AS created_at,
                   jsonb_build_object('source', p_source, 'openai', jsonb_strip_nulls(jsonb_build_object(
                       'id', m.value->'id', 'thread_id', t.value->'id', 'assistant_id', m.value->'assistant_id',
                       'run_id', m.value->'run_id', 'metadata', nullif(m.value->'metadata', '{}'),
                       'attachments', nullif(m.value->'attachments', '[]'),
                       'other_content', (SELECT jsonb_agg(p.value) FROM jsonb_array_elements(
                                             CASE jsonb_typeof(m.value->'content') WHEN 'array' THEN m.value->'content' ELSE '[]' END) AS p
                                          WHERE p.value->>'type' IS DISTINCT FROM 'text')))) AS metadata,
                   coalesce(nullif(btrim(t.value->'metadata'->>'title'), ''), 'OpenAI thread ' || (t.value->>'id')) AS session_name,
                   jsonb_build_object('openai', jsonb_strip_nulls(jsonb_build_object(
                       'thread_id', t.value->'id', 'created_at', t.value->'created_at',
                       'metadata', nullif(t.value->'metadata', '{}')))) AS session_metadata
              FROM jsonb_array_elements(v_threads) WITH ORDINALITY AS t
             CROSS JOIN LATERAL (SELECT CASE jsonb_typeof(t.value->'messages') WHEN 'array' THEN t.value->'messages'
                                             WHEN 'object' THEN t.value->'messages'->'data' END AS list) AS l
             -- an export lists a thread newest first (the API's default order) or oldest first
             CROSS JOIN LATERAL (SELECT CASE WHEN (l.list->0->>'created_at') ~ '^[0-9]{1,11}$' AND (l.list->-1->>'created_at') ~ '^[0-9]{1,11}$'
                                             THEN (l.list->0->>'created_at')::numeric > (l.list->-1->>'created_at')::numeric
                                             ELSE false END AS descending) AS ms
             CROSS JOIN LATERAL jsonb_array_elements(CASE jsonb_typeof(l.list) WHEN 'array' THEN l.list ELSE '[]' END) WITH ORDINALITY AS m) AS x;
    SELECT s.imported, s.skipped, s.refused, s.refusals INTO imported, skipped, refused, refusals
      FROM core.import_staged(v_user, p_source) AS s;
    DROP TABLE pg_temp.import_rows;
END;
$$;
COMMENT ON FUNCTION api.import_openai_threads(jsonb, text) IS
    'Imports an OpenAI threads/messages JSON export (threads with their messages) into the acting user''s conversations, one per thread, in order; idempotent by (source, message id). Returns imported, skipped (imported before), refused and the refusals [{key, session, reason}]. 22023 for an export of the wrong shape; 28Y01 with no api.act_as. For assistant_service.';
REVOKE EXECUTE ON FUNCTION api.import_openai_threads(jsonb, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION api.import_openai_threads(jsonb, text) TO assistant_service;
