-- Bound maintenance to a window around now and guard its runs: partitions are created only from
-- max_past periods back to premake ahead (a stray timestamp, 1970 or year 294276, no longer makes
-- hundreds of partitions or fails every run: its rows stay in the default partition and are
-- reported); at most maint.max_new_partitions per table and run; an overlapping run (cron and
-- pg_cron both scheduled) skips, a replica does nothing; every run is recorded in
-- maint.maintenance_runs with what it did, which make rotate prints as a one-screen summary.
-- depends: 0030_make_partition_moves_safe
-- functions-after: maint.partition_window maint.default_partition_periods maint.partition_plan
-- functions-after: maint.default_partition_strays maint.run_step maint.begin_run maint.record_run
-- functions-after: maint.format_actions maint.run_summary maint.maintain_partitions
-- functions-after: maint.repair_default_partition maint.run_maintenance maint.run_cleanup
--
-- Runs in one transaction as assistant_owner. Both tables are maintenance's own, small, and read
-- by no application: the new column and its CHECK are added directly.
-- Partner: 0031_bound_and_guard_maintenance_runs.rollback.sql undoes each statement here, in
-- reverse order (the runner restores the 0002/0030 versions of the functions replaced).

-- integer like premake: bounded 0..1000 by its CHECK, bigint would buy nothing
ALTER TABLE maint.partition_policies
    -- squawk-ignore prefer-bigint-over-int
    ADD COLUMN max_past integer CONSTRAINT partition_policies_max_past_check CHECK (max_past BETWEEN 0 AND 1000);

COMMENT ON COLUMN maint.partition_policies.max_past IS
    'How many periods back maintenance still creates a partition (for rows waiting in the default partition, or a gap); NULL: 24 for month, 62 for day. Rows older than that, or later than premake ahead, stay in the default partition and are reported as stray.';

CREATE TABLE maint.maintenance_runs (
    id bigint GENERATED ALWAYS AS IDENTITY,
    kind text NOT NULL,
    status text NOT NULL DEFAULT 'running',
    started_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    finished_at timestamptz,
    -- squawk-ignore prefer-bigint-over-int
    backend_pid integer NOT NULL DEFAULT pg_backend_pid(),  -- a server process id (int4 in pg_stat_activity)
    backend_start timestamptz,
    run_by text NOT NULL DEFAULT session_user,
    actions jsonb NOT NULL DEFAULT '[]',
    detail text,
    CONSTRAINT maintenance_runs_pkey PRIMARY KEY (id),
    CONSTRAINT maintenance_runs_kind_check CHECK (kind IN ('maintenance', 'cleanup')),
    CONSTRAINT maintenance_runs_status_check CHECK (status IN ('running', 'done', 'failed', 'overlap', 'abandoned')),
    CONSTRAINT maintenance_runs_finished_at_check CHECK ((status = 'running') = (finished_at IS NULL)),
    CONSTRAINT maintenance_runs_actions_check CHECK (jsonb_typeof(actions) = 'array')
);

COMMENT ON TABLE maint.maintenance_runs IS
    'One row per run of maint.run_maintenance / maint.run_cleanup (written by maint.begin_run and maint.record_run, kept 90 days): who ran it, when, what it did. A new run takes LOCK TABLE ... IN EXCLUSIVE MODE for a moment to look for a live one and skips when there is: no application role can take that lock (no privilege on the table), unlike an advisory lock.';
COMMENT ON COLUMN maint.maintenance_runs.kind IS 'maintenance (maint.run_maintenance, make rotate) or cleanup (maint.run_cleanup, make cleanup).';
COMMENT ON COLUMN maint.maintenance_runs.status IS 'running; done; failed (a step failed: see actions); overlap (skipped: another run of the kind was live); abandoned (its session ended before it finished, found by a later run).';
COMMENT ON COLUMN maint.maintenance_runs.started_at IS 'When the run started (clock time).';
COMMENT ON COLUMN maint.maintenance_runs.finished_at IS 'When it finished; NULL while running.';
COMMENT ON COLUMN maint.maintenance_runs.backend_pid IS 'Server process of the run: with backend_start, tells a live run (in pg_stat_activity) from a dead one.';
COMMENT ON COLUMN maint.maintenance_runs.backend_start IS 'pg_stat_activity.backend_start of that process (a pid can be reused by a later session).';
COMMENT ON COLUMN maint.maintenance_runs.run_by IS 'The login (session_user) that ran it: the cron user, pg_cron''s, a DBA.';
COMMENT ON COLUMN maint.maintenance_runs.actions IS 'What it did, one JSON object per action: parent, action (create, drop, detach, skip, conflict, fail, stray, cleanup), partition, detail, rows (moved, or stray).';
COMMENT ON COLUMN maint.maintenance_runs.detail IS 'Why an overlap run skipped, or why a run was found abandoned.';

CREATE INDEX maintenance_runs_kind_started_at_idx ON maint.maintenance_runs (kind, started_at);

REVOKE ALL ON maint.maintenance_runs FROM PUBLIC;
