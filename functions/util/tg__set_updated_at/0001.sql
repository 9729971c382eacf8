-- util.tg__set_updated_at(): shared BEFORE UPDATE trigger keeping updated_at true.
-- Tables attach it with WHEN (OLD.* IS DISTINCT FROM NEW.*) so a no-op UPDATE keeps its time.
CREATE OR REPLACE FUNCTION util.tg__set_updated_at()
RETURNS trigger
LANGUAGE plpgsql
VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    -- the database's clock, not the application's: one time per transaction, like created_at
    NEW.updated_at := now();
    RETURN NEW;
END;
$$;

COMMENT ON FUNCTION util.tg__set_updated_at() IS
    'Trigger function (BEFORE UPDATE, FOR EACH ROW): sets NEW.updated_at to now(). Shared by every table with an updated_at column.';
