-- The server-side guard of the app's time bounds: ops.end_stuck_app_sessions ends app backends
-- idle in a transaction over 60 s or in one transaction over 5 min (settings an app may change
-- cannot bound it). assistant_dba gets pg_signal_backend in 0085 (run as the migrating login).
-- depends: 0058_bound_every_app_call_and_name_its_arguments
-- functions-after: ops.end_stuck_app_sessions

