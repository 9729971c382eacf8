-- Probe a partition's rows with SELECT 1 FROM ... instead of an empty select list (SELECT FROM),
-- which Citus cannot plan on a distributed partition: maintenance creating, attaching and
-- checking the partitions of core.messages then works on Citus. Same answers on one server.
-- depends: 0062_route_message_unlinks_by_user
-- functions-after: maint.attach_partition maint.default_partition_has_rows maint.default_partition_rows maint.prepare_partition
COMMENT ON SCHEMA maint IS 'Partition lifecycle and maintenance: policies, rotation, retention, repair.';
