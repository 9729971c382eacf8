-- The peer reading a 1,000-message conversation: langchain-postgres'
-- PostgresChatMessageHistory.get_messages() runs exactly this (every message of the session).
\set k :long_step * random(1, :n_long)
SELECT message FROM bench.peer_messages WHERE session_id = bench.conv_uuid(:k) ORDER BY id;
