-- maint.partition_name(text, text): <table><suffix>, the table name cut so the whole fits the
-- 63-byte identifier limit (PostgreSQL would silently truncate the suffix away instead).
CREATE OR REPLACE FUNCTION maint.partition_name(p_table text, p_suffix text)
RETURNS text
LANGUAGE plpgsql
IMMUTABLE
STRICT
PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_base text := p_table;
BEGIN
    -- cut by characters until the bytes fit, so a multibyte character is never split
    WHILE octet_length(v_base) + octet_length(p_suffix) > 63 LOOP
        v_base := left(v_base, -1);
    END LOOP;
    RETURN v_base || p_suffix;
END;
$$;

COMMENT ON FUNCTION maint.partition_name(text, text) IS
    'Partition name: the parent table name, cut to fit the 63-byte identifier limit, followed by the suffix (_p202611, _p20261122, _default).';
