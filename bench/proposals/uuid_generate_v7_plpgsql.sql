-- Proposal (foundation): util.uuid_generate_v7() in PL/pgSQL, same signature and same ids.
-- Measured with: bench/bench.py --apply bench/proposals/uuid_generate_v7_plpgsql.sql
--
-- Why: it is the default of every id column, so it runs once per inserted row. As LANGUAGE sql
-- with a SET clause it cannot be inlined, and a SQL function is parsed, planned and started as a
-- query of its own at each call in a new statement (about 45 us per single-row INSERT here,
-- 10 us per row of a batch: 13% of a 10,000-row batch into core.messages, by perf).
-- PL/pgSQL evaluates the same expression with a cached plan: about 15 us per statement.
CREATE OR REPLACE FUNCTION util.uuid_generate_v7()
RETURNS uuid
LANGUAGE plpgsql
VOLATILE
PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_us bigint := (extract(epoch FROM clock_timestamp()) * 1000000)::bigint;
BEGIN
    RETURN encode(overlay(uuid_send(gen_random_uuid())
                          PLACING int8send(((v_us / 1000) << 16) | 28672 | ((v_us % 1000) * 4096 / 1000))
                          FROM 1 FOR 8),
                  'hex')::uuid;
END;
$$;
