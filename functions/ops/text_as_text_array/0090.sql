-- ops.text_as_text_array(text): a text array from its text form, as text::text[] reads it; the
-- inverse of ops.text_array_as_text, IMMUTABLE for the same reason (text elements parse the same
-- under every setting).
CREATE OR REPLACE FUNCTION ops.text_as_text_array(p_value text)
RETURNS text[]
LANGUAGE sql
IMMUTABLE
STRICT
PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT p_value::text[]
$$;

COMMENT ON FUNCTION ops.text_as_text_array(text) IS
    'p_value::text[], declared IMMUTABLE (text elements parse the same under every setting): how api.erase_user writes a text[] column back in an UPDATE that Citus runs on every shard.';

REVOKE EXECUTE ON FUNCTION ops.text_as_text_array(text) FROM PUBLIC;
