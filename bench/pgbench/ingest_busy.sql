-- Busy conversations: each client writes one message per transaction as the app does (api.act_as,
-- then INSERT through api.messages), into conversation :k_base + client_id % :spread. With
-- spread 1 every client writes into the same conversation; with spread = clients each has its
-- own. Their throughputs compare how much writers of one conversation serialise.
\set k :k_base + :client_id % :spread
\set u 1 + (:k - 1) % :users
\set t random(1, 20000)
\startpipeline
BEGIN;
SELECT api.act_as(bench.user_uuid(:u));
INSERT INTO api.messages (conversation_id, role, content)
SELECT bench.conv_uuid(:k), t.message_role, t.content FROM bench.texts AS t WHERE t.id = :t;
COMMIT;
\endpipeline
