-- Undo 0023_order_messages_as_written, statement by statement in reverse order.
COMMENT ON COLUMN core.messages.id IS
    'UUID v7; unique together with created_at. Breaks ties in history order between messages of one transaction.';
COMMENT ON COLUMN core.messages.created_at IS
    'When the message was recorded (transaction time by default); the partition key, part of the primary key and of the history cursor.';
ALTER TABLE core.messages
    ALTER COLUMN id SET DEFAULT util.uuid_generate_v7(),
    ALTER COLUMN created_at SET DEFAULT now();
REVOKE USAGE ON SEQUENCE core.messages_write_order_seq FROM assistant_app, assistant_service;
COMMENT ON SEQUENCE core.messages_write_order_seq IS NULL;
DROP SEQUENCE core.messages_write_order_seq;

-- the function loaded before the migration's statements
DROP FUNCTION util.uuid_v7_from_counter(bigint);
