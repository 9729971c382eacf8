-- Order a conversation's history as it was written: created_at is the time the row was written
-- (clock_timestamp(), not the transaction's start), and ids made by one sequence break ties.
-- depends: 0022_add_hmac_helpers
-- functions: util.uuid_v7_from_counter
--
-- History order is (created_at, id), the primary key's tail: unchanged, so the keyset cursor and
-- its index scan stay as they are. What changes is what the two columns hold for new rows:
--   created_at  clock_timestamp(): two messages of one transaction (a user turn and its reply, a
--               multi-row INSERT, COPY) get increasing times; concurrent writers are ordered by
--               when each row was written, not when its transaction began;
--   id          util.uuid_v7_from_counter(nextval(...)): within one microsecond of created_at,
--               the order of nextval is the order of writing.
-- Rows written before this migration keep their values (their order within one transaction was
-- never recorded and cannot be recovered). Only defaults change: no row is rewritten, and SET
-- DEFAULT on the partitioned table takes a moment's ACCESS EXCLUSIVE lock (metadata only).
-- CACHE 1: values are handed out in the order sessions ask, across sessions too.

CREATE SEQUENCE core.messages_write_order_seq AS bigint CACHE 1;
COMMENT ON SEQUENCE core.messages_write_order_seq IS
    'Counter of the ids of core.messages (util.uuid_v7_from_counter): the order ids are made is the order messages were written.';
GRANT USAGE ON SEQUENCE core.messages_write_order_seq TO assistant_app, assistant_service;

ALTER TABLE core.messages
    ALTER COLUMN id SET DEFAULT util.uuid_v7_from_counter(nextval('core.messages_write_order_seq'::regclass)),
    ALTER COLUMN created_at SET DEFAULT clock_timestamp();

COMMENT ON COLUMN core.messages.created_at IS
    'When the row was written (clock_timestamp() by default, so the messages of one transaction keep their order); the partition key, part of the primary key and of the history cursor (created_at, id).';
COMMENT ON COLUMN core.messages.id IS
    'UUID v7 with a counter (util.uuid_v7_from_counter): ids compare in the order they were made, so (created_at, id) is the order of writing. Unique together with created_at.';
