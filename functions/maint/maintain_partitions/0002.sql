-- maint.maintain_partitions(regclass): bring one partitioned table (or every registered one) to
-- its policy: default partition, every missing partition up to premake ahead, retention.
CREATE OR REPLACE FUNCTION maint.maintain_partitions(p_parent regclass DEFAULT NULL)
RETURNS TABLE (parent text, action text, partition text, detail text)
LANGUAGE plpgsql
VOLATILE
SET search_path = pg_catalog, pg_temp
SET lock_timeout = '250ms'
AS $$
#variable_conflict use_column
DECLARE
    v_policy record;
    v_first timestamptz;
    v_last timestamptz;
    v_period timestamptz;
    v_retries integer := coalesce(nullif(current_setting('maint.lock_retries', true), '')::integer, 20);
    v_done boolean;
    v_default regclass;
    v_stuck boolean;
BEGIN
    -- Idempotent: a second run finds everything in place and returns no row. Safe next to
    -- writers: new partitions are attached under SHARE UPDATE EXCLUSIVE, which inserts do not
    -- wait for; every lock is requested with a short lock_timeout and retried.
    IF p_parent IS NOT NULL AND NOT EXISTS (SELECT FROM maint.partition_policies p WHERE p.parent = p_parent) THEN
        RAISE EXCEPTION 'table % has no partition policy', p_parent
              USING ERRCODE = 'P0002', HINT = 'Register it first: SELECT * FROM maint.register_partitioned_table(...).';
    END IF;
    PERFORM set_config('lock_timeout', coalesce(nullif(current_setting('maint.lock_timeout', true), ''), '250ms'), true);

    FOR v_policy IN
        SELECT p.parent, p.partition_interval, p.premake, p.retention, c.oid IS NOT NULL AS present
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

        v_stuck := false;
        FOR v_attempt IN 1 .. v_retries LOOP
            BEGIN
                RETURN QUERY SELECT * FROM maint.ensure_default_partition(v_policy.parent);
                EXIT;
            EXCEPTION WHEN lock_not_available THEN
                IF v_attempt = v_retries THEN
                    RETURN QUERY SELECT v_policy.parent::text, 'skip', NULL::text,
                        format('default partition: lock not granted in %s tries; the next run retries', v_retries);
                END IF;
                PERFORM pg_sleep(least(0.05 * v_attempt, 0.5) + random() * 0.05);
            END;
        END LOOP;

        -- From the oldest partition still needed (the oldest existing one, so gaps left by a
        -- missed run are filled, but nothing retention would drop) to premake periods ahead.
        v_last := maint.partition_period_start(now(), v_policy.partition_interval, v_policy.premake);
        SELECT least(maint.partition_period_start(now(), v_policy.partition_interval, 0),
                     maint.partition_period_start(min(b.lower_bound) FILTER (WHERE isfinite(b.lower_bound)),
                                                  v_policy.partition_interval, 0))
          INTO v_first
          FROM maint.partition_bounds(v_policy.parent) b;
        IF v_policy.retention IS NOT NULL THEN
            v_first := greatest(v_first, maint.partition_period_start(now() - v_policy.retention,
                                                                      v_policy.partition_interval, 0));
        END IF;

        v_period := v_first;
        WHILE v_period <= v_last LOOP
            v_done := false;
            FOR v_attempt IN 1 .. v_retries LOOP
                BEGIN
                    RETURN QUERY SELECT * FROM maint.create_partition(v_policy.parent, v_period);
                    v_done := true;
                    EXIT;
                EXCEPTION WHEN lock_not_available THEN
                    PERFORM pg_sleep(least(0.05 * v_attempt, 0.5) + random() * 0.05);
                END;
            END LOOP;
            IF NOT v_done THEN
                RETURN QUERY SELECT v_policy.parent::text, 'skip', NULL::text,
                    format('partition from %s: lock not granted in %s tries; the next run retries', v_period, v_retries);
            END IF;
            v_period := maint.partition_period_start(v_period, v_policy.partition_interval, 1);
        END LOOP;

        RETURN QUERY SELECT * FROM maint.apply_retention(v_policy.parent);

        SELECT nullif(pt.partdefid, 0)::regclass INTO v_default
          FROM pg_partitioned_table pt WHERE pt.partrelid = v_policy.parent;
        IF v_default IS NOT NULL THEN
            EXECUTE format('SELECT EXISTS (SELECT FROM %s)', v_default) INTO v_stuck;
        END IF;
        IF v_stuck THEN
            RETURN QUERY SELECT v_policy.parent::text, 'warn', v_default::text,
                format('the default partition holds rows: CALL maint.repair_default_partition(%L) moves them out',
                       v_policy.parent::text);
        END IF;
    END LOOP;
END;
$$;

COMMENT ON FUNCTION maint.maintain_partitions(regclass) IS
    'Partition maintenance for one registered table or all (NULL): creates the default partition if missing and every missing partition from the oldest still needed to premake periods ahead, applies retention, and warns when the default partition holds rows. Returns one row per action (none when all is in place). Idempotent; runs in the caller''s transaction (CALL maint.run_maintenance() commits per table).';
