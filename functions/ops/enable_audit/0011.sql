-- ops.enable_audit(table, masked columns): attach ops.tg__audit() to a table.
-- Migrations call it (as the table's owner); nothing else needs it, so nothing else may run it.
CREATE OR REPLACE FUNCTION ops.enable_audit(p_table regclass, p_masked_columns text[] DEFAULT '{}',
                                            p_key_columns text[] DEFAULT NULL)
RETURNS text
LANGUAGE plpgsql
VOLATILE
SET search_path = pg_catalog, ops, pg_temp
AS $$
DECLARE
    v_schema  name;
    v_table   name;
    v_keys    text[] := p_key_columns;
    v_missing text;
    v_trigger text;
BEGIN
    SELECT n.nspname, c.relname INTO v_schema, v_table
      FROM pg_class AS c JOIN pg_namespace AS n ON n.oid = c.relnamespace
     WHERE c.oid = p_table;

    IF v_keys IS NULL THEN
        SELECT array_agg(a.attname::text ORDER BY k.ord) INTO v_keys
          FROM pg_index AS i
         CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
          JOIN pg_attribute AS a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
         WHERE i.indrelid = p_table AND i.indisprimary;
    END IF;
    IF v_keys IS NULL OR cardinality(v_keys) = 0 THEN
        RAISE EXCEPTION 'table %.% has no primary key to identify audited rows', v_schema, v_table
            USING ERRCODE = '55000', HINT = 'Add a primary key, or pass p_key_columns.';
    END IF;

    SELECT string_agg(col, ', ') INTO v_missing
      FROM unnest(v_keys || coalesce(p_masked_columns, '{}')) AS col
     WHERE NOT EXISTS (SELECT FROM pg_attribute
                        WHERE attrelid = p_table AND attname = col AND attnum > 0 AND NOT attisdropped);
    IF v_missing IS NOT NULL THEN
        RAISE EXCEPTION 'table %.% has no column(s) %', v_schema, v_table, v_missing
            USING ERRCODE = '42703', HINT = 'Name existing columns in p_key_columns and p_masked_columns.';
    END IF;

    v_trigger := left(v_table || '_audit', 63);
    EXECUTE format('CREATE TRIGGER %I AFTER INSERT OR UPDATE OR DELETE ON %I.%I FOR EACH ROW '
                   'EXECUTE FUNCTION ops.tg__audit(%L, %L, %L, %L)',
                   v_trigger, v_schema, v_table, v_schema, v_table, v_keys, coalesce(p_masked_columns, '{}'));
    RETURN v_trigger;
END;
$$;

COMMENT ON FUNCTION ops.enable_audit(regclass, text[], text[]) IS
    'Attaches the audit trigger <table>_audit (ops.tg__audit) to a table: every INSERT, UPDATE and DELETE is recorded in ops.audit_log, keyed by the primary key (or p_key_columns), with p_masked_columns replaced by "***". Returns the trigger name; a rollback drops it with DROP TRIGGER.';
