-- Undo 0002_create_partition_maintenance. The domains' rollbacks unregister their tables first;
-- partitions made by maintenance belong to those tables and go with them.

-- the functions loaded after the migration's statements
DROP FUNCTION maint.schedule_with_pg_cron(text, text);
DROP PROCEDURE maint.run_cleanup();
DROP PROCEDURE maint.run_maintenance();
DROP PROCEDURE maint.repair_default_partition(regclass);
DROP FUNCTION maint.default_partition_periods(regclass);
DROP FUNCTION maint.unregister_partitioned_table(regclass);
DROP FUNCTION maint.register_partitioned_table(regclass, text, integer, interval, text);
DROP FUNCTION maint.maintain_partitions(regclass);
DROP FUNCTION maint.apply_retention(regclass);
DROP FUNCTION maint.create_partition(regclass, timestamptz);
DROP FUNCTION maint.ensure_default_partition(regclass);
DROP FUNCTION maint.create_partition_table(regclass, text, text);
DROP FUNCTION maint.copy_parent_properties(regclass, regclass);
DROP FUNCTION maint.partition_bounds(regclass);
DROP FUNCTION maint.partition_name(text, text);
DROP FUNCTION maint.partition_period_start(timestamptz, text, integer);

REVOKE SELECT ON maint.partition_report FROM assistant_readonly;
REVOKE USAGE ON SCHEMA maint FROM assistant_readonly;

DROP VIEW maint.partition_report;

DROP TRIGGER partition_policies_set_updated_at ON maint.partition_policies;
DROP TABLE maint.partition_policies;

-- the function loaded before the migration's statements
DROP FUNCTION maint.default_partition_has_rows(regclass);
