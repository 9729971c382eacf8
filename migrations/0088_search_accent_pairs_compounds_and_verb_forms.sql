-- Portuguese search, second round (issue 13; golden set 186/210 -> 205/210): words told apart
-- only by an accent (país/pais, avó/avô, nó/no, pôr/por) stay apart, compounds typed as two words
-- (check list, bem vindo, pre voo) meet their joined and hyphenated forms, verifica/verifique/
-- verificação meet verificar, "não voo" is the verb voar, papelaria no longer stems to papel
-- (core.search_normalize); an excluded word stays a whole word instead of a prefix, so -papel
-- keeps Papelaria (core.to_prefix_tsquery); the typo fallback also fixes two swapped neighbouring
-- letters, meatr -> metar (core.search_suggest).
-- depends: 0087_name_the_column_an_app_may_not_write
-- functions: core.search_normalize core.to_prefix_tsquery
-- functions-after: core.search_suggest
--
-- Online: the functions are replaced under a moment's lock on their catalog rows; no table is
-- rewritten. search_vector of existing rows keeps 0040's forms until maint.reindex_search
-- (make search-reindex) recomputes it in batches; this migration only registers every relation
-- afresh (partitions created since 0040 included). Until then old rows are found by the forms
-- both versions share: all but the new ones (paiz, avoh/avow, noh, porw, checklist for "check
-- list", verificar for verifica). New rows get the new vectors from the trigger at once.

-- core.search_suggest sets pg_trgm.similarity_threshold, which only exists once pg_trgm's library
-- is loaded in the session; until then it is a placeholder the owner role may not set (42501).
-- A call of a pg_trgm function loads it; the function is loaded after this (functions-after).
DO $$ BEGIN PERFORM ext.similarity('', ''); END $$;

DELETE FROM maint.search_reindex_progress;  -- a few rows: one per leaf partition and memories
INSERT INTO maint.search_reindex_progress (position, relation, parent)
SELECT row_number() OVER (ORDER BY r.parent DESC, r.relation), r.relation, r.parent
  FROM (SELECT t.relid::regclass::text AS relation, 'core.messages' AS parent
          FROM pg_partition_tree('core.messages') AS t WHERE t.isleaf
        UNION ALL
        SELECT 'core.memories', 'core.memories') AS r;
