-- api.claim_due_reminders(limit): the reminder dispatcher's step. Takes up to p_limit reminders
-- that are due (pending, scheduled_at <= now()), earliest first, marks them triggered and
-- returns them, in one statement. FOR UPDATE SKIP LOCKED lets several dispatchers run at once
-- without delivering a reminder twice. Called by assistant_service it serves every user
-- (reminders_scheduled_at_idx); by assistant_app, the user named by app.user_id
-- (reminders_user_id_scheduled_at_idx). If delivery fails, set the reminder back to pending.
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
LANGUAGE sql
VOLATILE
SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
    SELECT core.raise_unless(p_limit BETWEEN 1 AND 10000, '22023',
               format('api.claim_due_reminders: p_limit must be between 1 and 10000, not %s', coalesce(p_limit::text, 'NULL')),
               'Claim in batches and call again while rows come back.');
    WITH due AS (
        SELECT r.user_id, r.id
          FROM core.reminders AS r
         WHERE r.status = 'pending'
           AND r.scheduled_at <= now()
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
END;

COMMENT ON FUNCTION api.claim_due_reminders(integer) IS
    'Dispatcher step: marks up to p_limit due reminders (pending, scheduled_at <= now(), earliest first) triggered and returns them; SKIP LOCKED, so concurrent dispatchers never claim one twice. All users for assistant_service, the app.user_id user for assistant_app. 22023 for a bad limit.';

GRANT EXECUTE ON FUNCTION api.claim_due_reminders(integer) TO assistant_app, assistant_service;
