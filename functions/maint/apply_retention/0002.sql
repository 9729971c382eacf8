-- maint.apply_retention(regclass): drop, or detach into the archive schema, every partition
-- whose whole range is older than its policy's retention (all policies when p_parent is NULL).
CREATE OR REPLACE FUNCTION maint.apply_retention(p_parent regclass DEFAULT NULL)
RETURNS TABLE (parent text, action text, partition text, detail text)
LANGUAGE plpgsql
VOLATILE
SET search_path = pg_catalog, pg_temp
SET lock_timeout = '250ms'
AS $$
#variable_conflict use_column
DECLARE
    v_policy record;
    v_part record;
    v_cutoff timestamptz;
    v_retries integer := coalesce(nullif(current_setting('maint.lock_retries', true), '')::integer, 20);
    v_done boolean;
    v_conflict boolean;
    v_grantee record;
BEGIN
    PERFORM set_config('lock_timeout', coalesce(nullif(current_setting('maint.lock_timeout', true), ''), '250ms'), true);
    FOR v_policy IN
        SELECT p.parent, p.retention, p.retention_action
          FROM maint.partition_policies p
          JOIN pg_class c ON c.oid = p.parent
         WHERE p.retention IS NOT NULL AND (p_parent IS NULL OR p.parent = p_parent)
         ORDER BY p.parent::text
    LOOP
        PERFORM pg_advisory_xact_lock((x'6d6e7470'::bigint << 32) | v_policy.parent::oid::bigint);
        -- a partition leaves only when its upper bound, its newest possible row, is past the cutoff
        v_cutoff := now() - v_policy.retention;
        FOR v_part IN
            SELECT b.partition, n.nspname, c.relname, b.lower_bound, b.upper_bound
              FROM maint.partition_bounds(v_policy.parent) b
              JOIN pg_class c ON c.oid = b.partition
              JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE b.upper_bound <= v_cutoff
             ORDER BY b.lower_bound
        LOOP
            v_done := false;
            v_conflict := false;
            -- DROP and DETACH take ACCESS EXCLUSIVE on the parent; inserts queue behind the
            -- request, so it waits only lock_timeout, then gives way and tries again later.
            FOR v_attempt IN 1 .. v_retries LOOP
                BEGIN
                    IF v_policy.retention_action = 'drop' THEN
                        EXECUTE format('DROP TABLE %I.%I', v_part.nspname, v_part.relname);
                    ELSE
                        EXECUTE format('ALTER TABLE %s DETACH PARTITION %I.%I', v_policy.parent, v_part.nspname, v_part.relname);
                        EXECUTE format('ALTER TABLE %I.%I SET SCHEMA archive', v_part.nspname, v_part.relname);
                        -- archived data is for the DBA's export, not for the apps
                        FOR v_grantee IN
                            SELECT DISTINCT a.grantee
                              FROM pg_class c, aclexplode(coalesce(c.relacl, acldefault('r', c.relowner))) a
                             WHERE c.oid = v_part.partition AND a.grantee <> c.relowner
                        LOOP
                            EXECUTE format('REVOKE ALL ON TABLE archive.%I FROM %s', v_part.relname,
                                CASE WHEN v_grantee.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(v_grantee.grantee)) END);
                        END LOOP;
                    END IF;
                    v_done := true;
                    EXIT;
                EXCEPTION
                    WHEN lock_not_available THEN
                        PERFORM pg_sleep(least(0.05 * v_attempt, 0.5) + random() * 0.05);
                    WHEN duplicate_table THEN
                        -- archive already holds a table of that name (an earlier table of the
                        -- same name was archived): the partition stays attached, nothing is lost
                        v_conflict := true;
                        EXIT;
                END;
            END LOOP;
            RETURN QUERY SELECT v_policy.parent::text,
                CASE WHEN v_conflict THEN 'conflict' WHEN NOT v_done THEN 'skip' WHEN v_policy.retention_action = 'drop' THEN 'drop' ELSE 'detach' END,
                format('%I.%I', v_part.nspname, v_part.relname),
                CASE WHEN v_conflict
                     THEN format('archive.%I already exists: rename or export and drop it, the next run detaches this one', v_part.relname)
                     WHEN NOT v_done
                     THEN format('lock on %s not granted in %s tries; the next run retries', v_policy.parent, v_retries)
                     WHEN v_policy.retention_action = 'drop'
                     THEN format('FROM %s TO %s, older than %s', v_part.lower_bound, v_part.upper_bound, v_policy.retention)
                     ELSE format('FROM %s TO %s, older than %s; now archive.%I', v_part.lower_bound, v_part.upper_bound,
                                 v_policy.retention, v_part.relname) END;
        END LOOP;
    END LOOP;
END;
$$;

COMMENT ON FUNCTION maint.apply_retention(regclass) IS
    'Retention: drops (or detaches into schema archive, revoking non-owner privileges) each range partition whose upper bound is at or before now() - retention, for one policy or all. Short lock_timeout (setting maint.lock_timeout, default 250ms) with retries (maint.lock_retries, default 20); a partition whose lock never comes is reported as skip, one whose name is taken in archive as conflict; both stay attached.';
