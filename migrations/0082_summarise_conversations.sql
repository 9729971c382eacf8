-- History compression: a summary message (kind summary, role system) stands for a message and
-- every message before it on its branch; api.prompt_history returns "the newest summary on the
-- current branch + the turns after it", for a prompt. The covered turns stay readable
-- (api.conversation_history does not skip them, and never returns a summary). Also validates the
-- constraints 0081 added NOT VALID (every existing row has parent NULL and kind message).
-- depends: 0081_branch_conversations
-- functions-after: api.add_summary api.prompt_history
--
-- Locks: VALIDATE CONSTRAINT takes SHARE UPDATE EXCLUSIVE (reads and writes go on), scanning
-- core.messages partition by partition and core.conversations.

ALTER TABLE core.messages VALIDATE CONSTRAINT messages_parent_check;
ALTER TABLE core.messages VALIDATE CONSTRAINT messages_kind_check;
ALTER TABLE core.conversations VALIDATE CONSTRAINT conversations_current_leaf_check;
ALTER TABLE core.conversations VALIDATE CONSTRAINT conversations_keep_latest_messages_check;
ALTER TABLE core.conversations VALIDATE CONSTRAINT conversations_keep_days_check;
