-- A conversation's latest page (50 messages, newest first) as an application reads it (role
-- assistant_app): name the user, call api.conversation_history. Pipelined: one round trip.
-- Conversations drawn from the newest tenth (k_lo..k_hi), whose messages are recent.
\set k random(:k_lo, :k_hi)
\set u 1 + (:k - 1) % :users
\startpipeline
BEGIN;
SELECT api.act_as(bench.user_uuid(:u));
SELECT * FROM api.conversation_history(bench.conv_uuid(:k), NULL, NULL, 50);
COMMIT;
\endpipeline
