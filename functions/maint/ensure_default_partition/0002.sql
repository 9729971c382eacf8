-- maint.ensure_default_partition(regclass): give a partitioned table its default partition
-- <parent>_default when it has none, so a row outside every range is kept rather than refused.
CREATE OR REPLACE FUNCTION maint.ensure_default_partition(p_parent regclass)
RETURNS TABLE (parent text, action text, partition text, detail text)
LANGUAGE plpgsql
VOLATILE
STRICT
SET search_path = pg_catalog, pg_temp
SET lock_timeout = '250ms'
AS $$
#variable_conflict use_column
DECLARE
    v_schema name;
    v_table name;
    v_new regclass;
BEGIN
    IF (SELECT partdefid FROM pg_partitioned_table WHERE partrelid = p_parent) <> 0 THEN
        RETURN;
    END IF;
    PERFORM set_config('lock_timeout', coalesce(nullif(current_setting('maint.lock_timeout', true), ''), '250ms'), true);
    -- one maintainer per parent at a time (a second one waits, then finds the work done)
    PERFORM pg_advisory_xact_lock((x'6d6e7470'::bigint << 32) | p_parent::oid::bigint);
    IF (SELECT partdefid FROM pg_partitioned_table WHERE partrelid = p_parent) <> 0 THEN
        RETURN;
    END IF;

    SELECT n.nspname, c.relname INTO STRICT v_schema, v_table
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = p_parent;
    v_new := maint.create_partition_table(p_parent, maint.partition_name(v_table, '_default'),
        format('Default partition of %I.%I: rows outside every range partition land here; '
               'CALL maint.repair_default_partition(%L) moves them out.', v_schema, v_table,
               format('%I.%I', v_schema, v_table)));
    EXECUTE format('ALTER TABLE %I.%I ATTACH PARTITION %s DEFAULT', v_schema, v_table, v_new);

    RETURN QUERY SELECT format('%I.%I', v_schema, v_table), 'create', v_new::text, 'DEFAULT'::text;
END;
$$;

COMMENT ON FUNCTION maint.ensure_default_partition(regclass) IS
    'Creates and attaches <parent>_default when the partitioned table has no default partition; returns what it did (nothing when one exists).';
