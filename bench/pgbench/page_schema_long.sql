-- The latest page (50 messages) of a 1,000-message conversation, as page_schema.sql reads it.
\set k :long_step * random(1, :n_long)
\set u 1 + (:k - 1) % :users
\startpipeline
BEGIN;
SELECT set_config('app.user_id', bench.user_uuid(:u)::text, true);
SELECT * FROM api.conversation_history(bench.conv_uuid(:k), NULL, NULL, 50);
COMMIT;
\endpipeline
