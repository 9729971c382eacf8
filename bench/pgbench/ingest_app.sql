-- Single-message ingest as an application does it (role assistant_app): in one transaction, name
-- the user (api.act_as), then INSERT through the api.messages view, row-level security
-- applying. Pipelined, so the four statements cost one round trip, as a pipelining driver sends them.
\set k random(:k_lo, :k_hi)
\set u 1 + (:k - 1) % :users
\set t random(1, 20000)
\startpipeline
BEGIN;
SELECT api.act_as(bench.user_uuid(:u));
INSERT INTO api.messages (conversation_id, role, content)
SELECT bench.conv_uuid(:k), t.message_role, t.content FROM bench.texts AS t WHERE t.id = :t;
COMMIT;
\endpipeline
