-- Give the statistics that reveal other sessions' work to a role meant for DBAs, and create the
-- role that may read personal content: assistant_readonly becomes the dashboards' role.
-- depends: 0024_count_messages_without_queueing_writers
-- run-as: session-user
--
-- Runs as the DBA's login, like 0010: pg_stat_statements' objects belong to the superuser that
-- created the extension, and predefined roles (pg_read_all_stats) are granted by a superuser or
-- a holder of ADMIN. Each step is best effort with a NOTICE and a hint, so a managed service's
-- DBA login still migrates. Roles and role memberships are cluster-wide: their changes are
-- guarded, and the rollback leaves the roles in place.
--
-- Why (an adversarial pass found):
--   * ext.pg_stat_statements was readable by every role, and PostgreSQL 15 stores
--     `SET LOCAL app.user_id = '<uuid>'` verbatim: any app session could read every user's id
--     (and app.user_id is self-asserted);
--   * assistant_readonly held pg_read_all_stats: it read other sessions' full query text in
--     pg_stat_activity (secret values included) in every database of the cluster.
-- Roles after this migration:
--   assistant_dba              statistics of every session (pg_read_all_stats, pg_stat_statements)
--                              and the api.dba_* views; also what assistant_readonly reads
--   assistant_personal_reader  every user's rows, content included (support, data protection)

DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'assistant_dba') THEN
        CREATE ROLE assistant_dba NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'assistant_personal_reader') THEN
        CREATE ROLE assistant_personal_reader NOLOGIN;
    END IF;
    -- on PostgreSQL 16+ a non-superuser needs ADMIN on roles someone else created: best effort
    BEGIN
        IF NOT pg_has_role('assistant_dba', 'assistant_readonly', 'MEMBER') THEN
            GRANT assistant_readonly TO assistant_dba;
        END IF;
        COMMENT ON ROLE assistant_dba IS
            'assistant-db: DBAs. Reads every session''s statistics (pg_read_all_stats, pg_stat_statements) and the api.dba_* views, plus everything assistant_readonly reads. No personal content. Grant it to a DBA login: CREATE ROLE ... LOGIN IN ROLE assistant_dba.';
        COMMENT ON ROLE assistant_personal_reader IS
            'assistant-db: reads every user''s rows, personal content included (messages, memories, emails, credentials, the audit trail), writes nothing. For support and data-protection work; every other reader uses assistant_readonly.';
    EXCEPTION WHEN insufficient_privilege THEN
        RAISE NOTICE 'could not grant assistant_readonly to assistant_dba or comment on the roles: %', SQLERRM
            USING HINT = 'A superuser can run: GRANT assistant_readonly TO assistant_dba;';
    END;
END
$$;

DO $$
BEGIN
    IF pg_has_role('assistant_readonly', 'pg_read_all_stats', 'MEMBER') THEN
        BEGIN
            REVOKE pg_read_all_stats FROM assistant_readonly;
        EXCEPTION WHEN insufficient_privilege THEN
            RAISE NOTICE 'could not revoke pg_read_all_stats from assistant_readonly: %', SQLERRM
                USING HINT = 'A superuser can run: REVOKE pg_read_all_stats FROM assistant_readonly;';
        END;
    END IF;
    IF NOT pg_has_role('assistant_dba', 'pg_read_all_stats', 'MEMBER') THEN
        BEGIN
            GRANT pg_read_all_stats TO assistant_dba;
        EXCEPTION WHEN insufficient_privilege THEN
            RAISE NOTICE 'could not grant pg_read_all_stats to assistant_dba: %', SQLERRM
                USING HINT = 'A superuser can run: GRANT pg_read_all_stats TO assistant_dba;';
        END;
    END IF;
END
$$;

-- pg_stat_statements: its view and functions are granted to PUBLIC by the extension; only the
-- DBA role reads them here (the other databases of the cluster keep their own grants)
DO $$
DECLARE
    v_schema name := (SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
                       WHERE e.extname = 'pg_stat_statements');
BEGIN
    IF v_schema IS NULL THEN
        RETURN;
    END IF;
    BEGIN
        EXECUTE format('REVOKE ALL ON %I.pg_stat_statements, %I.pg_stat_statements_info FROM PUBLIC', v_schema, v_schema);
        EXECUTE format('REVOKE EXECUTE ON FUNCTION %I.pg_stat_statements(boolean), %I.pg_stat_statements_info() FROM PUBLIC',
                       v_schema, v_schema);
        EXECUTE format('GRANT SELECT ON %I.pg_stat_statements, %I.pg_stat_statements_info TO assistant_dba', v_schema, v_schema);
        EXECUTE format('GRANT EXECUTE ON FUNCTION %I.pg_stat_statements(boolean), %I.pg_stat_statements_info() TO assistant_dba',
                       v_schema, v_schema);
    EXCEPTION WHEN insufficient_privilege THEN
        RAISE NOTICE 'could not restrict pg_stat_statements: %', SQLERRM
            USING HINT = format('As its owner (a superuser): REVOKE ALL ON %I.pg_stat_statements FROM PUBLIC; GRANT SELECT ON %I.pg_stat_statements TO assistant_dba;', v_schema, v_schema);
    END;
END
$$;
