-- Undo 0017_add_index_on_conversations_started_at (outside a transaction, like the migration).

DROP INDEX CONCURRENTLY core.conversations_started_at_idx;
