-- Ranked full-text search over one user's messages, as an application runs it (role
-- assistant_app, api.search_messages: top 20 by rank, with headlines).
\set u random(:u_lo, :u_hi)
\set s random(1, :n_terms)
\startpipeline
BEGIN;
SELECT api.act_as(bench.user_uuid(:u));
SELECT r.* FROM bench.search_terms AS t, api.search_messages(t.query) AS r WHERE t.id = :s;
COMMIT;
\endpipeline
