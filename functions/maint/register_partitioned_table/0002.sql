-- maint.register_partitioned_table(...): put a RANGE-partitioned table under partition
-- maintenance: validate it, record its policy, create its default and first partitions.
CREATE OR REPLACE FUNCTION maint.register_partitioned_table(
    p_parent regclass,
    p_interval text,
    p_premake integer DEFAULT 3,
    p_retention interval DEFAULT NULL,
    p_retention_action text DEFAULT 'drop')
RETURNS TABLE (parent text, action text, partition text, detail text)
LANGUAGE plpgsql
VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    v_relkind "char";
    v_strategy "char";
    v_nkeys smallint;
    v_key_type regtype;
    v_old text;
BEGIN
    IF p_parent IS NULL THEN
        RAISE EXCEPTION 'partitioned table must not be NULL' USING ERRCODE = '22004', HINT = 'Pass the table, e.g. ''core.messages''.';
    END IF;
    SELECT c.relkind, pt.partstrat, pt.partnatts, a.atttypid::regtype
      INTO v_relkind, v_strategy, v_nkeys, v_key_type
      FROM pg_class c
      LEFT JOIN pg_partitioned_table pt ON pt.partrelid = c.oid
      LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = pt.partattrs[0]
     WHERE c.oid = p_parent;
    IF v_relkind IS DISTINCT FROM 'p' THEN
        RAISE EXCEPTION 'table % is not partitioned', p_parent
              USING ERRCODE = '42809', HINT = 'Create it with PARTITION BY RANGE (<timestamptz column>).';
    END IF;
    IF v_strategy <> 'r' OR v_nkeys <> 1 OR v_key_type IS DISTINCT FROM 'timestamptz'::regtype THEN
        RAISE EXCEPTION 'table % is not partitioned by RANGE on one timestamptz column', p_parent
              USING ERRCODE = '42809',
                    HINT = 'Partition maintenance handles PARTITION BY RANGE (<timestamptz column>) only; an expression key is not supported.';
    END IF;
    IF p_interval IS NULL OR p_interval NOT IN ('day', 'month') THEN
        RAISE EXCEPTION 'invalid partition interval % for %', coalesce(p_interval, 'NULL'), p_parent
              USING ERRCODE = '22023', HINT = 'Use ''day'' or ''month''.';
    END IF;
    IF p_premake IS NULL OR p_premake < 0 OR p_premake > 400 THEN
        RAISE EXCEPTION 'invalid premake % for %', coalesce(p_premake::text, 'NULL'), p_parent
              USING ERRCODE = '22023', HINT = 'Premake is how many future partitions to keep ready: 0 to 400.';
    END IF;
    IF p_retention IS NOT NULL AND p_retention <= interval '0' THEN
        RAISE EXCEPTION 'invalid retention % for %', p_retention, p_parent
              USING ERRCODE = '22023', HINT = 'Give a positive interval such as ''90 days'', or NULL to keep every partition.';
    END IF;
    IF p_retention_action IS NULL OR p_retention_action NOT IN ('drop', 'detach') THEN
        RAISE EXCEPTION 'invalid retention action % for %', coalesce(p_retention_action, 'NULL'), p_parent
              USING ERRCODE = '22023', HINT = 'Use ''drop'' or ''detach'' (detach moves expired partitions into schema archive).';
    END IF;

    SELECT p.partition_interval INTO v_old FROM maint.partition_policies p WHERE p.parent = p_parent;
    IF v_old IS NOT NULL AND v_old <> p_interval
       AND EXISTS (SELECT FROM maint.partition_bounds(p_parent)) THEN
        RAISE EXCEPTION 'table % is already partitioned by %, not by %', p_parent, v_old, p_interval
              USING ERRCODE = '22023',
                    HINT = 'Changing the interval of a table with partitions is a data migration, not a policy change.';
    END IF;

    -- registering again updates the policy (premake, retention), so a later migration can tune it
    INSERT INTO maint.partition_policies AS p (parent, partition_interval, premake, retention, retention_action)
    VALUES (p_parent, p_interval, p_premake, p_retention, p_retention_action)
    ON CONFLICT (parent) DO UPDATE
       SET partition_interval = excluded.partition_interval, premake = excluded.premake,
           retention = excluded.retention, retention_action = excluded.retention_action;

    RETURN QUERY SELECT p_parent::text, CASE WHEN v_old IS NULL THEN 'register' ELSE 'update' END, NULL::text,
        format('%s partitions, premake %s, retention %s', p_interval, p_premake,
               coalesce(p_retention_action || ' after ' || p_retention::text, 'none'));
    RETURN QUERY SELECT * FROM maint.maintain_partitions(p_parent);
END;
$$;

COMMENT ON FUNCTION maint.register_partitioned_table(regclass, text, integer, interval, text) IS
    'Puts a table partitioned BY RANGE on one timestamptz column under maintenance: records (or updates) its policy, then runs maint.maintain_partitions for it (default partition, current period through premake ahead, retention). 42809 for a table of the wrong shape, 22023 for a bad parameter. Returns what it did.';
