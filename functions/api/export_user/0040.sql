-- api.export_user(user id) (0040: tsvector columns left out like generated ones): everything the database holds about a person, as one JSON document
-- (LGPD art. 18: access and portability), for the service to hand over:
--
--   {"user_id": ..., "exported_at": ..., "tables": {
--       "core.users": [{...}], "core.messages": [{...}, ...], ...   every table with a user_id
--                                           column (ops.user_data_tables: archive included),
--                                           always present, [] when empty; rows as objects
--       "ops.audit_log": [...]              audit rows about the user's rows or made on their behalf
--       "ops.system_logs": [...], ...       rows of the other tables that mention the user's id,
--                                           email or full name (ops.personal_data_patterns)}}
--
-- Other users' rows are never exported, even where they mention the person (their messages are
-- theirs). Generated and tsvector columns (the search vectors, plain columns set by a trigger
-- since 0040) are left out: they are derived. Masked audit
-- values stay masked, and secret configuration values are not personal data of anyone.
CREATE OR REPLACE FUNCTION api.export_user(p_user_id uuid)
RETURNS jsonb
LANGUAGE plpgsql
STABLE
SECURITY DEFINER
SET search_path = pg_catalog, ops, pg_temp
AS $$
DECLARE
    v_email text;
    v_name text;
    v_text text[];
    v_json text[];
    v_tables jsonb;
    v_table record;
    v_rows jsonb;
    v_generated text[];
    v_where text;
BEGIN
    SELECT u.email, u.name INTO v_email, v_name FROM core.users AS u WHERE u.id = p_user_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'api.export_user: user % not found', coalesce(p_user_id::text, 'NULL')
            USING ERRCODE = 'P0002', HINT = 'Pass a core.users id; an erased user has nothing left to export (api.erasure_log records the erasure).';
    END IF;
    v_text := ops.personal_data_patterns(p_user_id, v_email, v_name, false);
    v_json := ops.personal_data_patterns(p_user_id, v_email, v_name, true);

    SELECT jsonb_build_object('core.users', jsonb_agg(to_jsonb(u))) INTO v_tables FROM core.users AS u WHERE u.id = p_user_id;
    FOR v_table IN
        SELECT d.relid, d.table_name,
               ARRAY(SELECT a.attname::text FROM pg_attribute AS a
                      WHERE a.attrelid = d.relid AND a.attnum > 0 AND NOT a.attisdropped AND (a.attgenerated <> '' OR a.atttypid = 'tsvector'::regtype)) AS generated
          FROM ops.user_data_tables() AS d
         ORDER BY d.table_name
    LOOP
        EXECUTE format('SELECT coalesce(jsonb_agg(to_jsonb(t) - $2), ''[]'') FROM %s AS t WHERE t.user_id = $1', v_table.table_name)
           INTO v_rows USING p_user_id, v_table.generated;
        v_tables := v_tables || jsonb_build_object(v_table.table_name, v_rows);
    END LOOP;

    -- the other tables: rows that mention the user (audit trails: also those about their rows)
    FOR v_table IN
        SELECT c.oid::regclass AS relid, format('%I.%I', n.nspname, c.relname) AS table_name,
               ARRAY(SELECT a.attname::text FROM pg_attribute AS a
                      WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND (a.attgenerated <> '' OR a.atttypid = 'tsvector'::regtype)) AS generated,
               EXISTS (SELECT FROM pg_attribute AS a
                        WHERE a.attrelid = c.oid AND a.attname = 'row_key' AND a.atttypid = 'jsonb'::regtype AND NOT a.attisdropped)
               AND EXISTS (SELECT FROM pg_attribute AS a
                            WHERE a.attrelid = c.oid AND a.attname = 'table_name' AND a.atttypid = 'text'::regtype AND NOT a.attisdropped)
                   AS audit
          FROM pg_class AS c
          JOIN pg_namespace AS n ON n.oid = c.relnamespace
         WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
           AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_(toast|temp)'
           AND c.oid <> 'core.users'::regclass
           AND c.oid NOT IN (SELECT d.relid FROM ops.user_data_tables() AS d)
           AND has_table_privilege(c.oid, 'SELECT')
         ORDER BY 2
    LOOP
        -- $1 id, $2 text patterns, $3 JSON patterns, $5 and $6 their LIKE needles (a cheap test first)
        SELECT string_agg(CASE col.kind
                   WHEN 'text' THEN format('(lower(%1$I::text) LIKE ANY ($5) AND %1$I::text ~* array_to_string($2, ''|''))', col.column_name)
                   WHEN 'json' THEN format('(lower(%1$I::text) LIKE ANY ($6) AND %1$I::text ~* array_to_string($3, ''|''))', col.column_name)
                   WHEN 'uuid' THEN format('%I = $1', col.column_name)
                   WHEN 'uuid[]' THEN format('$1 = ANY (%I)', col.column_name) END, ' OR ')
          INTO v_where
          FROM ops.personal_data_columns(v_table.relid) AS col;
        CONTINUE WHEN v_where IS NULL;
        IF v_table.audit THEN
            v_where := v_where || ' OR row_key ->> ''user_id'' = $1::text'
                               || ' OR (table_schema = ''core'' AND table_name = ''users'' AND row_key ->> ''id'' = $1::text)';
        END IF;
        EXECUTE format('SELECT jsonb_agg(to_jsonb(t) - $4) FROM %s AS t WHERE %s', v_table.table_name, v_where)
           INTO v_rows USING p_user_id, v_text, v_json, v_table.generated,
                             ops.personal_data_needles(p_user_id, v_email, v_name, false),
                             ops.personal_data_needles(p_user_id, v_email, v_name, true);
        IF v_rows IS NOT NULL OR v_table.relid IN ('ops.audit_log'::regclass, 'ops.system_logs'::regclass) THEN
            v_tables := v_tables || jsonb_build_object(v_table.table_name, coalesce(v_rows, '[]'));
        END IF;
    END LOOP;

    RETURN jsonb_build_object('user_id', p_user_id, 'exported_at', now(), 'tables', v_tables);
END;
$$;

COMMENT ON FUNCTION api.export_user(uuid) IS
    'Everything held about a user as one JSON document: {"user_id", "exported_at", "tables": {"<schema.table>": [rows as objects]}}: every table with a user_id column (from the catalog, archive included, [] when empty), the audit rows about the user or made on their behalf, and the rows of other tables (system logs, executions, alerts, ...) that mention their id, email or full name. Never another user''s rows. P0002 for an unknown user. Service role only.';

GRANT EXECUTE ON FUNCTION api.export_user(uuid) TO assistant_service;
