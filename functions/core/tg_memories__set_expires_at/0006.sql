-- core.tg_memories__set_expires_at(): BEFORE INSERT OR UPDATE OF tier, FOR EACH ROW on
-- core.memories: the default lifetime of each tier. A new memory without expires_at gets
-- created_at + its tier's lifetime; a memory moved to another tier (expires_at not changed in the
-- same UPDATE) gets now() + the new tier's lifetime. critical never expires.
--
-- The lifetimes live here, in one place; changing them is an edit of this file, which the
-- runner re-loads (existing rows keep their expires_at):
--   short_term 1 day, medium_term 30 days, long_term 365 days, critical never.
-- Self-contained on purpose: no table and no other function of core, so the app role, which may
-- not name schema core, fires it with its own privileges.
CREATE OR REPLACE FUNCTION core.tg_memories__set_expires_at()
RETURNS trigger
LANGUAGE plpgsql
VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_lifetime interval;
BEGIN
    IF TG_OP = 'UPDATE' AND (NEW.tier = OLD.tier OR NEW.expires_at IS DISTINCT FROM OLD.expires_at) THEN
        RETURN NEW;  -- tier unchanged, or the caller chose the expiry itself
    END IF;
    v_lifetime := CASE NEW.tier::text
                      WHEN 'short_term' THEN interval '1 day'
                      WHEN 'medium_term' THEN interval '30 days'
                      WHEN 'long_term' THEN interval '365 days'
                  END;  -- critical: NULL, never expires
    IF TG_OP = 'INSERT' THEN
        -- critical with an explicit expires_at is left for memories_expires_at_check to refuse
        IF NEW.expires_at IS NULL AND v_lifetime IS NOT NULL THEN
            NEW.expires_at := NEW.created_at + v_lifetime;
        END IF;
    ELSE
        NEW.expires_at := now() + v_lifetime;
    END IF;
    RETURN NEW;
END;
$$;

COMMENT ON FUNCTION core.tg_memories__set_expires_at() IS
    'Trigger on core.memories (BEFORE INSERT OR UPDATE OF tier): default expires_at per tier - short_term 1 day, medium_term 30 days, long_term 365 days, critical never. On a tier change the lifetime restarts from now() unless the UPDATE sets expires_at itself.';

GRANT EXECUTE ON FUNCTION core.tg_memories__set_expires_at() TO assistant_app, assistant_service;
