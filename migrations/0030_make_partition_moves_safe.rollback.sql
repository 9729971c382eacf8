-- Undo 0030_make_partition_moves_safe: drop the functions it created, in reverse order; the
-- runner then restores the 0002 versions of those it replaced.

DROP FUNCTION maint.retire_partition(regclass, regclass, integer);
DROP FUNCTION maint.expired_partitions(regclass);
DROP FUNCTION maint.attach_partition(regclass, timestamptz);
DROP FUNCTION maint.prepare_partition(regclass, timestamptz, boolean);
