-- api.search_messages on a word still being typed (prefix path), as an
-- application runs it (role assistant_app, top 20 by rank, with headlines).
\set u random(:u_lo, :u_hi)
\set s random(1, :n_terms)
\startpipeline
BEGIN;
SELECT api.act_as(bench.user_uuid(:u));
SELECT r.* FROM bench.search_variants AS t, api.search_messages(t.query) AS r WHERE t.kind = 'prefix' AND t.id = :s;
COMMIT;
\endpipeline
