-- Comment every column of maint.partition_report (0002 commented only the non-obvious ones; the
-- catalog lint wants each one, and the report's readers see these comments in \d+).
-- depends: 0002_create_partition_maintenance

COMMENT ON COLUMN maint.partition_report.parent IS 'The partitioned table, schema-qualified.';
COMMENT ON COLUMN maint.partition_report.strategy IS 'How it is partitioned: range, list or hash.';
COMMENT ON COLUMN maint.partition_report.partition_interval IS 'day or month when registered in maint.partition_policies; NULL when not under maintenance.';
COMMENT ON COLUMN maint.partition_report.premake IS 'Future partitions kept ready by maintenance (from the policy).';
COMMENT ON COLUMN maint.partition_report.retention IS 'Age after which partitions leave (from the policy); NULL keeps them all.';
COMMENT ON COLUMN maint.partition_report.retention_action IS 'drop or detach (into schema archive), from the policy.';
COMMENT ON COLUMN maint.partition_report.partition IS 'One partition of the parent, schema-qualified; NULL when the parent has none.';
COMMENT ON COLUMN maint.partition_report.is_default IS 'True for the default partition, where rows outside every range land.';
COMMENT ON COLUMN maint.partition_report.bound IS 'The partition bound as PostgreSQL prints it (FOR VALUES FROM (...) TO (...), IN (...), DEFAULT).';
COMMENT ON COLUMN maint.partition_report.lower_bound IS 'Inclusive lower bound of a range partition, as text (MINVALUE when open); NULL otherwise.';
COMMENT ON COLUMN maint.partition_report.upper_bound IS 'Exclusive upper bound of a range partition, as text (MAXVALUE when open); NULL otherwise.';
COMMENT ON COLUMN maint.partition_report.total_bytes IS 'Size on disk of the partition with its indexes and TOAST, in bytes.';
COMMENT ON COLUMN maint.partition_report.total_size IS 'total_bytes for people (kB, MB, GB).';
