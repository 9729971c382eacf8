-- Undo 0032_count_default_partition_rows: drop the function it loaded.

DROP FUNCTION maint.default_partition_rows(regclass, bigint);
