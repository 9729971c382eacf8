-- Undo 0063_probe_partitions_with_a_select_list; the runner restores the previous versions of
-- the four maintenance functions.
COMMENT ON SCHEMA maint IS 'Partition lifecycle and maintenance: policies, rotation, retention, repair.';
