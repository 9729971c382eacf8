-- Undo 0025_create_dba_and_personal_reader_roles in reverse order. The roles stay (cluster-wide,
-- other databases may use them), as do their memberships, like the roles of 0001 and the
-- pg_read_all_stats grant of 0010; the database's own grants on pg_stat_statements are restored.

DO $$
DECLARE
    v_schema name := (SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
                       WHERE e.extname = 'pg_stat_statements');
BEGIN
    IF v_schema IS NULL THEN
        RETURN;
    END IF;
    BEGIN
        EXECUTE format('REVOKE EXECUTE ON FUNCTION %I.pg_stat_statements(boolean), %I.pg_stat_statements_info() FROM assistant_dba',
                       v_schema, v_schema);
        EXECUTE format('REVOKE SELECT ON %I.pg_stat_statements, %I.pg_stat_statements_info FROM assistant_dba', v_schema, v_schema);
        EXECUTE format('GRANT EXECUTE ON FUNCTION %I.pg_stat_statements(boolean), %I.pg_stat_statements_info() TO PUBLIC',
                       v_schema, v_schema);
        EXECUTE format('GRANT SELECT ON %I.pg_stat_statements, %I.pg_stat_statements_info TO PUBLIC', v_schema, v_schema);
    EXCEPTION WHEN insufficient_privilege THEN
        RAISE NOTICE 'could not restore the grants of pg_stat_statements: %', SQLERRM;
    END;
END
$$;

-- the pg_read_all_stats memberships and the roles stay (cluster-wide)
DO $$
BEGIN
    COMMENT ON ROLE assistant_personal_reader IS NULL;
    COMMENT ON ROLE assistant_dba IS NULL;
EXCEPTION WHEN insufficient_privilege THEN
    RAISE NOTICE 'could not remove the comments of the roles: %', SQLERRM;
END
$$;
