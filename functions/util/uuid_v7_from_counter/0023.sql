-- util.uuid_v7_from_counter(counter): a UUID v7 whose low 62 bits after the timestamp are a counter
-- (RFC 9562, section 6.2, method 1: "fixed bit-length dedicated counter") instead of random bits.
--
-- Why: a message's id breaks ties in history order (created_at, id). With random tails, messages
-- written in the same millisecond (a user turn and its reply in one transaction, the rows of one
-- multi-row INSERT or COPY) came back in random order. Fed from one sequence, ids made later
-- compare greater: the order of writing is the order of the ids, within a millisecond too.
-- Layout: 48 bits Unix time in ms | version 7 | 12 zero bits | variant 10 | 62 counter bits (a
-- bigint sequence reaches 2^62 after 4.6e18 ids). Still time-ordered and unique (the counter
-- never repeats), so index inserts stay at the right edge. The counter reveals how many ids the
-- sequence made; ids carry no secret. p_counter is used once in the body: PostgreSQL inlines a
-- function called with a volatile argument (nextval) only then.
--
-- An SQL expression without a SET clause, so PostgreSQL inlines it into the column default (see
-- util.uuid_generate_v7): every name is pg_catalog-qualified instead.
CREATE OR REPLACE FUNCTION util.uuid_v7_from_counter(p_counter bigint)
RETURNS uuid
LANGUAGE sql
VOLATILE
STRICT
PARALLEL SAFE
AS $$
    SELECT pg_catalog.encode(
               pg_catalog.substr(pg_catalog.int8send(
                   (pg_catalog.date_part('epoch', pg_catalog.clock_timestamp()) OPERATOR(pg_catalog.*) 1000)::bigint), 3)
               OPERATOR(pg_catalog.||) '\x7000'::bytea
               OPERATOR(pg_catalog.||) pg_catalog.int8send(
                   (p_counter OPERATOR(pg_catalog.&) 4611686018427387903) OPERATOR(pg_catalog.|) (-9223372036854775808)::bigint),
               'hex')::uuid
$$;

COMMENT ON FUNCTION util.uuid_v7_from_counter(bigint) IS
    'UUID v7 with a 62-bit counter after the millisecond timestamp (RFC 9562 method 1): ids from one sequence sort in the order they were made, within a millisecond too. The default of core.messages.id, with core.messages_write_order_seq.';

-- column defaults run with the inserting role's privileges
GRANT EXECUTE ON FUNCTION util.uuid_v7_from_counter(bigint) TO assistant_app, assistant_service;
