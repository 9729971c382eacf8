-- make restore: prepare the target database before pg_restore runs (psql -v db=NAME -v force=0|1,
-- connected to the server's postgres database).
--   - the package's cluster-wide roles exist (the dump names them as owners and grantees);
--   - the database does not exist: it is created;
--   - it exists and is empty: it is used;
--   - it exists and holds objects: refused, unless force=1, which drops and re-creates it.
\set ON_ERROR_STOP on
DO $$
BEGIN
    -- what 0001_create_foundation creates, so a dump restores on a new server as well
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'assistant_owner') THEN CREATE ROLE assistant_owner NOLOGIN; END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'assistant_app') THEN CREATE ROLE assistant_app NOLOGIN; END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'assistant_readonly') THEN CREATE ROLE assistant_readonly NOLOGIN; END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'assistant_service') THEN CREATE ROLE assistant_service NOLOGIN; END IF;
END
$$;

SELECT EXISTS (SELECT FROM pg_database WHERE datname = :'db') AS db_exists \gset
\if :db_exists
    \c :"db"
    -- empty: nothing but what CREATE DATABASE copies from template1 (public, maybe plpgsql)
    SELECT (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') AND n.nspname NOT LIKE 'pg_temp%'
               AND n.nspname NOT LIKE 'pg_toast_temp%')
         + (SELECT count(*) FROM pg_namespace
             WHERE nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast', 'public')
               AND nspname NOT LIKE 'pg_temp%' AND nspname NOT LIKE 'pg_toast_temp%') > 0 AS not_empty \gset
    \c postgres
    \if :not_empty
        -- psql variables do not reach a DO block; session settings do (set after the last \c)
        SELECT set_config('restore.db', :'db', false), set_config('restore.force', :'force', false) \gset restore_
        DO $$
        BEGIN
            IF current_setting('restore.force') <> '1' THEN
                RAISE EXCEPTION 'database % is not empty', current_setting('restore.db')
                      USING ERRCODE = '55000',
                            HINT = 'Restore into a new database (make restore FILE=... RESTORE_DB=new_name), or add FORCE=1 to drop and re-create this one.';
            END IF;
        END
        $$;
        \echo 'FORCE=1: dropping and re-creating database' :"db"
        DROP DATABASE :"db";
        CREATE DATABASE :"db";
    \endif
\else
    CREATE DATABASE :"db";
\endif
