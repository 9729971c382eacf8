-- Undo 0031_bound_and_guard_maintenance_runs: one statement per statement of the migration, in
-- reverse order; first the functions loaded after its statements (the runner then restores the
-- versions before it of the ones it replaced).

DROP FUNCTION maint.run_summary(bigint, text);
DROP FUNCTION maint.format_actions(jsonb);
DROP FUNCTION maint.record_run(bigint, jsonb, boolean);
DROP FUNCTION maint.begin_run(text);
DROP FUNCTION maint.run_step(regclass, text, text);
DROP FUNCTION maint.default_partition_strays(regclass);
DROP FUNCTION maint.partition_plan(regclass);
DROP FUNCTION maint.partition_window(regclass);

-- (REVOKE ALL ... FROM PUBLIC: nothing to undo on a table about to be dropped)
DROP INDEX maint.maintenance_runs_kind_started_at_idx;
DROP TABLE maint.maintenance_runs;
ALTER TABLE maint.partition_policies DROP COLUMN max_past;
