-- api.search_messages on a mistyped word (typo path: nothing matches, then the fallback), as an
-- application runs it (role assistant_app, top 20 by rank, with headlines).
\set u random(:u_lo, :u_hi)
\set s random(1, :n_terms)
\startpipeline
BEGIN;
SELECT api.act_as(bench.user_uuid(:u));
SELECT r.* FROM bench.search_variants AS t, api.search_messages(t.query) AS r WHERE t.kind = 'typo' AND t.id = :s;
COMMIT;
\endpipeline
