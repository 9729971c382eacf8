-- Undo 0062_route_message_unlinks_by_user; the runner restores the previous
-- core.tg_messages__unlink_actions (0005).
COMMENT ON TRIGGER messages_unlink_actions_after_delete ON core.messages IS NULL;
