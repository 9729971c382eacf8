-- Services speak the api schema, as applications do: assistant_service loses USAGE on core.
-- Its privileges on the tables stay (the api views are security_invoker and read them as the
-- caller); only naming core.* goes. Why: PostgreSQL runs `COPY <table> TO` under row-level
-- security as `SELECT … FROM ONLY <table>`, which for a partitioned table (core.messages) is
-- always empty, so a service's `COPY core.messages TO STDOUT` returned 0 rows and no error — an
-- export silently empty. Now it fails with 42501 (permission denied for schema core), `COPY
-- api.messages TO` fails with "cannot copy from view" and PostgreSQL's hint, and the way that
-- works, `COPY (SELECT … FROM api.messages) TO STDOUT`, returns every row (README, Other roles).
-- depends: 0054_make_operations_functions_refuse_bad_input_clearly
-- functions-after: api.delete_expired_memories

REVOKE USAGE ON SCHEMA core FROM assistant_service;
