-- api.tg__delete_through_view(table, key columns...): INSTEAD OF DELETE trigger of the api views
-- over user-owned tables. The view's own query (security_invoker: the caller's row-level
-- security) chose the rows; this deletes each one from its table by its whole key and returns it,
-- so RETURNING and the row count work as on the table.
--
-- Why: applications held DELETE on the core tables, and PostgreSQL lets a role with DELETE take
-- any table lock — `LOCK TABLE api.messages IN ACCESS EXCLUSIVE MODE` stalled every user until
-- the session's idle timeout. With DELETE on the views only (and column-level UPDATE and INSERT
-- on the tables, which give no LOCK right), an application can lock nothing but ACCESS SHARE.
-- SECURITY DEFINER (owner): the row was already checked by the caller's policies in the view.
CREATE OR REPLACE FUNCTION api.tg__delete_through_view()
RETURNS trigger
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_keys text[] := TG_ARGV[1:TG_NARGS - 1];
    v_deleted integer;
BEGIN
    IF TG_OP <> 'DELETE' OR TG_LEVEL <> 'ROW' OR TG_WHEN <> 'INSTEAD OF' OR TG_NARGS < 2 THEN
        RAISE EXCEPTION 'api.tg__delete_through_view() fired as % % % with % arguments', TG_WHEN, TG_LEVEL, TG_OP, TG_NARGS
            USING ERRCODE = '39P01',
                  HINT = 'Attach it INSTEAD OF DELETE ... FOR EACH ROW with the table and its key columns as arguments.';
    END IF;
    EXECUTE format('DELETE FROM %s WHERE (%s) = (%s)', TG_ARGV[0]::regclass,
                   (SELECT string_agg(format('%I', k), ', ') FROM unnest(v_keys) AS k),
                   (SELECT string_agg(format('$1.%I', k), ', ') FROM unnest(v_keys) AS k))
      USING OLD;
    GET DIAGNOSTICS v_deleted = ROW_COUNT;
    RETURN CASE WHEN v_deleted > 0 THEN OLD END;
END;
$$;

COMMENT ON FUNCTION api.tg__delete_through_view() IS
    'INSTEAD OF DELETE trigger of the api views over user-owned tables (arguments: the table, its key columns): deletes the row the caller''s view selected, by its key, and returns it. Lets applications delete without holding DELETE on the tables (which would let them LOCK them).';

REVOKE EXECUTE ON FUNCTION api.tg__delete_through_view() FROM PUBLIC;
