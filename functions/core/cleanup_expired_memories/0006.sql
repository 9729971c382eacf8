-- core.cleanup_expired_memories(): delete every expired memory, of every user; returns how many.
-- Called by maint.run_cleanup() (cron, pg_cron) by this exact name and signature.
-- SECURITY DEFINER: it must see every user's rows whoever calls it; only assistant_service (and
-- the owner) may execute it. Recall already hides expired memories, so when this runs late
-- nothing expired is ever shown; it only gives the space back.
CREATE OR REPLACE FUNCTION core.cleanup_expired_memories()
RETURNS bigint
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_deleted bigint;
BEGIN
    -- memories_expires_at_idx (partial, expires_at IS NOT NULL) finds them without a scan
    DELETE FROM core.memories AS m
     WHERE m.expires_at IS NOT NULL
       AND m.expires_at <= now();
    GET DIAGNOSTICS v_deleted = ROW_COUNT;
    RETURN v_deleted;
END;
$$;

COMMENT ON FUNCTION core.cleanup_expired_memories() IS
    'Deletes every memory whose expires_at has passed (all users) and returns how many; called by maint.run_cleanup(). SECURITY DEFINER, executable by assistant_service.';

REVOKE EXECUTE ON FUNCTION core.cleanup_expired_memories() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION core.cleanup_expired_memories() TO assistant_service;
