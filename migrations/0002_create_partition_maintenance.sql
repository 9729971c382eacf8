-- Create the partition maintenance machinery: policies, rotation, retention, default repair, report.
-- depends: 0001_create_foundation
-- functions: default_partition_has_rows
-- functions-after: partition_period_start partition_name partition_bounds copy_parent_properties
-- functions-after: create_partition_table ensure_default_partition create_partition apply_retention
-- functions-after: maintain_partitions register_partitioned_table unregister_partitioned_table
-- functions-after: default_partition_periods repair_default_partition run_maintenance run_cleanup
-- functions-after: schedule_with_pg_cron
--
-- The domains register their partitioned tables from their own migrations:
--   SELECT * FROM maint.register_partitioned_table('core.messages', 'month', 3, NULL, 'drop');
-- and their rollbacks call maint.unregister_partitioned_table('core.messages') before the DROP.

CREATE TABLE maint.partition_policies (
    parent regclass PRIMARY KEY,
    partition_interval text NOT NULL,
    -- squawk-ignore prefer-bigint-over-int
    premake integer NOT NULL DEFAULT 3,  -- bounded 0..400 by its CHECK: bigint would buy nothing
    retention interval,
    retention_action text NOT NULL DEFAULT 'drop',
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT partition_policies_partition_interval_check CHECK (partition_interval IN ('day', 'month')),
    CONSTRAINT partition_policies_premake_check CHECK (premake BETWEEN 0 AND 400),
    CONSTRAINT partition_policies_retention_check CHECK (retention > interval '0'),
    CONSTRAINT partition_policies_retention_action_check CHECK (retention_action IN ('drop', 'detach'))
);

COMMENT ON TABLE maint.partition_policies IS
    'One row per partitioned table under maintenance (written by maint.register_partitioned_table): how it is cut, how far ahead partitions are kept ready, and when old ones leave.';
COMMENT ON COLUMN maint.partition_policies.parent IS
    'The partitioned table (RANGE on one timestamptz column). regclass: follows renames; pg_dump writes it as a qualified name.';
COMMENT ON COLUMN maint.partition_policies.partition_interval IS
    'day or month: one partition per UTC day (<parent>_pYYYYMMDD) or month (<parent>_pYYYYMM).';
COMMENT ON COLUMN maint.partition_policies.premake IS
    'How many future partitions, after the current one, maintenance keeps ready.';
COMMENT ON COLUMN maint.partition_policies.retention IS
    'Age after which a partition leaves (its upper bound older than now() - retention); NULL keeps every partition.';
COMMENT ON COLUMN maint.partition_policies.retention_action IS
    'What retention does: drop the partition, or detach it into schema archive for export.';

CREATE TRIGGER partition_policies_set_updated_at
    BEFORE UPDATE ON maint.partition_policies
    FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*)
    EXECUTE FUNCTION util.tg__set_updated_at();

REVOKE ALL ON maint.partition_policies FROM PUBLIC;

-- Every partitioned table of the database, registered or not, one row per partition. Runs with
-- its owner's rights (not security_invoker) so the readonly role sees sizes and bounds without
-- reading any table; the one probe of data goes through maint.default_partition_has_rows.
CREATE VIEW maint.partition_report AS
WITH parents AS MATERIALIZED (
    SELECT pc.oid, pn.nspname, pc.relname, pt.partstrat, pt.partdefid,
           CASE WHEN pt.partdefid <> 0 THEN maint.default_partition_has_rows(pt.partdefid::regclass) END AS default_has_rows
      FROM pg_catalog.pg_partitioned_table pt
      JOIN pg_catalog.pg_class pc ON pc.oid = pt.partrelid
      JOIN pg_catalog.pg_namespace pn ON pn.oid = pc.relnamespace
     WHERE pn.nspname NOT IN ('pg_catalog', 'information_schema')
)
SELECT pg_catalog.format('%I.%I', p.nspname, p.relname) AS parent,
       CASE p.partstrat WHEN 'r' THEN 'range' WHEN 'l' THEN 'list' WHEN 'h' THEN 'hash' END AS strategy,
       pol.partition_interval,
       pol.premake,
       pol.retention,
       pol.retention_action,
       pg_catalog.format('%I.%I', cn.nspname, c.relname) AS partition,
       c.oid = p.partdefid AS is_default,
       pg_catalog.pg_get_expr(c.relpartbound, c.oid) AS bound,
       pg_catalog.btrim(m[1], '''') AS lower_bound,
       pg_catalog.btrim(m[2], '''') AS upper_bound,
       CASE WHEN c.reltuples >= 0 THEN c.reltuples::bigint END AS row_estimate,
       pg_catalog.pg_total_relation_size(c.oid) AS total_bytes,
       pg_catalog.pg_size_pretty(pg_catalog.pg_total_relation_size(c.oid)) AS total_size,
       p.default_has_rows
  FROM parents p
  LEFT JOIN maint.partition_policies pol ON pol.parent = p.oid
  LEFT JOIN pg_catalog.pg_inherits i ON i.inhparent = p.oid
  LEFT JOIN pg_catalog.pg_class c ON c.oid = i.inhrelid
  LEFT JOIN pg_catalog.pg_namespace cn ON cn.oid = c.relnamespace
  LEFT JOIN LATERAL pg_catalog.regexp_match(pg_catalog.pg_get_expr(c.relpartbound, c.oid),
                                            '^FOR VALUES FROM \((.*)\) TO \((.*)\)$') AS m ON true;

COMMENT ON VIEW maint.partition_report IS
    'Every partitioned table with its partitions: bounds, row estimate (NULL before the first ANALYZE), total size, its policy if registered, and whether its default partition holds rows (rows there block the partition they belong to). make partitions prints it.';
COMMENT ON COLUMN maint.partition_report.default_has_rows IS
    'Per parent: true when its default partition holds rows (CALL maint.repair_default_partition moves them out); NULL with no default partition.';
COMMENT ON COLUMN maint.partition_report.row_estimate IS
    'pg_class.reltuples: the planner''s estimate from the last VACUUM/ANALYZE, NULL when never analyzed.';

GRANT USAGE ON SCHEMA maint TO assistant_readonly;
GRANT SELECT ON maint.partition_report TO assistant_readonly;
