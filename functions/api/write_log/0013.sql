-- api.write_log(level, source, message, fields): store one structured log line.
-- SECURITY DEFINER: apps append through it and hold no privilege on ops.system_logs, so they
-- can neither read other components' lines nor change any.
CREATE OR REPLACE FUNCTION api.write_log(p_level ops.log_level, p_source text, p_message text,
                                         p_fields jsonb DEFAULT '{}')
RETURNS bigint
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, ops, pg_temp
AS $$
DECLARE
    v_setting text := api.config_text('logs.min_level', 'INFO');
    -- an unknown setting keeps everything from INFO rather than failing every write
    v_min ops.log_level := CASE WHEN v_setting IN ('DEBUG', 'INFO', 'WARN', 'ERROR') THEN v_setting ELSE 'INFO' END;
    v_fields jsonb := coalesce(p_fields, '{}');
    v_id bigint;
BEGIN
    IF p_level IS NULL OR p_source IS NULL OR p_message IS NULL THEN
        RAISE EXCEPTION 'a log line needs a level, a source and a message'
            USING ERRCODE = '22023', HINT = 'Pass p_level (DEBUG, INFO, WARN, ERROR), p_source and p_message.';
    END IF;
    IF jsonb_typeof(v_fields) <> 'object' THEN
        RAISE EXCEPTION 'log fields of source % must be a JSON object, not %', p_source, jsonb_typeof(v_fields)
            USING ERRCODE = '22023', HINT = 'Pass {"trace_id": ..., "module": ..., ...}.';
    END IF;
    IF p_level < v_min THEN
        RETURN NULL;
    END IF;
    INSERT INTO ops.system_logs (level, source, message, log_type, trace_id, module, function_name, line,
                                 process_id, thread_id, metadata)
    VALUES (p_level, p_source, p_message, v_fields ->> 'log_type', v_fields ->> 'trace_id', v_fields ->> 'module',
            v_fields ->> 'function', (v_fields ->> 'line')::integer, (v_fields ->> 'process_id')::integer,
            (v_fields ->> 'thread_id')::bigint,
            v_fields - ARRAY['log_type', 'trace_id', 'module', 'function', 'line', 'process_id', 'thread_id'])
    RETURNING id INTO v_id;
    RETURN v_id;
END;
$$;

COMMENT ON FUNCTION api.write_log(ops.log_level, text, text, jsonb) IS
    'Appends a system log line. p_fields carries the platforms'' log fields (log_type, trace_id, module, function, line, process_id, thread_id) into their columns and everything else into metadata. Lines below the logs.min_level setting are discarded (returns NULL); otherwise returns the line''s id.';

GRANT EXECUTE ON FUNCTION api.write_log(ops.log_level, text, text, jsonb) TO assistant_app, assistant_service;
