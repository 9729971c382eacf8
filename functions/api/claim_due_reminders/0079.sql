-- api.claim_due_reminders(limit): the reminder dispatcher's step. Takes up to p_limit reminders
-- that are due (pending, scheduled_at <= now()), earliest first, marks them triggered and
-- returns them. Called by assistant_service it serves every user (reminders_scheduled_at_idx);
-- by assistant_app, the user named by app.user_id (reminders_user_id_scheduled_at_idx). If
-- delivery fails, set the reminder back to pending.
--
-- 0064: PL/pgSQL (Citus cannot plan a SQL function with parameters), with two paths:
--   * one server (no Citus metadata): the 0007 statement unchanged, one UPDATE of the due rows
--     taken FOR UPDATE SKIP LOCKED, so several dispatchers run at once without delivering a
--     reminder twice and without waiting for each other;
--   * Citus (core.reminders distributed): FOR UPDATE across shards is refused, so the due rows
--     are read first (earliest first, no lock), then claimed user by user, each UPDATE naming its
--     user_id (routed to one shard) and re-checking status = 'pending' under the row lock: a
--     reminder another dispatcher claimed meanwhile is skipped, never delivered twice. A second
--     dispatcher may wait for the first's row locks there, and return fewer rows; call again
--     while rows come back.
-- 0079: SECURITY DEFINER. A PL/pgSQL body names core.reminders when it runs, and neither the app
-- nor (since 0055) the service may name core, so 0064 failed for both with 42501 (the SQL
-- function of 0007 was parsed when created and never looked the name up). As the owner it
-- bypasses row-level security, so it filters by user itself: every user for assistant_service,
-- the user the transaction names (api.act_as) for assistant_app, no row when none is named.
CREATE OR REPLACE FUNCTION api.claim_due_reminders(p_limit integer DEFAULT 100)
RETURNS TABLE (
    user_id uuid,
    id uuid,
    conversation_id uuid,
    title text,
    description text,
    scheduled_at timestamptz,
    triggered_at timestamptz,
    metadata jsonb)
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    v_group record;
    v_distributed boolean := false;
    -- the role the session acts as (SET ROLE, else the login); a searched CASE (Citus)
    v_caller name := CASE WHEN current_setting('role') = 'none' THEN session_user ELSE current_setting('role') END;
    v_all_users boolean;
    v_user uuid;
BEGIN
    IF p_limit IS NULL OR p_limit NOT BETWEEN 1 AND 10000 THEN
        RAISE EXCEPTION 'api.claim_due_reminders: p_limit must be between 1 and 10000, not %', coalesce(p_limit::text, 'NULL')
            USING ERRCODE = '22023', HINT = 'Claim in batches and call again while rows come back.';
    END IF;
    v_all_users := pg_has_role(v_caller, 'assistant_service', 'USAGE') OR pg_has_role(v_caller, 'assistant_owner', 'USAGE')
                   OR coalesce((SELECT r.rolsuper FROM pg_roles AS r WHERE r.rolname = v_caller), false);
    IF NOT v_all_users THEN
        v_user := core.current_user_id();   -- the user api.act_as named (checked, sealed); NULL: none
        IF v_user IS NULL THEN
            RETURN;
        END IF;
    END IF;
    -- Citus's metadata, read only where it exists (EXECUTE: the name is resolved at run time)
    IF to_regclass('pg_catalog.pg_dist_partition') IS NOT NULL THEN
        EXECUTE 'SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_dist_partition AS d WHERE d.logicalrelid = $1)'
           INTO v_distributed USING 'core.reminders'::regclass;
    END IF;
    IF NOT v_distributed THEN
        RETURN QUERY
        WITH due AS (
            SELECT r.user_id, r.id
              FROM core.reminders AS r
             WHERE r.status = 'pending'
               AND r.scheduled_at <= now()
               AND (v_all_users OR r.user_id = v_user)
             ORDER BY r.scheduled_at
             LIMIT p_limit
               FOR UPDATE SKIP LOCKED
        )
        UPDATE core.reminders AS r
           SET status = 'triggered',
               triggered_at = now()
          FROM due
         WHERE r.user_id = due.user_id
           AND r.id = due.id
        RETURNING r.user_id, r.id, r.conversation_id, r.title, r.description, r.scheduled_at, r.triggered_at, r.metadata;
        RETURN;
    END IF;
    FOR v_group IN
        SELECT d.user_id, array_agg(d.id) AS ids
          FROM (SELECT r.user_id, r.id
                  FROM core.reminders AS r
                 WHERE r.status = 'pending'
                   AND r.scheduled_at <= now()
                   AND (v_all_users OR r.user_id = v_user)
                 ORDER BY r.scheduled_at
                 LIMIT p_limit) AS d
         GROUP BY d.user_id
         ORDER BY d.user_id
    LOOP
        RETURN QUERY
        UPDATE core.reminders AS r
           SET status = 'triggered',
               triggered_at = now()
         WHERE r.user_id = v_group.user_id
           AND r.id = ANY (v_group.ids)
           AND r.status = 'pending'
        RETURNING r.user_id, r.id, r.conversation_id, r.title, r.description, r.scheduled_at, r.triggered_at, r.metadata;
    END LOOP;
END;
$$;

COMMENT ON FUNCTION api.claim_due_reminders(integer) IS
    'Dispatcher step: marks up to p_limit due reminders (pending, scheduled_at <= now(), earliest first) triggered and returns them; concurrent dispatchers never claim one twice (SKIP LOCKED on one server; on Citus, claimed user by user under the row lock). All users for assistant_service, the user named by api.act_as for assistant_app (none named: no rows). SECURITY DEFINER, filtering by user itself. 22023 for a bad limit.';

REVOKE EXECUTE ON FUNCTION api.claim_due_reminders(integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION api.claim_due_reminders(integer) TO assistant_app, assistant_service;
