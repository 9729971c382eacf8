-- Single-message ingest into the bare table (baseline: the physical limit).
-- The same row shape as every ingest script: a recent conversation, a text of bench.texts.
\set k random(:k_lo, :k_hi)
\set t random(1, 20000)
INSERT INTO bench.bare_messages (conversation_id, role, content)
SELECT bench.conv_uuid(:k), t.role, t.content FROM bench.texts AS t WHERE t.id = :t;
