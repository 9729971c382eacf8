-- maint.retire_partition(regclass, regclass, integer): retention of one partition: drop it, or
-- detach it into schema archive, when its whole range is older than its policy's retention.
-- One partition per call, so that maint.run_maintenance and maint.run_cleanup commit after each
-- and never hold one partition's locks while waiting for the next.
CREATE OR REPLACE FUNCTION maint.retire_partition(p_parent regclass, p_partition regclass, p_tries integer DEFAULT NULL)
RETURNS TABLE (parent text, action text, partition text, detail text, rows bigint)
LANGUAGE plpgsql
VOLATILE
SET search_path = pg_catalog, pg_temp
SET lock_timeout = '250ms'
AS $$
#variable_conflict use_column
DECLARE
    v_retention interval;
    v_action text;
    v_schema name;
    v_relname name;
    v_lower timestamptz;
    v_upper timestamptz;
    v_default regclass;
    v_ref regclass;
    v_grantee record;
    v_step text;
    v_done boolean := false;
    v_conflict boolean := false;
    v_retries integer := coalesce(p_tries, nullif(current_setting('maint.lock_retries', true), '')::integer, 20);
BEGIN
    IF p_parent IS NULL OR p_partition IS NULL THEN
        RAISE EXCEPTION 'maint.retire_partition needs a parent and one of its partitions'
              USING ERRCODE = '22023', HINT = 'SELECT * FROM maint.retire_partition(''ops.system_logs'', ''ops.system_logs_p20260101'').';
    END IF;
    PERFORM set_config('lock_timeout', coalesce(nullif(current_setting('maint.lock_timeout', true), ''), '250ms'), true);
    SELECT n.nspname, c.relname INTO v_schema, v_relname
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = p_partition;

    FOR v_attempt IN 1 .. greatest(v_retries, 1) LOOP
        BEGIN
            v_step := format('the row of %s in maint.partition_policies', p_parent);
            SELECT p.retention, p.retention_action INTO v_retention, v_action
              FROM maint.partition_policies p WHERE p.parent = p_parent FOR UPDATE;
            -- still attached to this parent and past retention (a concurrent run may have gone first)
            SELECT b.lower_bound, b.upper_bound INTO v_lower, v_upper
              FROM maint.partition_bounds(p_parent) b WHERE b.partition = p_partition;
            IF v_retention IS NULL OR v_upper IS NULL OR v_upper > now() - v_retention THEN
                RETURN;
            END IF;
            SELECT nullif(pt.partdefid, 0)::regclass INTO v_default FROM pg_partitioned_table pt WHERE pt.partrelid = p_parent;

            -- The partition first, alone: while that lock is awaited (a reader of old rows holds
            -- it) no lock is held on the parent, so writers of the current partitions go on.
            -- Then, at once, what DROP/DETACH take: ACCESS EXCLUSIVE on the parent and on the
            -- default partition (its implicit range changes), SHARE ROW EXCLUSIVE on the tables of
            -- the parent's foreign keys (DETACH makes the partition's own).
            v_step := format('ACCESS EXCLUSIVE on %s', p_partition);
            EXECUTE format('LOCK TABLE ONLY %s IN ACCESS EXCLUSIVE MODE', p_partition);
            v_step := format('ACCESS EXCLUSIVE on %s', p_parent);
            EXECUTE format('LOCK TABLE ONLY %s IN ACCESS EXCLUSIVE MODE', p_parent);
            IF v_default IS NOT NULL THEN
                v_step := format('ACCESS EXCLUSIVE on %s', v_default);
                EXECUTE format('LOCK TABLE ONLY %s IN ACCESS EXCLUSIVE MODE', v_default);
            END IF;
            IF v_action = 'drop' THEN
                EXECUTE format('DROP TABLE %s', p_partition);
            ELSE
                FOR v_ref IN
                    SELECT DISTINCT r.rel::regclass
                      FROM (SELECT c.confrelid AS rel FROM pg_constraint c
                             WHERE c.conrelid = p_parent AND c.contype = 'f' AND c.conparentid = 0
                            UNION
                            SELECT c.conrelid FROM pg_constraint c
                             WHERE c.confrelid = p_parent AND c.contype = 'f' AND c.conparentid = 0) r
                     WHERE r.rel <> p_parent::oid
                     ORDER BY 1
                LOOP
                    v_step := format('SHARE ROW EXCLUSIVE on %s', v_ref);
                    EXECUTE format('LOCK TABLE ONLY %s IN SHARE ROW EXCLUSIVE MODE', v_ref);
                END LOOP;
                v_step := format('DETACH PARTITION %s', p_partition);
                EXECUTE format('ALTER TABLE %s DETACH PARTITION %s', p_parent, p_partition);
                EXECUTE format('ALTER TABLE %s SET SCHEMA archive', p_partition);
                -- archived data is for the DBA's export, not for the apps
                FOR v_grantee IN
                    SELECT DISTINCT a.grantee
                      FROM pg_class c, aclexplode(coalesce(c.relacl, acldefault('r', c.relowner))) a
                     WHERE c.oid = p_partition AND a.grantee <> c.relowner
                LOOP
                    EXECUTE format('REVOKE ALL ON TABLE archive.%I FROM %s', v_relname,
                        CASE WHEN v_grantee.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(v_grantee.grantee)) END);
                END LOOP;
            END IF;
            v_done := true;
            EXIT;
        EXCEPTION
            WHEN lock_not_available OR deadlock_detected THEN
                IF v_attempt < v_retries THEN
                    PERFORM pg_sleep(least(0.05 * v_attempt, 0.5) + random() * 0.05);
                END IF;
            WHEN duplicate_table THEN
                -- archive already holds a table of that name (an earlier table of the same name
                -- was archived): the partition stays attached, nothing is lost
                v_conflict := true;
                EXIT;
        END;
    END LOOP;

    RETURN QUERY SELECT p_parent::text,
        CASE WHEN v_conflict THEN 'conflict' WHEN NOT v_done THEN 'skip' ELSE v_action END,
        format('%I.%I', v_schema, v_relname),
        CASE WHEN v_conflict
             THEN format('archive.%I already exists: rename or export and drop it, the next run detaches this one', v_relname)
             WHEN NOT v_done
             THEN format('%s not granted in %s tries of %s; the next run retries', v_step, v_retries, current_setting('lock_timeout'))
             WHEN v_action = 'drop'
             THEN format('FROM %s TO %s, older than %s', v_lower, v_upper, v_retention)
             ELSE format('FROM %s TO %s, older than %s; now archive.%I', v_lower, v_upper, v_retention, v_relname) END,
        NULL::bigint;
END;
$$;

COMMENT ON FUNCTION maint.retire_partition(regclass, regclass, integer) IS
    'Retention of one partition: drops it (or detaches it into schema archive, revoking non-owner privileges) when it is still attached to p_parent and its upper bound is at or before now() - retention; nothing otherwise. Locks the partition first, alone, then the parent and the default partition ACCESS EXCLUSIVE (and the foreign keys'' tables SHARE ROW EXCLUSIVE for a detach), each under maint.lock_timeout; p_tries tries (default maint.lock_retries), then skip. conflict when archive already holds the name.';
