-- maint.reindex_search(batch, max_batches): the online re-index of search_vector (messages,
-- partition by partition, the default partition included, then memories), one
-- maint.reindex_search_step per transaction with a COMMIT after each, so no lock outlives a batch
-- and a crash loses at most one batch (CALL again: it resumes at the saved cursors). A NOTICE per
-- finished relation; maint.search_reindex_status shows progress while it runs (make
-- search-reindex-status). p_max_batches stops early (NULL: until done). CALL it outside a
-- transaction block (it commits).
CREATE OR REPLACE PROCEDURE maint.reindex_search(p_batch integer DEFAULT 1000, p_max_batches integer DEFAULT NULL)
LANGUAGE plpgsql
AS $$
DECLARE
    v_step record;
    v_batches integer := 0;
BEGIN
    LOOP
        EXIT WHEN v_batches >= p_max_batches;
        SELECT * INTO v_step FROM maint.reindex_search_step(p_batch);
        EXIT WHEN NOT FOUND;
        v_batches := v_batches + 1;
        IF v_step.finished THEN
            RAISE NOTICE 'search re-index: % done', v_step.relation;
        END IF;
        COMMIT;
    END LOOP;
    RAISE NOTICE 'search re-index: % batches; % relations left', v_batches,
        (SELECT count(*) FROM maint.search_reindex_progress WHERE finished_at IS NULL);
END;
$$;

COMMENT ON PROCEDURE maint.reindex_search(integer, integer) IS
    'Online, batched, resumable re-index of core.messages (each partition, default included) and core.memories search_vector: maint.reindex_search_step then COMMIT until done (or p_max_batches). Progress in maint.search_reindex_status.';
