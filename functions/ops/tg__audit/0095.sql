-- ops.tg__audit(): the one audit trigger function, attached by ops.enable_audit() as
--   AFTER INSERT OR UPDATE OR DELETE ... FOR EACH ROW
--   EXECUTE FUNCTION ops.tg__audit(<schema>, <table>, <key columns text[]>, <masked columns text[]>
--                                  [, <ignored columns text[]>])
-- Ignored columns are left out of UPDATE diffs, and an UPDATE changing nothing else is not
-- recorded: counters and access tracking that triggers maintain (message_count, access_count)
-- would otherwise write one audit row per message or per recall.
-- The schema and table are arguments rather than TG_TABLE_SCHEMA/TG_TABLE_NAME so that a
-- partitioned table is recorded under its own name, not under the partition the row landed in.
-- SECURITY DEFINER: the roles whose changes are audited have no privilege on ops.audit_log.
-- 0095 (Citus, issue 15): each row also records subject_user_id, the user whose row it is (the
-- row's user_id; a core.users row's id), or the nil uuid for a row of no one user (configuration,
-- operations). On Citus ops.audit_log is distributed by it, colocated with core.users, so the
-- trigger of a shard writes the audit row to a shard of the same node, inside the same local
-- transaction: no node writes to another inside the coordinator's two-phase commit.
CREATE OR REPLACE FUNCTION ops.tg__audit()
RETURNS trigger
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, ops, pg_temp
AS $$
DECLARE
    v_keys   text[] := CASE WHEN TG_NARGS > 2 THEN TG_ARGV[2]::text[] ELSE '{id}'::text[] END;
    v_masked text[] := CASE WHEN TG_NARGS > 3 THEN TG_ARGV[3]::text[] ELSE '{}'::text[] END;
    v_ignored text[] := CASE WHEN TG_NARGS > 4 THEN TG_ARGV[4]::text[] ELSE '{}'::text[] END;
    v_old jsonb;
    v_new jsonb;
    v_key jsonb;
    v_column text;
    v_row jsonb;
    v_subject uuid;
BEGIN
    IF TG_OP <> 'INSERT' THEN
        v_old := to_jsonb(OLD);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        v_new := to_jsonb(NEW);
    END IF;

    SELECT jsonb_object_agg(k, coalesce(v_new, v_old) -> k) INTO v_key FROM unnest(v_keys) AS k;
    -- whose row: read before an UPDATE narrows v_old and v_new to the changed columns
    v_row := coalesce(v_new, v_old);
    v_subject := CASE WHEN v_row ? 'user_id' THEN (v_row ->> 'user_id')::uuid
                      WHEN coalesce(TG_ARGV[0], TG_TABLE_SCHEMA) = 'core' AND coalesce(TG_ARGV[1], TG_TABLE_NAME) = 'users'
                      THEN (v_row ->> 'id')::uuid END;

    IF TG_OP = 'UPDATE' THEN
        -- only the columns that changed, old and new side by side
        SELECT jsonb_object_agg(n.key, v_old -> n.key), jsonb_object_agg(n.key, n.value)
          INTO v_old, v_new
          FROM jsonb_each(v_new) AS n
         WHERE n.value IS DISTINCT FROM v_old -> n.key
           AND n.key <> ALL (v_ignored);
        IF v_new IS NULL THEN
            RETURN NULL;  -- an UPDATE that changed nothing leaves nothing to audit
        END IF;
    END IF;

    -- secret columns: the audit says that they changed, never what they hold
    FOREACH v_column IN ARRAY v_masked LOOP
        IF v_old ? v_column AND jsonb_typeof(v_old -> v_column) <> 'null' THEN
            v_old := jsonb_set(v_old, ARRAY[v_column], '"***"');
        END IF;
        IF v_new ? v_column AND jsonb_typeof(v_new -> v_column) <> 'null' THEN
            v_new := jsonb_set(v_new, ARRAY[v_column], '"***"');
        END IF;
    END LOOP;

    INSERT INTO ops.audit_log (table_schema, table_name, operation, row_key, db_role, login_role,
                               app_user_id, transaction_id, old_values, new_values, subject_user_id)
    VALUES (coalesce(TG_ARGV[0], TG_TABLE_SCHEMA), coalesce(TG_ARGV[1], TG_TABLE_NAME),
            TG_OP::ops.audit_operation, v_key,
            -- under SECURITY DEFINER current_user is the owner; the role GUC still names the
            -- role the session SET ROLE to ('none' when it did not)
            CASE WHEN current_setting('role') = 'none' THEN session_user ELSE current_setting('role') END,
            session_user,
            -- the user named by api.act_as for this transaction, read as every policy reads it
            -- (any uuid spelling); NULL when none, and a bad app.user_id never fails the write
            core.resolve_app_user(false),
            pg_current_xact_id()::text::bigint,
            v_old, v_new,
            coalesce(v_subject, '00000000-0000-0000-0000-000000000000'));
    RETURN NULL;
END;
$$;

COMMENT ON FUNCTION ops.tg__audit() IS
    'Audit trigger (AFTER INSERT OR UPDATE OR DELETE, FOR EACH ROW), attached by ops.enable_audit(): writes one ops.audit_log row per changed row, with the changed columns only for an UPDATE and masked columns replaced by "***". Arguments: schema, table, key columns (text[]), masked columns (text[]), optionally ignored columns (text[]: left out of UPDATE diffs; an UPDATE of only those is not recorded). Records subject_user_id: the row''s user_id (a core.users row''s id), else the nil uuid.';
