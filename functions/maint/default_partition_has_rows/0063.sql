-- 0063: the probes of a partition's rows select a constant (SELECT 1 FROM ...), not an empty
-- select list, which Citus cannot plan on a distributed partition ("a column definition list is
-- required for functions returning record"); the same answer on one server.
-- maint.default_partition_has_rows(regclass): whether a default partition holds any row, for the
-- report view. SECURITY DEFINER so assistant_readonly can see it without reading the rows.
CREATE OR REPLACE FUNCTION maint.default_partition_has_rows(p_partition regclass)
RETURNS boolean
LANGUAGE plpgsql
STABLE
STRICT
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_has boolean;
BEGIN
    -- only a default partition may be probed: anything else would leak whether any table of
    -- the owner is empty
    IF NOT EXISTS (SELECT FROM pg_partitioned_table WHERE partdefid = p_partition) THEN
        RAISE EXCEPTION 'relation % is not a default partition', p_partition
              USING ERRCODE = '42809', HINT = 'Pass the default partition of a partitioned table (pg_partitioned_table.partdefid).';
    END IF;
    -- a table the owner role may not read (made by another role) shows as unknown, not an error
    IF NOT has_table_privilege(p_partition, 'SELECT') THEN
        RETURN NULL;
    END IF;
    EXECUTE format('SELECT EXISTS (SELECT 1 FROM %s)', p_partition) INTO v_has;
    RETURN v_has;
END;
$$;

COMMENT ON FUNCTION maint.default_partition_has_rows(regclass) IS
    'True when the given default partition holds at least one row (rows stuck there block the partition they belong to). SECURITY DEFINER: lets the readonly role see the flag in maint.partition_report; NULL when the owner role cannot read it; refuses anything but a default partition (42809).';

GRANT EXECUTE ON FUNCTION maint.default_partition_has_rows(regclass) TO assistant_readonly;
