-- util.tg__refuse_app_column_write(VARIADIC columns): shared BEFORE INSERT OR UPDATE trigger that
-- refuses, naming the column, a write of a column an app login may not set.
-- Why a trigger: PostgreSQL's own column-privilege error is "permission denied for table X" and
-- never names the column (an ORM user cannot tell which of twenty columns it was). 0087 grants
-- the app the column privilege on exactly these columns (an explicit column list, so a column added
-- later stays denied by PostgreSQL) and attaches this trigger, whose WHEN clause lets it run only
-- for a caller in assistant_app whose row changes one of them.
CREATE OR REPLACE FUNCTION util.tg__refuse_app_column_write()
RETURNS trigger
LANGUAGE plpgsql
VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_new jsonb;
    v_old jsonb;
    v_column text;
    v_default text;
    v_default_value jsonb;
    -- a messages partition fires its parent's trigger: name, and check privileges on, the parent
    v_table regclass := coalesce(pg_partition_root(TG_RELID), TG_RELID);
    v_table_name name := (SELECT c.relname FROM pg_class c WHERE c.oid = v_table);
    v_view text := format('api.%I', v_table_name);
    v_writable text;
    v_why text;
BEGIN
    -- the owner (migrations, SECURITY DEFINER functions) and superusers keep every write
    IF pg_has_role(current_user, 'assistant_owner', 'USAGE') THEN
        RETURN NEW;
    END IF;
    v_new := to_jsonb(NEW);
    IF TG_OP = 'UPDATE' THEN
        v_old := to_jsonb(OLD);
    END IF;
    FOREACH v_column IN ARRAY TG_ARGV LOOP
        IF TG_OP = 'UPDATE' THEN
            CONTINUE WHEN v_new -> v_column IS NOT DISTINCT FROM v_old -> v_column;
        ELSE
            -- an INSERT that leaves the column to its default is fine; the default is evaluated
            -- here only, on the path that is about to refuse or allow an explicit value
            SELECT pg_get_expr(d.adbin, d.adrelid) INTO v_default
              FROM pg_attribute a
              LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
             WHERE a.attrelid = TG_RELID AND a.attname = v_column;
            IF v_default IS NULL THEN
                v_default_value := 'null'::jsonb;
            ELSE
                EXECUTE format('SELECT to_jsonb(%s)', v_default) INTO v_default_value;
            END IF;
            CONTINUE WHEN coalesce(v_new -> v_column, 'null'::jsonb) = v_default_value;
        END IF;
        -- a login that is also a service may write what assistant_service may write
        CONTINUE WHEN pg_has_role(current_user, 'assistant_service', 'USAGE')
                  AND has_column_privilege('assistant_service', v_table, v_column, TG_OP);
        v_why := CASE
            WHEN v_column = 'id' THEN 'it identifies the row and never changes'
            WHEN v_column = 'user_id' THEN 'a row belongs to its user for good; rows never move between users'
            WHEN v_column IN ('created_at', 'updated_at', 'access_count', 'last_accessed_at')
                THEN 'the database keeps it (set when the row is written or read)'
            WHEN v_table_name = 'users' THEN 'a service login (a member of assistant_service) changes it, not the app'
            ELSE 'it is fixed when the row is written'
        END;
        SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum) INTO v_writable
          FROM pg_attribute a
         WHERE a.attrelid = v_table AND a.attnum > 0 AND NOT a.attisdropped
           AND a.attname <> ALL (TG_ARGV)
           AND has_column_privilege('assistant_app', v_table, a.attname, TG_OP)
           AND EXISTS (SELECT FROM pg_attribute v
                        WHERE v.attrelid = to_regclass(v_view) AND v.attname = a.attname AND NOT v.attisdropped);
        RAISE EXCEPTION 'cannot % column "%" of view %', lower(TG_OP) || CASE TG_OP WHEN 'INSERT' THEN ' into' ELSE '' END,
                        v_column, v_view
            USING ERRCODE = '42501', COLUMN = v_column, TABLE = v_table_name, SCHEMA = 'api',
                  DETAIL = format('%s is not written by the app: %s.', v_column, v_why),
                  HINT = CASE TG_OP
                      WHEN 'INSERT' THEN format('Leave %s out of the INSERT. An app may set: %s.', v_column, coalesce(v_writable, 'none of its columns'))
                      ELSE format('Leave %s out of the SET list (writing back its unchanged value is fine). An app may update: %s.',
                                  v_column, coalesce(v_writable, 'none of its columns'))
                  END;
    END LOOP;
    RETURN NEW;
END;
$$;

COMMENT ON FUNCTION util.tg__refuse_app_column_write() IS
    'Trigger function (BEFORE INSERT OR UPDATE, FOR EACH ROW; arguments: the column names it guards): refuses, with 42501 naming the column (cannot update column "created_at" of view api.conversations) and listing the columns the app may write, an app login''s (assistant_app) change of a guarded column. Unchanged values and defaults pass; the owner, superusers and what assistant_service may write pass. Attached by 0087 with a WHEN clause, so other writes never call it.';
