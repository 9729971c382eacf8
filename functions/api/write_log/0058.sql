-- api.write_log(level, source, message, fields): store one structured log line.
-- SECURITY DEFINER: apps append through it and hold no privilege on ops.system_logs, so they
-- can neither read other components' lines nor change any.
-- 0054: the level is text, matched without regard to case ('info' is INFO), so an app need not
-- name ops.log_level (a type in a schema it cannot use); every bad input is a 22023 or 22001
-- naming the argument or the field, never a cast error from inside the function.
-- 0058: bounds an app caller's transaction (core.bound_app_transaction) like api.act_as; names the
-- function and the NULL argument in its errors.
CREATE OR REPLACE FUNCTION api.write_log(p_level text, p_source text, p_message text, p_fields jsonb DEFAULT '{}')
RETURNS bigint
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, ops, pg_temp
AS $$
DECLARE
    v_setting text := upper(api.config_text('logs.min_level', 'INFO'));
    -- an unknown setting keeps everything from INFO rather than failing every write
    v_min ops.log_level := CASE WHEN v_setting IN ('DEBUG', 'INFO', 'WARN', 'ERROR') THEN v_setting ELSE 'INFO' END;
    v_level_text text := upper(btrim(p_level));
    v_level ops.log_level;
    v_fields jsonb := coalesce(p_fields, '{}');
    v_field text;
    v_id bigint;
BEGIN
    PERFORM core.bound_app_transaction();  -- 0058: an app's transaction is bounded here too
    IF p_level IS NULL OR p_source IS NULL OR p_message IS NULL THEN
        RAISE EXCEPTION 'api.write_log: a log line needs p_level, p_source and p_message (got NULL for %)',
                concat_ws(', ', CASE WHEN p_level IS NULL THEN 'p_level' END, CASE WHEN p_source IS NULL THEN 'p_source' END,
                          CASE WHEN p_message IS NULL THEN 'p_message' END)
            USING ERRCODE = '22023', HINT = 'Pass p_level (DEBUG, INFO, WARN or ERROR, any case), p_source and p_message.';
    END IF;
    IF v_level_text = 'WARNING' THEN
        v_level_text := 'WARN';  -- Python's logging name for the same level
    END IF;
    IF v_level_text NOT IN ('DEBUG', 'INFO', 'WARN', 'ERROR') THEN
        RAISE EXCEPTION 'api.write_log: p_level % is not a log level', quote_literal(left(p_level, 40))
            USING ERRCODE = '22023', HINT = 'Pass DEBUG, INFO, WARN (or WARNING) or ERROR, in any case.';
    END IF;
    v_level := v_level_text::ops.log_level;
    PERFORM util.refuse_oversized_argument('api.write_log', 'p_source', length(p_source), 200, 'characters');
    PERFORM util.refuse_oversized_argument('api.write_log', 'p_message', length(p_message), 32768, 'characters');
    IF jsonb_typeof(v_fields) <> 'object' THEN
        RAISE EXCEPTION 'api.write_log: p_fields must be a JSON object, not %', jsonb_typeof(v_fields)
            USING ERRCODE = '22023', HINT = 'Pass {"trace_id": ..., "module": ..., ...}.';
    END IF;
    PERFORM util.refuse_oversized_argument('api.write_log', 'p_fields', octet_length(v_fields::text), 65536);
    -- the fields that go into integer columns: a clear error instead of 22P02 from a cast
    FOREACH v_field IN ARRAY ARRAY['line', 'process_id', 'thread_id'] LOOP
        IF v_fields ? v_field AND jsonb_typeof(v_fields -> v_field) <> 'null'
           AND coalesce(v_fields ->> v_field, '') !~ format('^[0-9]{1,%s}$', (v_field = 'thread_id')::int * 9 + 9) THEN
            RAISE EXCEPTION 'api.write_log: p_fields.% must be a non-negative integer, not %', v_field,
                    left(v_fields -> v_field #>> '{}', 40)
                USING ERRCODE = '22023', HINT = 'Pass line, process_id and thread_id as numbers (or leave them out).';
        END IF;
    END LOOP;
    IF (v_fields ->> 'line')::integer = 0 THEN
        RAISE EXCEPTION 'api.write_log: p_fields.line must be at least 1'
            USING ERRCODE = '22023', HINT = 'Source lines count from 1; leave line out when there is none.';
    END IF;
    IF v_level < v_min THEN
        RETURN NULL;
    END IF;
    INSERT INTO ops.system_logs (level, source, message, log_type, trace_id, module, function_name, line,
                                 process_id, thread_id, metadata)
    VALUES (v_level, p_source, p_message, v_fields ->> 'log_type', v_fields ->> 'trace_id', v_fields ->> 'module',
            v_fields ->> 'function', (v_fields ->> 'line')::integer, (v_fields ->> 'process_id')::integer,
            (v_fields ->> 'thread_id')::bigint,
            v_fields - ARRAY['log_type', 'trace_id', 'module', 'function', 'line', 'process_id', 'thread_id'])
    RETURNING id INTO v_id;
    RETURN v_id;
END;
$$;

COMMENT ON FUNCTION api.write_log(text, text, text, jsonb) IS
    'Appends a system log line. p_level is DEBUG, INFO, WARN (or WARNING) or ERROR in any case. p_fields carries the platforms'' log fields (log_type, trace_id, module, function, line, process_id, thread_id) into their columns and everything else into metadata. Limits: p_source 200 characters, p_message 32,768, p_fields 64 KiB (22001 beyond). Lines below the logs.min_level setting are discarded (returns NULL); otherwise returns the line''s id. 22023 for a missing argument, an unknown level or a non-integer line/process_id/thread_id.';

REVOKE EXECUTE ON FUNCTION api.write_log(text, text, text, jsonb) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION api.write_log(text, text, text, jsonb) TO assistant_app, assistant_service;
