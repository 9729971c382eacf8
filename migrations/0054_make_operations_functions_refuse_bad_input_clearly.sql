-- The operations functions apps call (write_log, raise_alert, start_process, record_api_call,
-- complete_process) bound every text and JSON argument (a 20 MB log line or 10 MB of process
-- parameters was stored) and say which argument is wrong: 22023 naming it with the accepted
-- values, 22001 naming it with its size and the limit (util.refuse_oversized_argument). Levels
-- and severities become text in any case: the enum types live in ops, which apps cannot use, so
-- `api.write_log('info', ...)` with a bound parameter failed with 22P02 or 42704.
-- depends: 0053_validate_write_bounds
-- functions: util.refuse_oversized_argument
-- functions-after: api.write_log api.raise_alert api.start_process api.record_api_call api.complete_process

-- the old signatures go: their callers pass the level and severity as literals or text, which
-- the new text signatures take as they are (an app could never name the ops enum types)
-- squawk-ignore ban-drop-function
DROP FUNCTION api.write_log(ops.log_level, text, text, jsonb);
-- squawk-ignore ban-drop-function
DROP FUNCTION api.raise_alert(text, ops.alert_severity, text, text, jsonb, text, text);
