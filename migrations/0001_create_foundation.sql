-- Create the foundation every other migration builds on: roles, schemas, extensions, shared helpers.
-- run-as: session-user
-- functions-after: uuid_generate_v7 uuid_v7_timestamp tg__set_updated_at
--
-- Runs as the DBA's login (it creates roles and extensions); every later migration runs as
-- assistant_owner, so the objects they create belong to it.
-- Roles are cluster-wide and shared by every database of the cluster: their creation is guarded
-- and the rollback leaves them in place.

DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'assistant_owner') THEN
        CREATE ROLE assistant_owner NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'assistant_app') THEN
        CREATE ROLE assistant_app NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'assistant_readonly') THEN
        CREATE ROLE assistant_readonly NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'assistant_service') THEN
        CREATE ROLE assistant_service NOLOGIN;
    END IF;
    -- the DBA's login must be able to SET ROLE assistant_owner for the later migrations
    IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)
       AND NOT pg_has_role(current_user, 'assistant_owner', 'MEMBER') THEN
        BEGIN
            EXECUTE format('GRANT assistant_owner TO %I', current_user);
        EXCEPTION WHEN insufficient_privilege THEN
            -- PostgreSQL 16+: only a role's creator (or a holder of ADMIN OPTION) may grant it
            RAISE EXCEPTION 'role % may not grant itself membership in role assistant_owner', current_user
                USING ERRCODE = '42501',
                      HINT = format('The assistant_* roles already exist in this cluster. As a superuser: GRANT assistant_owner TO %I;', current_user);
        END;
    END IF;
END
$$;

CREATE SCHEMA ext;
CREATE SCHEMA util;
CREATE SCHEMA maint;
CREATE SCHEMA core;
CREATE SCHEMA ops;
CREATE SCHEMA api;
CREATE SCHEMA archive;

COMMENT ON SCHEMA ext IS 'Extensions assistant-db uses (pg_trgm, unaccent, btree_gin), kept out of public.';
COMMENT ON SCHEMA util IS 'Shared helpers: UUID v7 generation, the updated_at trigger function.';
COMMENT ON SCHEMA maint IS 'Partition lifecycle and maintenance: policies, rotation, retention, repair.';
COMMENT ON SCHEMA core IS 'Private: users, conversations, messages, agent work and memory. Apps read it through api.';
COMMENT ON SCHEMA ops IS 'Private: audit log, system logs, configuration, process executions, metrics, alerts, analytics.';
COMMENT ON SCHEMA api IS 'The only schema applications use: security_invoker views and functions.';
COMMENT ON SCHEMA archive IS 'Partitions detached by retention policies, kept for export before they are dropped.';

ALTER SCHEMA ext OWNER TO assistant_owner;
ALTER SCHEMA util OWNER TO assistant_owner;
ALTER SCHEMA maint OWNER TO assistant_owner;
ALTER SCHEMA core OWNER TO assistant_owner;
ALTER SCHEMA ops OWNER TO assistant_owner;
ALTER SCHEMA api OWNER TO assistant_owner;
ALTER SCHEMA archive OWNER TO assistant_owner;

-- All three exist in PostgreSQL 15 contrib and in the embedded PostgreSQL 18 wheel, and are trusted
-- (a database owner may create them).
CREATE EXTENSION pg_trgm WITH SCHEMA ext;
CREATE EXTENSION unaccent WITH SCHEMA ext;
-- btree_gin: one GIN index over (user_id, search_vector) serves one user's full-text search
CREATE EXTENSION btree_gin WITH SCHEMA ext;

GRANT USAGE ON SCHEMA ext TO assistant_app, assistant_readonly, assistant_service;
GRANT USAGE ON SCHEMA util TO assistant_app, assistant_readonly, assistant_service;
GRANT USAGE ON SCHEMA api TO assistant_app, assistant_readonly, assistant_service;

-- Least privilege by default: functions the owner creates are not executable by PUBLIC;
-- each migration grants EXECUTE to the roles that need it.
ALTER DEFAULT PRIVILEGES FOR ROLE assistant_owner REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;
