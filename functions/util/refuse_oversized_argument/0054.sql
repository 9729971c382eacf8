-- util.refuse_oversized_argument(function, argument, size, limit, unit): the one way api
-- functions refuse an input that is too big, so every such error reads alike: SQLSTATE 22001
-- (PostgreSQL's own "value too long"), the function and argument named, the size and the limit
-- given, and a hint. The limits themselves live with the functions (and in the README).
CREATE OR REPLACE FUNCTION util.refuse_oversized_argument(p_function text, p_argument text, p_size bigint,
                                                          p_limit bigint, p_unit text DEFAULT 'bytes')
RETURNS void
LANGUAGE plpgsql
IMMUTABLE
PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF p_size > p_limit THEN
        RAISE EXCEPTION '%: % has % %; at most % are accepted', p_function, p_argument, p_size, p_unit, p_limit
            USING ERRCODE = '22001',
                  HINT = format('Send at most %s %s in %s: keep a large document elsewhere and pass a reference to it.',
                                p_limit, p_unit, p_argument);
    END IF;
END;
$$;

COMMENT ON FUNCTION util.refuse_oversized_argument(text, text, bigint, bigint, text) IS
    'Raises 22001 naming the function and argument when p_size exceeds p_limit (p_unit: bytes or characters); does nothing otherwise. Used by the api functions for their size limits.';

REVOKE EXECUTE ON FUNCTION util.refuse_oversized_argument(text, text, bigint, bigint, text) FROM PUBLIC;
