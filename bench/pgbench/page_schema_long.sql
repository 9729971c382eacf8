-- The latest page (50 messages) of a 1,000-message conversation, as page_schema.sql reads it.
\set k :long_step * random(1, :n_long)
\set u 1 + (:k - 1) % :users
\startpipeline
BEGIN;
SELECT api.act_as(bench.user_uuid(:u));
SELECT * FROM api.conversation_history(bench.conv_uuid(:k), NULL, NULL, 50);
COMMIT;
\endpipeline
