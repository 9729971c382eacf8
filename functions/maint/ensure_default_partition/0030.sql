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
    v_retries integer := coalesce(nullif(current_setting('maint.lock_retries', true), '')::integer, 20);
BEGIN
    IF (SELECT partdefid FROM pg_partitioned_table WHERE partrelid = p_parent) <> 0 THEN
        RETURN;
    END IF;
    PERFORM set_config('lock_timeout', coalesce(nullif(current_setting('maint.lock_timeout', true), ''), '250ms'), true);
    SELECT n.nspname, c.relname INTO STRICT v_schema, v_table
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = p_parent;

    FOR v_attempt IN 1 .. v_retries LOOP
        BEGIN
            -- one maintainer per parent at a time: its policy row (a second one waits, then finds
            -- the work done). No application role can lock it; an advisory lock any role can take.
            PERFORM FROM maint.partition_policies p WHERE p.parent = p_parent FOR UPDATE;
            IF (SELECT partdefid FROM pg_partitioned_table WHERE partrelid = p_parent) <> 0 THEN
                RETURN;
            END IF;
            v_new := maint.create_partition_table(p_parent, maint.partition_name(v_table, '_default'),
                format('Default partition of %I.%I: rows outside every range partition land here; '
                       'CALL maint.repair_default_partition(%L) moves them out.', v_schema, v_table,
                       format('%I.%I', v_schema, v_table)));
            -- SHARE UPDATE EXCLUSIVE on the parent: inserts and reads go on
            EXECUTE format('ALTER TABLE %I.%I ATTACH PARTITION %s DEFAULT', v_schema, v_table, v_new);
            RETURN QUERY SELECT format('%I.%I', v_schema, v_table), 'create', v_new::text, 'DEFAULT'::text;
            RETURN;
        EXCEPTION WHEN lock_not_available OR deadlock_detected THEN
            IF v_attempt < v_retries THEN
                PERFORM pg_sleep(least(0.05 * v_attempt, 0.5) + random() * 0.05);
            END IF;
        END;
    END LOOP;
    RETURN QUERY SELECT format('%I.%I', v_schema, v_table), 'skip', NULL::text,
        format('default partition: a lock not granted in %s tries; the next run retries', v_retries);
END;
$$;

COMMENT ON FUNCTION maint.ensure_default_partition(regclass) IS
    'Creates and attaches <parent>_default when the partitioned table has no default partition (SHARE UPDATE EXCLUSIVE on the parent); returns what it did (nothing when one exists), skip when a lock is not granted in maint.lock_retries tries.';
