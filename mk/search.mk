# Online search re-index (issue 13, migration 0040): recompute search_vector of core.messages
# (partition by partition, default included) and core.memories in batches, one transaction each;
# resumable (CALL again after a crash). BATCH=n rows per batch (default 1000).

.PHONY: search-reindex search-reindex-status

BATCH ?= 1000

search-reindex: install ## online batched re-index of search_vector (BATCH=n); resumable; prints progress
	@$(MAINT_PSQL) -d "$(MAINT_URL)" -c "CALL maint.reindex_search($(BATCH))" 2>&1 | sed -u 's/^NOTICE:  //'

search-reindex-status: install ## progress of the search re-index, one row per partition
	@$(MAINT_PSQL) -d "$(MAINT_URL)" -c "SELECT * FROM maint.search_reindex_status"
