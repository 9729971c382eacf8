-- The earlier versions (enum-typed level and severity) are re-loaded by the runner.
DROP FUNCTION api.raise_alert(text, text, text, text, jsonb, text, text);
DROP FUNCTION api.write_log(text, text, text, jsonb);
DROP FUNCTION util.refuse_oversized_argument(text, text, bigint, bigint, text);
