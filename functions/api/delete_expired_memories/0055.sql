-- api.delete_expired_memories(): the service's name for core.cleanup_expired_memories() since
-- services no longer name core (0055). SECURITY DEFINER: the owner names core; the service only
-- holds EXECUTE on this.
CREATE OR REPLACE FUNCTION api.delete_expired_memories()
RETURNS bigint
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    RETURN core.cleanup_expired_memories();
END;
$$;

COMMENT ON FUNCTION api.delete_expired_memories() IS
    'Deletes every expired memory of every user and returns how many (core.cleanup_expired_memories, which make cleanup runs). For assistant_service.';

REVOKE EXECUTE ON FUNCTION api.delete_expired_memories() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION api.delete_expired_memories() TO assistant_service;
