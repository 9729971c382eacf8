-- util.uuid_v7_timestamp(uuid): when a v7 id was made, for debugging and for partition routing
-- checks; NULL for other UUID versions.
CREATE OR REPLACE FUNCTION util.uuid_v7_timestamp(p_id uuid)
RETURNS timestamptz
LANGUAGE sql
IMMUTABLE
STRICT
PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT CASE WHEN substr(p_id::text, 15, 1) = '7'
                THEN to_timestamp(('x' || lpad(replace(left(p_id::text, 13), '-', ''), 16, '0'))::bit(64)::bigint / 1000.0)
           END
$$;

COMMENT ON FUNCTION util.uuid_v7_timestamp(uuid) IS
    'The creation time (millisecond precision) carried by a UUID v7; NULL when the UUID is not version 7.';

GRANT EXECUTE ON FUNCTION util.uuid_v7_timestamp(uuid) TO assistant_app, assistant_service, assistant_readonly;
