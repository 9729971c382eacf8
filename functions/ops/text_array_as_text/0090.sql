-- ops.text_array_as_text(text[]): the text form of a text array, as text[]::text writes it. The cast
-- (array_out) is STABLE because some element types' output depends on settings; a text
-- element's does not, so for text[] it is IMMUTABLE, and declared so: Citus refuses a STABLE
-- function of a column in a multi-shard UPDATE, which api.erase_user runs to scrub mentions.
CREATE OR REPLACE FUNCTION ops.text_array_as_text(p_value text[])
RETURNS text
LANGUAGE sql
IMMUTABLE
STRICT
PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT p_value::text
$$;

COMMENT ON FUNCTION ops.text_array_as_text(text[]) IS
    'p_value::text, declared IMMUTABLE (text elements print the same under every setting): how api.erase_user reads a text[] column in an UPDATE that Citus runs on every shard.';

REVOKE EXECUTE ON FUNCTION ops.text_array_as_text(text[]) FROM PUBLIC;
