-- core.require_enum_label(type, value, function, argument): the write API's reading of an enum
-- argument sent as text. Returns the label when it is one of the type's labels; otherwise raises
-- 22P02 (not a label) or 22004 (NULL), naming the function and the argument, with the labels in
-- the hint. A lookup in the type's labels, not a cast inside an exception block: no
-- subtransaction per call (which Citus would have to carry to every shard it touches).
CREATE OR REPLACE FUNCTION core.require_enum_label(p_type regtype, p_value text, p_function text, p_argument text)
RETURNS text
LANGUAGE plpgsql
STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_labels text[];
BEGIN
    SELECT array_agg(e.enumlabel::text ORDER BY e.enumsortorder) INTO v_labels
      FROM pg_enum AS e
     WHERE e.enumtypid = p_type;
    IF p_value IS NULL THEN
        RAISE EXCEPTION '%: % must not be NULL', p_function, p_argument
            USING ERRCODE = '22004',
                  HINT = format('Pass one of: %s.', array_to_string(v_labels, ', '));
    END IF;
    IF NOT (p_value = ANY (v_labels)) THEN
        RAISE EXCEPTION '%: % is not a valid % (got %)', p_function, p_argument, p_type, quote_literal(left(p_value, 100))
            USING ERRCODE = '22P02',
                  HINT = format('%s is one of: %s (lower case, as written).', p_argument, array_to_string(v_labels, ', '));
    END IF;
    RETURN p_value;
END;
$$;

COMMENT ON FUNCTION core.require_enum_label(regtype, text, text, text) IS
    'The write API''s check of an enum argument sent as text: returns it when it is a label of the type; 22P02 (or 22004 for NULL) naming the function and argument, with the labels in the hint.';

REVOKE EXECUTE ON FUNCTION core.require_enum_label(regtype, text, text, text) FROM PUBLIC;
