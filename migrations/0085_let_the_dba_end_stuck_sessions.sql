-- assistant_dba may end other sessions' backends (pg_signal_backend), for
-- ops.end_stuck_app_sessions (make end-stuck-sessions). Run as the migrating login, which needs the right to grant it (a
-- superuser has it; elsewhere ask the provider, e.g. a role holding pg_signal_backend WITH ADMIN
-- OPTION): without it, this says so and the function reports the backends it could not end.
-- pg_signal_backend never lets a role signal a superuser's backend.
-- depends: 0059_end_stuck_app_sessions
-- run-as: session-user

DO $$
BEGIN
    GRANT pg_signal_backend TO assistant_dba;
EXCEPTION WHEN insufficient_privilege THEN
    RAISE NOTICE 'pg_signal_backend not granted to assistant_dba (%): ops.end_stuck_app_sessions will report stuck sessions, not end them', SQLERRM;
END;
$$;
