-- api.erase_user(user id): erase a person (LGPD art. 18: elimination), keeping the facts that
-- things happened, pseudonymised. In one transaction:
--
--   1. every row the user owns goes: each table with a user_id column in any schema, partitions and
--      tables detached into archive included (ops.user_data_tables, from the catalog: a table added
--      later is covered), then the core.users row. Tables are emptied in foreign-key order, each
--      DELETE counted; the user's referenced rows are locked first, so nothing new can point at them.
--   2. every other mention is pseudonymised, in every table of every non-system schema
--      (ops.personal_data_columns): the user's id becomes ops.user_pseudonym(id), the email and the
--      full name become '[erased]', in text, varchar, arrays, json and jsonb; uuid columns holding
--      the id get the pseudonym; network addresses in those rows are cleared. That covers system
--      logs, process executions (parameters, payloads, errors), alerts (message, context), other
--      users' messages that name the person, configuration, dashboards.
--   3. the audit trail last (the steps above were audited): rows about the user's own rows keep
--      which columns changed, when and by whom, but every value reads '[erased]'; then the same
--      pseudonymisation as step 2 (row_key, app_user_id, values). This is the one rewrite of
--      ops.audit_log there is: ops.tg_audit_log__forbid_change lets an UPDATE through only for the
--      owner, inside a transaction that has an open ops.erasure_log row, and never of the columns
--      that date and identify an audit row.
--
-- Recorded in ops.erasure_log: when, by which login, the pseudonym, counts per table; no personal
-- data. Idempotent: a second call finds nothing to change, records nothing new, and reports the
-- first erasure (already_erased). A later call does erase rows written for the id since (a
-- straggling writer), by id: the email and name are gone with the user's row.
-- Tables the owner cannot read are reported under not_scanned; a table with a user_id column it
-- cannot delete from is an error (42501), since its rows would survive.
-- 0090 (Citus): text[] columns (conversations.agents) are scrubbed through ops.text_array_as_text /
-- ops.text_as_text_array instead of casts, so the UPDATEs run on a distributed table too.
-- 0093 (Citus): once the erasure is open, app.erasure_worker_seal (ops.worker_seal_erasure) is
-- SET LOCAL, which Citus sends to the workers of the transaction: there the audit guard finds no
-- ops.erasure_log and recognises the erasure by the seal. Cleared again when the erasure closes.
-- 0095 (Citus, issue 15): audit rows carry subject_user_id (ops.tg__audit). The values of the
-- rows about the user are found by it too; on one server the generic step gives it the pseudonym.
-- On Citus it is the audit log's distribution column, which cannot be updated: the rows about
-- the user are moved instead, a copy under the pseudonym inserted (same id, time, operation and
-- transaction) and the original deleted, counted under 'ops.audit_log.subject_user_id'. The seal
-- is set through ops.send_erasure_seal, so that Citus sends it to the workers in autocommit too.
CREATE OR REPLACE FUNCTION api.erase_user(p_user_id uuid)
RETURNS jsonb
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, ops, pg_temp
AS $$
DECLARE
    v_pseudonym uuid;
    v_email text;
    v_name text;
    v_found boolean;
    v_found_moved boolean;
    v_previous ops.erasure_log%ROWTYPE;
    v_erasure uuid;
    v_text text[];
    v_json text[];
    v_any_text text;
    v_any_json text;
    v_needles_text text[];
    v_needles_json text[];
    v_deleted jsonb := '{}';
    v_scrubbed jsonb := '{}';
    v_values_erased jsonb := '{}';
    v_not_scanned text[] := '{}';
    v_table record;
    v_set text;
    v_where text;
    v_n bigint;
BEGIN
    IF p_user_id IS NULL THEN
        RAISE EXCEPTION 'api.erase_user: the user id must not be null'
            USING ERRCODE = '22023', HINT = 'Pass the core.users id of the person to erase.';
    END IF;
    v_pseudonym := ops.user_pseudonym(p_user_id);
    SELECT u.email, u.name INTO v_email, v_name FROM core.users AS u WHERE u.id = p_user_id FOR UPDATE;
    v_found := FOUND;
    SELECT * INTO v_previous FROM ops.erasure_log AS e
     WHERE e.pseudonym = v_pseudonym AND e.completed_at IS NOT NULL ORDER BY e.started_at LIMIT 1;
    -- open the erasure: the row ops.tg_audit_log__forbid_change looks for
    INSERT INTO ops.erasure_log (pseudonym, db_role)
    VALUES (v_pseudonym, CASE current_setting('role') WHEN 'none' THEN session_user ELSE current_setting('role') END)
    RETURNING id INTO v_erasure;
    IF to_regprocedure('pg_catalog.citus_backend_gpid()') IS NOT NULL THEN
        PERFORM ops.send_erasure_seal(ops.worker_seal_erasure());  -- 0095: sent in autocommit too
    END IF;

    v_text := ops.personal_data_patterns(p_user_id, v_email, v_name, false);
    v_json := ops.personal_data_patterns(p_user_id, v_email, v_name, true);
    v_any_text := array_to_string(v_text, '|');   -- NULL elements are skipped; the id is always there
    v_any_json := array_to_string(v_json, '|');
    v_needles_text := ops.personal_data_needles(p_user_id, v_email, v_name, false);
    v_needles_json := ops.personal_data_needles(p_user_id, v_email, v_name, true);

    -- 1. the rows the user owns
    FOR v_table IN SELECT * FROM ops.user_data_tables() LOOP
        IF NOT has_table_privilege(v_table.relid, 'SELECT, UPDATE, DELETE') THEN
            RAISE EXCEPTION 'api.erase_user: table % holds user_id rows that % may not delete', v_table.table_name, current_user
                USING ERRCODE = '42501', HINT = 'Make assistant_owner its owner (ALTER TABLE ... OWNER TO assistant_owner); nothing was erased.';
        END IF;
        IF v_table.depth > 0 THEN
            EXECUTE format('SELECT FROM %s WHERE user_id = $1 FOR UPDATE', v_table.table_name) USING p_user_id;
        END IF;
    END LOOP;
    FOR v_table IN SELECT * FROM ops.user_data_tables() LOOP
        EXECUTE format('DELETE FROM %s WHERE user_id = $1', v_table.table_name) USING p_user_id;
        GET DIAGNOSTICS v_n = ROW_COUNT;
        IF v_n > 0 THEN
            v_deleted := v_deleted || jsonb_build_object(v_table.table_name, v_n);
        END IF;
    END LOOP;
    DELETE FROM core.users WHERE id = p_user_id;
    GET DIAGNOSTICS v_n = ROW_COUNT;
    IF v_n > 0 THEN
        v_deleted := v_deleted || jsonb_build_object('core.users', v_n);
    END IF;

    -- 2 and 3. every mention, audit trails last
    FOR v_table IN
        SELECT c.oid::regclass AS relid, format('%I.%I', n.nspname, c.relname) AS table_name,
               has_table_privilege(c.oid, 'SELECT, UPDATE') AS allowed,
               (SELECT count(*) = 5 FROM pg_attribute AS a
                 WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
                   AND (a.attname, a.atttypid) IN (('row_key', 'jsonb'::regtype), ('old_values', 'jsonb'::regtype),
                                                   ('new_values', 'jsonb'::regtype), ('table_schema', 'text'::regtype),
                                                   ('table_name', 'text'::regtype))) AS audit,
               EXISTS (SELECT FROM pg_attribute AS a WHERE a.attrelid = c.oid AND a.attname = 'subject_user_id'
                                                       AND NOT a.attisdropped) AS has_subject
          FROM pg_class AS c
          JOIN pg_namespace AS n ON n.oid = c.relnamespace
         WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
           AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_(toast|temp)'
           AND c.oid NOT IN ('ops.erasure_log'::regclass, 'ops.erasure_secrets'::regclass)
         ORDER BY 4, 2
    LOOP
        -- $1 any text pattern, $2 text patterns, $3 any JSON pattern, $4 JSON patterns, $5 id, $6 pseudonym,
        -- $7 and $8 the LIKE needles of text and JSON: a substring test first, the regex only where it passes
        SELECT string_agg(CASE col.kind
                   WHEN 'text' THEN format('%1$I = CASE WHEN %2$s ~* $1 THEN %3$s ELSE %1$I END', col.column_name, x.as_text,
                                           CASE WHEN col.type_name = 'text[]'
                                                THEN format('ops.text_as_text_array(ops.pseudonymise_text(%s, $2, $6))', x.as_text)
                                                ELSE format('ops.pseudonymise_text(%s, $2, $6)::%s', x.as_text, col.type_name) END)
                   WHEN 'json' THEN format('%1$I = CASE WHEN %1$I::text ~* $3 THEN ops.pseudonymise_text(%1$I::text, $4, $6)::%2$s ELSE %1$I END',
                                           col.column_name, col.type_name)
                   WHEN 'uuid' THEN format('%1$I = CASE WHEN %1$I = $5 THEN $6 ELSE %1$I END', col.column_name)
                   WHEN 'uuid[]' THEN format('%1$I = array_replace(%1$I, $5, $6)', col.column_name)
                   WHEN 'network' THEN format('%I = NULL', col.column_name) END, ', '),
               string_agg(CASE col.kind
                   WHEN 'text' THEN format('(lower(%1$s) LIKE ANY ($7) AND %1$s ~* $1)', x.as_text)
                   WHEN 'json' THEN format('(lower(%1$I::text) LIKE ANY ($8) AND %1$I::text ~* $3)', col.column_name)
                   WHEN 'uuid' THEN format('%I = $5', col.column_name)
                   WHEN 'uuid[]' THEN format('$5 = ANY (%I)', col.column_name) END, ' OR ')
          INTO v_set, v_where
          FROM ops.personal_data_columns(v_table.relid) AS col
         -- 0090: a text[] column is read and written through IMMUTABLE wrappers of its text form:
         -- the casts (array_out, array_in) are STABLE, and Citus refuses STABLE functions of a
         -- column in a multi-shard UPDATE (the scrub of other users' rows)
         CROSS JOIN LATERAL (SELECT CASE WHEN col.type_name = 'text[]' THEN format('ops.text_array_as_text(%I)', col.column_name)
                                         ELSE format('%I::text', col.column_name) END AS as_text) AS x;
        CONTINUE WHEN v_where IS NULL;
        IF NOT v_table.allowed THEN
            v_not_scanned := v_not_scanned || v_table.table_name;
            CONTINUE;
        END IF;
        IF v_table.audit THEN
            -- the history of the user's own rows: which columns changed, when, by whom; no value
            EXECUTE format($f$UPDATE %s
                  SET old_values = CASE WHEN old_values IS NULL THEN NULL
                                        ELSE coalesce((SELECT jsonb_object_agg(k, '"[erased]"'::jsonb) FROM jsonb_object_keys(old_values) AS k), '{}') END,
                      new_values = CASE WHEN new_values IS NULL THEN NULL
                                        ELSE coalesce((SELECT jsonb_object_agg(k, '"[erased]"'::jsonb) FROM jsonb_object_keys(new_values) AS k), '{}') END
                WHERE %s row_key ->> 'user_id' = $1::text
                   OR (table_schema = 'core' AND table_name = 'users' AND row_key ->> 'id' = $1::text)$f$,
                v_table.table_name, CASE WHEN v_table.has_subject THEN 'subject_user_id = $2 OR' ELSE '' END)
              USING p_user_id, p_user_id;
            GET DIAGNOSTICS v_n = ROW_COUNT;
            IF v_n > 0 THEN
                v_values_erased := v_values_erased || jsonb_build_object(v_table.table_name, v_n);
            END IF;
        END IF;
        EXECUTE format('UPDATE %s SET %s WHERE %s', v_table.table_name, v_set, v_where)
          USING v_any_text, v_text, v_any_json, v_json, p_user_id, v_pseudonym, v_needles_text, v_needles_json;
        GET DIAGNOSTICS v_n = ROW_COUNT;
        IF v_n > 0 THEN
            v_scrubbed := v_scrubbed || jsonb_build_object(v_table.table_name, v_n);
        END IF;
    END LOOP;

    -- Citus: the audit rows about the user are moved to the pseudonym's shard (see above)
    IF to_regprocedure('pg_catalog.citus_backend_gpid()') IS NOT NULL THEN
        EXECUTE $q$SELECT EXISTS (SELECT FROM pg_catalog.pg_dist_partition AS p
                                  WHERE p.logicalrelid = 'ops.audit_log'::regclass
                                    AND pg_catalog.column_to_column_name(p.logicalrelid, p.partkey) = 'subject_user_id')$q$
          INTO v_found_moved;
        IF v_found_moved THEN
            INSERT INTO ops.audit_log (id, changed_at, table_schema, table_name, operation, row_key, db_role, login_role,
                                       app_user_id, transaction_id, old_values, new_values, subject_user_id)
            OVERRIDING SYSTEM VALUE
            SELECT a.id, a.changed_at, a.table_schema, a.table_name, a.operation, a.row_key, a.db_role, a.login_role,
                   a.app_user_id, a.transaction_id, a.old_values, a.new_values, v_pseudonym
              FROM ops.audit_log AS a
             WHERE a.subject_user_id = p_user_id;
            DELETE FROM ops.audit_log AS a WHERE a.subject_user_id = p_user_id;
            GET DIAGNOSTICS v_n = ROW_COUNT;
            IF v_n > 0 THEN
                v_scrubbed := v_scrubbed || jsonb_build_object('ops.audit_log.subject_user_id', v_n);
            END IF;
        END IF;
    END IF;

    IF v_previous.id IS NOT NULL AND v_deleted = '{}' AND v_scrubbed = '{}' AND v_values_erased = '{}' THEN
        -- erased before and nothing new since: nothing changes, not even the log
        DELETE FROM ops.erasure_log WHERE id = v_erasure;
        IF to_regprocedure('pg_catalog.citus_backend_gpid()') IS NOT NULL THEN
            PERFORM ops.send_erasure_seal('');
        END IF;
        RETURN jsonb_build_object('erasure_id', v_previous.id, 'pseudonym', v_pseudonym, 'erased_at', v_previous.started_at,
                                  'already_erased', true, 'user_found', false, 'name_erased', v_previous.name_erased,
                                  'deleted', '{}'::jsonb, 'pseudonymised', '{}'::jsonb, 'audit_values_erased', '{}'::jsonb,
                                  'not_scanned', to_jsonb(v_not_scanned));
    END IF;
    UPDATE ops.erasure_log
       SET completed_at = clock_timestamp(), user_found = v_found, name_erased = v_text[3] IS NOT NULL,
           deleted = v_deleted, pseudonymised = v_scrubbed, audit_values_erased = v_values_erased,
           not_scanned = v_not_scanned
     WHERE id = v_erasure
    RETURNING jsonb_build_object('erasure_id', id, 'pseudonym', pseudonym, 'erased_at', started_at,
                                 'already_erased', v_previous.id IS NOT NULL, 'user_found', user_found,
                                 'name_erased', name_erased, 'deleted', deleted, 'pseudonymised', pseudonymised,
                                 'audit_values_erased', audit_values_erased, 'not_scanned', to_jsonb(not_scanned))
      INTO v_deleted;
    IF to_regprocedure('pg_catalog.citus_backend_gpid()') IS NOT NULL THEN
        PERFORM ops.send_erasure_seal('');
    END IF;
    RETURN v_deleted;
END;
$$;

COMMENT ON FUNCTION api.erase_user(uuid) IS
    'Erases a person (LGPD): deletes every row they own in every table with a user_id column (archive included, found in the catalog) and their core.users row; replaces their id by a stable pseudonym and their email and full name by [erased] in every text, json and uuid column of every other table, and erases the values of the audit rows about their rows. Records the erasure in ops.erasure_log (no personal data) and returns a summary with counts per table. Idempotent. Service role only.';

GRANT EXECUTE ON FUNCTION api.erase_user(uuid) TO assistant_service;
