-- Route the unlinking of actions from deleted messages by user: core.tg_messages__unlink_actions
-- makes one UPDATE per conversation of the DELETE, naming its user_id by a constant, instead of an
-- UPDATE ... FROM the transition table, which fails on a Citus shard. Same result on one server.
-- depends: 0061_create_citus_reference_triggers
-- functions-after: core.tg_messages__unlink_actions
COMMENT ON TRIGGER messages_unlink_actions_after_delete ON core.messages IS
    'Clears the message link of actions whose message was deleted (core.tg_messages__unlink_actions: one UPDATE per conversation, routed by user_id on Citus).';
