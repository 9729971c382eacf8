-- Undo 0020_comment_partition_report_columns: one statement per statement, in reverse order.

COMMENT ON COLUMN maint.partition_report.total_size IS NULL;
COMMENT ON COLUMN maint.partition_report.total_bytes IS NULL;
COMMENT ON COLUMN maint.partition_report.upper_bound IS NULL;
COMMENT ON COLUMN maint.partition_report.lower_bound IS NULL;
COMMENT ON COLUMN maint.partition_report.bound IS NULL;
COMMENT ON COLUMN maint.partition_report.is_default IS NULL;
COMMENT ON COLUMN maint.partition_report.partition IS NULL;
COMMENT ON COLUMN maint.partition_report.retention_action IS NULL;
COMMENT ON COLUMN maint.partition_report.retention IS NULL;
COMMENT ON COLUMN maint.partition_report.premake IS NULL;
COMMENT ON COLUMN maint.partition_report.partition_interval IS NULL;
COMMENT ON COLUMN maint.partition_report.strategy IS NULL;
COMMENT ON COLUMN maint.partition_report.parent IS NULL;
