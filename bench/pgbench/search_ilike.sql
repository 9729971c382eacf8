-- The same search done the way an app without full-text search does it: ILIKE '%words%' over the
-- same rows (the user's messages, row-level security applying), newest 20 matches.
\set u random(:u_lo, :u_hi)
\set s random(1, :n_terms)
\startpipeline
BEGIN;
SELECT api.act_as(bench.user_uuid(:u));
SELECT m.id, m.conversation_id, m.created_at, m.role, m.content
  FROM api.messages AS m
 WHERE m.content ILIKE (SELECT t.pattern FROM bench.search_terms AS t WHERE t.id = :s)
 ORDER BY m.created_at DESC
 LIMIT 20;
COMMIT;
\endpipeline
