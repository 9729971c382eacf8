-- Create what the DBA views need from outside the database's own objects: pg_stat_statements
-- (preloaded by the project's postgresql.conf) and statistics access for the read-only role.
-- depends: 0001_create_foundation
-- run-as: session-user
--
-- Runs as the DBA's login, not as assistant_owner: pg_stat_statements is not a trusted
-- extension, and granting pg_read_all_stats needs a role that holds it with ADMIN (or a
-- superuser). Both are best effort: a login that may not do them (a managed service's DBA
-- login) gets a NOTICE, and the DBA views degrade (api.dba_slowest_statements is empty, the
-- others show only the read-only role's own sessions) instead of the migration failing.
-- Nothing else belongs here: objects made here would not belong to assistant_owner.

DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_extension WHERE extname = 'pg_stat_statements') THEN
        BEGIN
            CREATE EXTENSION pg_stat_statements WITH SCHEMA ext;
        EXCEPTION WHEN insufficient_privilege OR undefined_file THEN
            RAISE NOTICE 'pg_stat_statements not created: %', SQLERRM
                USING HINT = 'A superuser can run: CREATE EXTENSION pg_stat_statements WITH SCHEMA ext;';
        END;
    END IF;
END
$$;

-- pg_read_all_stats lets assistant_readonly see every session's statements in
-- pg_stat_statements and pg_stat_activity (the DBA views); without it they show only its own.
-- Role membership is cluster-wide, like the roles: guarded, and left in place by the rollback.
DO $$
BEGIN
    IF NOT pg_has_role('assistant_readonly', 'pg_read_all_stats', 'MEMBER') THEN
        BEGIN
            GRANT pg_read_all_stats TO assistant_readonly;
        EXCEPTION WHEN insufficient_privilege THEN
            RAISE NOTICE 'could not grant pg_read_all_stats to assistant_readonly: %', SQLERRM
                USING HINT = 'A superuser can run: GRANT pg_read_all_stats TO assistant_readonly;';
        END;
    END IF;
END
$$;
