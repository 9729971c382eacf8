-- Undo 0088_search_accent_pairs_compounds_and_verb_forms: the runner re-loads the earlier
-- versions of core.search_normalize (functions/core/search_normalize/0040.sql),
-- core.to_prefix_tsquery (0007) and core.search_suggest (0040) after this file. Vectors written
-- under 0088 hold its forms: the re-index is registered afresh, so that maint.reindex_search
-- (make search-reindex) puts back 0040's.
DELETE FROM maint.search_reindex_progress;
INSERT INTO maint.search_reindex_progress (position, relation, parent)
SELECT row_number() OVER (ORDER BY r.parent DESC, r.relation), r.relation, r.parent
  FROM (SELECT t.relid::regclass::text AS relation, 'core.messages' AS parent
          FROM pg_partition_tree('core.messages') AS t WHERE t.isleaf
        UNION ALL
        SELECT 'core.memories', 'core.memories') AS r;
-- 0040's core.search_suggest, re-loaded after this file, sets pg_trgm.similarity_threshold: a
-- placeholder the owner role may not set (42501) until a pg_trgm function has loaded the library
DO $$ BEGIN PERFORM ext.similarity('', ''); END $$;
