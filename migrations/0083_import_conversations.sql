-- Import conversations from the stores teams use today: a langchain-postgres message_store table
-- (api.import_langchain_messages, fed its rows in batches) and an OpenAI threads/messages JSON
-- export (api.import_openai_threads), into the acting user's conversations and messages, with
-- order, roles, timestamps and metadata kept. Idempotent: every imported session and message is
-- recorded by its source key (core.imported_conversations, core.imported_messages), and a row
-- already imported is skipped; refused rows are reported with the reason and not recorded, so a
-- fixed source can be imported again.
-- depends: 0082_summarise_conversations
-- functions: core.try_timestamptz core.import_staged
-- functions-after: api.import_langchain_messages api.import_openai_threads
--
-- The key tables are not partitioned, so (user_id, source, source_key) can be unique (core.messages,
-- partitioned by created_at, cannot hold a unique key without created_at); they keep user_id first
-- (the Citus distribution column) and reference the conversation, so erasure, export and deleting
-- a conversation cover them.

CREATE TABLE core.imported_conversations (
    user_id uuid NOT NULL,
    source text NOT NULL,
    source_key text NOT NULL,
    conversation_id uuid NOT NULL,
    imported_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT imported_conversations_pkey PRIMARY KEY (user_id, source, source_key),
    CONSTRAINT imported_conversations_user_id_conversation_id_fkey FOREIGN KEY (user_id, conversation_id)
        REFERENCES core.conversations (user_id, id) ON DELETE CASCADE,
    CONSTRAINT imported_conversations_source_check CHECK (length(source) BETWEEN 1 AND 200),
    CONSTRAINT imported_conversations_source_key_check CHECK (length(source_key) BETWEEN 1 AND 500)
);
COMMENT ON TABLE core.imported_conversations IS
    'Which conversation a session or thread of an imported store became (one row per source session), so that importing again adds to it instead of making another.';
COMMENT ON COLUMN core.imported_conversations.user_id IS 'Owner of the conversation (core.users.id).';
COMMENT ON COLUMN core.imported_conversations.source IS 'The store imported from, as the importer named it (langchain-postgres, openai, or a name of its own).';
COMMENT ON COLUMN core.imported_conversations.source_key IS 'The session_id (langchain) or thread id (OpenAI) in that store.';
COMMENT ON COLUMN core.imported_conversations.conversation_id IS 'The conversation it became.';
COMMENT ON COLUMN core.imported_conversations.imported_at IS 'When it was first imported.';
CREATE INDEX imported_conversations_user_id_conversation_id_idx ON core.imported_conversations (user_id, conversation_id);

CREATE TABLE core.imported_messages (
    user_id uuid NOT NULL,
    source text NOT NULL,
    source_key text NOT NULL,
    conversation_id uuid NOT NULL,
    message_created_at timestamptz NOT NULL,
    message_id uuid NOT NULL,
    imported_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT imported_messages_pkey PRIMARY KEY (user_id, source, source_key),
    CONSTRAINT imported_messages_user_id_conversation_id_fkey FOREIGN KEY (user_id, conversation_id)
        REFERENCES core.conversations (user_id, id) ON DELETE CASCADE,
    CONSTRAINT imported_messages_source_check CHECK (length(source) BETWEEN 1 AND 200),
    CONSTRAINT imported_messages_source_key_check CHECK (length(source_key) BETWEEN 1 AND 500)
);
COMMENT ON TABLE core.imported_messages IS
    'Every message imported, by its key in the source store: importing again skips it (even after it was pruned). No foreign key to core.messages (partitioned by created_at): message_created_at and message_id are its primary key there.';
COMMENT ON COLUMN core.imported_messages.user_id IS 'Owner of the message (core.users.id).';
COMMENT ON COLUMN core.imported_messages.source IS 'The store imported from (see core.imported_conversations.source).';
COMMENT ON COLUMN core.imported_messages.source_key IS 'The message''s key in that store: message_store.id (langchain) or the message id (OpenAI).';
COMMENT ON COLUMN core.imported_messages.conversation_id IS 'The conversation it was imported into.';
COMMENT ON COLUMN core.imported_messages.message_created_at IS 'created_at of the message written (with message_id, its primary key in core.messages).';
COMMENT ON COLUMN core.imported_messages.message_id IS 'id of the message written.';
COMMENT ON COLUMN core.imported_messages.imported_at IS 'When it was imported.';
CREATE INDEX imported_messages_user_id_conversation_id_idx ON core.imported_messages (user_id, conversation_id);

-- written only by the import functions (SECURITY DEFINER); no role is granted the tables today.
-- The policies are the ownership rule every user-owned table follows (a grant later cannot open
-- another user's rows).
ALTER TABLE core.imported_conversations ENABLE ROW LEVEL SECURITY;
ALTER TABLE core.imported_messages ENABLE ROW LEVEL SECURITY;
CREATE POLICY imported_conversations_app_own_rows ON core.imported_conversations
    FOR SELECT TO assistant_app
    USING (user_id = (SELECT core.current_user_id()));
CREATE POLICY imported_conversations_service_all_rows ON core.imported_conversations
    FOR SELECT TO assistant_service
    USING (true);
CREATE POLICY imported_messages_app_own_rows ON core.imported_messages
    FOR SELECT TO assistant_app
    USING (user_id = (SELECT core.current_user_id()));
CREATE POLICY imported_messages_service_all_rows ON core.imported_messages
    FOR SELECT TO assistant_service
    USING (true);
COMMENT ON POLICY imported_conversations_app_own_rows ON core.imported_conversations IS 'assistant_app may read only the import keys of app.user_id (no grant today).';
COMMENT ON POLICY imported_conversations_service_all_rows ON core.imported_conversations IS 'assistant_service may read every import key (no grant today).';
COMMENT ON POLICY imported_messages_app_own_rows ON core.imported_messages IS 'assistant_app may read only the import keys of app.user_id (no grant today).';
COMMENT ON POLICY imported_messages_service_all_rows ON core.imported_messages IS 'assistant_service may read every import key (no grant today).';
