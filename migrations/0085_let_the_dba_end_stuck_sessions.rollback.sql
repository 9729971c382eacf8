-- run-as: session-user
DO $$
BEGIN
    REVOKE pg_signal_backend FROM assistant_dba;
EXCEPTION WHEN insufficient_privilege THEN
    NULL;
END;
$$;
