-- Single-message ingest into the schema as the trusted backend (role assistant_service), one
-- INSERT per transaction like the baselines, through api.messages (services name only api; the
-- view resolves to core.messages at planning) with everything it carries (partition
-- routing, foreign key, row-level security check, generated tsvector, GIN and primary key, the
-- statement trigger updating the conversation's counters and the user's last interaction).
\set k random(:k_lo, :k_hi)
\set u 1 + (:k - 1) % :users
\set t random(1, 20000)
INSERT INTO api.messages (user_id, conversation_id, role, content)
SELECT bench.user_uuid(:u), bench.conv_uuid(:k), t.message_role, t.content FROM bench.texts AS t WHERE t.id = :t;
