-- util.uuid_generate_v7(): a time-ordered UUID (RFC 9562 version 7), generated in the database.
-- Works on PostgreSQL 15-18 without pgcrypto: PostgreSQL 18's uuidv7() does not exist on 15.
-- Layout: 48 bits of Unix time in milliseconds, the version nibble 7, 12 bits of sub-millisecond
-- time (as PostgreSQL 18 does, so ids made in one session sort in creation order), then the
-- variant and 62 random bits taken from gen_random_uuid().
CREATE OR REPLACE FUNCTION util.uuid_generate_v7()
RETURNS uuid
LANGUAGE sql
VOLATILE
PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT encode(
               overlay(uuid_send(gen_random_uuid())
                       PLACING int8send(((t.us / 1000) << 16) | 28672 | ((t.us % 1000) * 4096 / 1000))
                       FROM 1 FOR 8),
               'hex')::uuid
      FROM (SELECT (extract(epoch FROM clock_timestamp()) * 1000000)::bigint AS us) AS t
$$;

COMMENT ON FUNCTION util.uuid_generate_v7() IS
    'Time-ordered UUID v7 (48-bit Unix ms, version 7, 12-bit sub-ms fraction, random tail): index inserts stay at the right edge as tables grow. Portable across PostgreSQL 15-18.';

-- column defaults run with the inserting role's privileges
GRANT EXECUTE ON FUNCTION util.uuid_generate_v7() TO assistant_app, assistant_service, assistant_readonly;
