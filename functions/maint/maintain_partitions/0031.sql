-- maint.maintain_partitions(regclass): bring one partitioned table (or every registered one) to
-- its policy in the caller's transaction: default partition, every partition missing inside its
-- window (gaps up to premake ahead, and periods of rows waiting in the default), retention; and
-- the stray rows its default partition keeps.
CREATE OR REPLACE FUNCTION maint.maintain_partitions(p_parent regclass DEFAULT NULL)
RETURNS TABLE (parent text, action text, partition text, detail text)
LANGUAGE plpgsql
VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    v_policy record;
    v_periods timestamptz[];
    v_period timestamptz;
    v_max integer := coalesce(nullif(current_setting('maint.max_new_partitions', true), '')::integer, 100);
BEGIN
    -- Idempotent: a second run finds everything in place and returns no row (but the stray rows,
    -- reported every time). In one transaction, its locks last until the caller commits:
    -- maint.run_maintenance does the same steps one transaction each.
    IF p_parent IS NOT NULL AND NOT EXISTS (SELECT FROM maint.partition_policies p WHERE p.parent = p_parent) THEN
        RAISE EXCEPTION 'table % has no partition policy', p_parent
              USING ERRCODE = 'P0002', HINT = 'Register it first: SELECT * FROM maint.register_partitioned_table(...).';
    END IF;

    FOR v_policy IN
        SELECT p.parent, c.oid IS NOT NULL AS present
          FROM maint.partition_policies p
          LEFT JOIN pg_class c ON c.oid = p.parent
         WHERE p_parent IS NULL OR p.parent = p_parent
         ORDER BY p.parent::text
    LOOP
        IF NOT v_policy.present THEN
            RETURN QUERY SELECT v_policy.parent::text, 'skip', NULL::text,
                'the table no longer exists; remove its policy with maint.unregister_partitioned_table'::text;
            CONTINUE;
        END IF;
        RETURN QUERY SELECT * FROM maint.ensure_default_partition(v_policy.parent);

        v_periods := ARRAY(SELECT maint.partition_plan(v_policy.parent));
        IF cardinality(v_periods) > v_max THEN
            RETURN QUERY SELECT v_policy.parent::text, 'skip', NULL::text,
                format('%s partitions are due, more than maint.max_new_partitions (%s) a run: the next runs go on from %s',
                       cardinality(v_periods), v_max, v_periods[v_max + 1]);
            v_periods := v_periods[1:v_max];
        END IF;
        FOREACH v_period IN ARRAY v_periods LOOP
            RETURN QUERY SELECT a.parent, a.action, a.partition, a.detail FROM maint.attach_partition(v_policy.parent, v_period) a;
        END LOOP;

        RETURN QUERY SELECT * FROM maint.apply_retention(v_policy.parent);
        RETURN QUERY SELECT s.parent, s.action, s.partition, s.detail FROM maint.default_partition_strays(v_policy.parent) s;
    END LOOP;
END;
$$;

COMMENT ON FUNCTION maint.maintain_partitions(regclass) IS
    'Partition maintenance of one registered table or all (NULL), in the caller''s transaction: creates the default partition if missing and every partition of maint.partition_plan (missing inside the window, at most maint.max_new_partitions), moving rows waiting in the default into them; applies retention; reports the stray rows the default keeps (action stray). Returns one row per action (none when all is in place). maint.run_maintenance does the same one short transaction per step.';
