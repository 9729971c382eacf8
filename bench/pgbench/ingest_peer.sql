-- Single-message ingest into the peer (langchain-postgres PostgresChatMessageHistory.add_messages:
-- INSERT INTO t (session_id, message) VALUES (...), one message per statement).
\set k random(:k_lo, :k_hi)
\set t random(1, 20000)
INSERT INTO bench.peer_messages (session_id, message)
SELECT bench.conv_uuid(:k), bench.peer_message(t.role, t.content) FROM bench.texts AS t WHERE t.id = :t;
