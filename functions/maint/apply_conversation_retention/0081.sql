-- maint.apply_conversation_retention(): apply every conversation's own retention
-- (core.conversations.keep_latest_messages / keep_days), one conversation per transaction-local
-- step, and return the number of messages deleted. Run by maintenance (deploy/crontab.example
-- next to maint.run_maintenance) or by hand; reads the conversations through their partial index.
CREATE OR REPLACE FUNCTION maint.apply_conversation_retention()
RETURNS bigint
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_conv record;
    v_n bigint := 0;
BEGIN
    FOR v_conv IN
        SELECT c.user_id, c.id, c.keep_latest_messages, c.keep_days
          FROM core.conversations AS c
         WHERE c.keep_latest_messages IS NOT NULL OR c.keep_days IS NOT NULL
         ORDER BY c.user_id, c.id
    LOOP
        v_n := v_n + core.prune_messages(v_conv.user_id, v_conv.id, v_conv.keep_latest_messages, v_conv.keep_days);
    END LOOP;
    RETURN v_n;
END;
$$;
COMMENT ON FUNCTION maint.apply_conversation_retention() IS
    'Applies each conversation''s own retention (keep_latest_messages, keep_days) and returns the number of messages deleted; for maintenance.';
REVOKE EXECUTE ON FUNCTION maint.apply_conversation_retention() FROM PUBLIC;
