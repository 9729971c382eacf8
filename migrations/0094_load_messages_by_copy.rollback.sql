-- Undo 0094_load_messages_by_copy in reverse order. The runner re-loads 0052's
-- core.tg_messages__maintain_conversation after this file. The role assistant_loader stays
-- (cluster-wide, like the roles of 0001 and 0025); its comment is removed.
-- run-as: session-user
SET LOCAL ROLE assistant_owner;
DROP FUNCTION api.discard_staged_messages(text);
DROP FUNCTION api.load_staged_messages(text);
REVOKE INSERT (load_id, user_id, conversation_id, role, content, created_at, metadata)
    ON core.message_load_staging FROM assistant_loader;
REVOKE USAGE ON SCHEMA core, api FROM assistant_loader;
DROP TABLE core.message_load_staging;
RESET ROLE;
DO $$
BEGIN
    COMMENT ON ROLE assistant_loader IS NULL;
EXCEPTION WHEN insufficient_privilege THEN
    RAISE NOTICE 'could not remove the comment of role assistant_loader: %', SQLERRM;
END
$$;
