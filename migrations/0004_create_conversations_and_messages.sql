-- Create conversations and their messages (range-partitioned by month), the accent-insensitive
-- Portuguese text search configuration, and the triggers keeping the counters exact.
-- depends: 0003_create_users 0002_create_partition_maintenance
-- functions: tg_messages__maintain_conversation
--
-- Ownership rule and row-level security as in 0003_create_users.

-- Accent-insensitive Portuguese: unaccent filters each word, then the Portuguese snowball stemmer
-- (with its stop words) reduces it, so 'reunião', 'reuniao' and 'Reuniões' meet on one lexeme.
-- to_tsvector(regconfig, text) is IMMUTABLE, so a stored generated column can use it.
CREATE TEXT SEARCH CONFIGURATION core.portuguese_unaccent (COPY = pg_catalog.portuguese);
ALTER TEXT SEARCH CONFIGURATION core.portuguese_unaccent
    ALTER MAPPING FOR hword, hword_part, word WITH ext.unaccent, portuguese_stem;
COMMENT ON TEXT SEARCH CONFIGURATION core.portuguese_unaccent IS
    'Portuguese full-text search that ignores accents: ext.unaccent then the portuguese snowball stemmer. Used by messages.search_vector and memories.search_vector and by every query against them.';

CREATE TABLE core.conversations (
    user_id uuid NOT NULL DEFAULT core.current_user_id(),
    id uuid NOT NULL DEFAULT util.uuid_generate_v7(),
    name text,
    is_active boolean NOT NULL DEFAULT true,
    started_at timestamptz NOT NULL DEFAULT now(),
    ended_at timestamptz,
    -- generated rather than trigger-maintained: it cannot drift from ended_at and costs nothing
    duration interval GENERATED ALWAYS AS (ended_at - started_at) STORED,
    message_count bigint NOT NULL DEFAULT 0,
    last_message_at timestamptz,
    satisfaction_score real,
    agents text[] NOT NULL DEFAULT '{}',
    summary text,
    metadata jsonb NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT conversations_pkey PRIMARY KEY (user_id, id),
    CONSTRAINT conversations_user_id_fkey FOREIGN KEY (user_id) REFERENCES core.users (id) ON DELETE CASCADE,
    CONSTRAINT conversations_name_check CHECK (name IS NULL OR (btrim(name) <> '' AND length(name) <= 200)),
    CONSTRAINT conversations_ended_at_check CHECK (ended_at IS NULL OR (ended_at >= started_at AND NOT is_active)),
    CONSTRAINT conversations_message_count_check CHECK (message_count >= 0),
    CONSTRAINT conversations_satisfaction_score_check CHECK (satisfaction_score >= 0 AND satisfaction_score <= 1),
    CONSTRAINT conversations_agents_check CHECK (array_position(agents, NULL) IS NULL),
    CONSTRAINT conversations_summary_check CHECK (summary IS NULL OR btrim(summary) <> ''),
    CONSTRAINT conversations_metadata_check CHECK (jsonb_typeof(metadata) = 'object')
)
-- every message updates its conversation's counters: room on the page keeps those updates HOT
WITH (fillfactor = 80);

COMMENT ON TABLE core.conversations IS
    'A conversation between a user and the assistant (voice or chat), with counters kept exact by the messages trigger. User-owned.';
COMMENT ON COLUMN core.conversations.user_id IS 'Owner (core.users.id); defaults to app.user_id.';
COMMENT ON COLUMN core.conversations.name IS 'Title shown in conversation lists; NULL while untitled.';
COMMENT ON COLUMN core.conversations.is_active IS 'True while the conversation can receive messages; an ended conversation (ended_at set) is never active.';
COMMENT ON COLUMN core.conversations.started_at IS 'When the conversation started.';
COMMENT ON COLUMN core.conversations.ended_at IS 'When it ended; NULL while open. Setting it requires is_active = false.';
COMMENT ON COLUMN core.conversations.duration IS 'ended_at - started_at, generated (NULL while open).';
COMMENT ON COLUMN core.conversations.message_count IS 'Number of messages, exact: maintained by the statement-level trigger on core.messages; not writable by applications.';
COMMENT ON COLUMN core.conversations.last_message_at IS 'created_at of the newest message (last activity); maintained by the messages trigger.';
COMMENT ON COLUMN core.conversations.satisfaction_score IS 'User satisfaction in [0, 1] (e.g. from feedback), NULL when unknown.';
COMMENT ON COLUMN core.conversations.agents IS 'Names of the agents that took part, sorted and distinct; the messages trigger adds each message''s agent.';
COMMENT ON COLUMN core.conversations.summary IS 'Summary of the conversation so far, for compressed history in prompts.';
COMMENT ON COLUMN core.conversations.metadata IS 'Free-form JSON object (channel, device, locale, ...).';

-- No WHEN (OLD.* IS DISTINCT FROM NEW.*) here, unlike the other tables: PostgreSQL refuses a
-- BEFORE trigger's WHEN that reads NEW's generated columns (duration). Updates of a conversation
-- are real changes in practice: the messages trigger always moves message_count.
CREATE TRIGGER conversations_set_updated_at
    BEFORE UPDATE ON core.conversations
    FOR EACH ROW
    EXECUTE FUNCTION util.tg__set_updated_at();

ALTER TABLE core.conversations ENABLE ROW LEVEL SECURITY;

CREATE POLICY conversations_app_own_rows ON core.conversations
    FOR ALL TO assistant_app
    USING (user_id = (SELECT core.current_user_id()))
    WITH CHECK (user_id = (SELECT core.current_user_id()));
CREATE POLICY conversations_readonly_all_rows ON core.conversations
    FOR SELECT TO assistant_readonly
    USING (true);
CREATE POLICY conversations_service_all_rows ON core.conversations
    FOR ALL TO assistant_service
    USING (true)
    WITH CHECK (true);

COMMENT ON POLICY conversations_app_own_rows ON core.conversations IS 'assistant_app sees and writes only the rows of app.user_id.';
COMMENT ON POLICY conversations_readonly_all_rows ON core.conversations IS 'assistant_readonly reads every user''s rows.';
COMMENT ON POLICY conversations_service_all_rows ON core.conversations IS 'assistant_service, the trusted backend, reads and writes every user''s rows.';

-- the counters (message_count, last_message_at) belong to the trigger: no role but the owner writes them
GRANT SELECT,
      INSERT (user_id, id, name, is_active, started_at, ended_at, satisfaction_score, agents, summary, metadata),
      UPDATE (name, is_active, started_at, ended_at, satisfaction_score, agents, summary, metadata),
      DELETE
   ON core.conversations TO assistant_app, assistant_service;
GRANT SELECT ON core.conversations TO assistant_readonly;

CREATE TYPE core.message_role AS ENUM ('user', 'assistant', 'system', 'tool');
COMMENT ON TYPE core.message_role IS
    'Who wrote a message: the user, the assistant, the system prompt, or a tool result (as in the chat-completion APIs).';

CREATE TABLE core.messages (
    user_id uuid NOT NULL DEFAULT core.current_user_id(),
    conversation_id uuid NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    id uuid NOT NULL DEFAULT util.uuid_generate_v7(),
    role core.message_role NOT NULL,
    content text NOT NULL,
    parts jsonb,
    -- integer, not bigint: milliseconds of one reply or one utterance stay far below 2^31 (24 days)
    -- squawk-ignore prefer-bigint-over-int
    latency_ms integer,
    intent text,
    confidence real,
    rag_context jsonb,
    -- squawk-ignore prefer-bigint-over-int
    audio_duration_ms integer,
    transcription_model text,
    agent text,
    metadata jsonb NOT NULL DEFAULT '{}',
    search_vector tsvector GENERATED ALWAYS AS (to_tsvector('core.portuguese_unaccent'::regconfig, content)) STORED,
    -- the partition key (created_at) must be in every unique constraint. This order makes the
    -- primary key also the history index: a backward scan of (user_id, conversation_id) gives
    -- a conversation newest first, with id breaking ties among messages of one transaction.
    CONSTRAINT messages_pkey PRIMARY KEY (user_id, conversation_id, created_at, id),
    CONSTRAINT messages_user_id_conversation_id_fkey FOREIGN KEY (user_id, conversation_id)
        REFERENCES core.conversations (user_id, id) ON DELETE CASCADE,
    -- 100,000 characters: far above any utterance, and below the 1 MB a tsvector may hold
    CONSTRAINT messages_content_check CHECK (content ~ '[^[:space:]]' AND length(content) <= 100000),
    CONSTRAINT messages_parts_check CHECK (jsonb_typeof(parts) = 'array'),
    CONSTRAINT messages_latency_ms_check CHECK (latency_ms >= 0),
    CONSTRAINT messages_intent_check CHECK (btrim(intent) <> '' AND length(intent) <= 200),
    CONSTRAINT messages_confidence_check CHECK (confidence >= 0 AND confidence <= 1),
    CONSTRAINT messages_rag_context_check CHECK (jsonb_typeof(rag_context) IN ('object', 'array')),
    CONSTRAINT messages_audio_duration_ms_check CHECK (audio_duration_ms >= 0),
    CONSTRAINT messages_transcription_model_check CHECK (btrim(transcription_model) <> '' AND length(transcription_model) <= 200),
    CONSTRAINT messages_agent_check CHECK (btrim(agent) <> '' AND length(agent) <= 100),
    CONSTRAINT messages_metadata_check CHECK (jsonb_typeof(metadata) = 'object')
) PARTITION BY RANGE (created_at);

COMMENT ON TABLE core.messages IS
    'Every message of every conversation, range-partitioned by month on created_at (partitions and the default partition managed by maint). User-owned.';
COMMENT ON COLUMN core.messages.user_id IS 'Owner (core.users.id); defaults to app.user_id; must own the conversation (foreign key on both columns).';
COMMENT ON COLUMN core.messages.conversation_id IS 'The conversation (core.conversations.id of the same user).';
COMMENT ON COLUMN core.messages.created_at IS 'When the message was recorded (transaction time by default); the partition key, part of the primary key and of the history cursor.';
COMMENT ON COLUMN core.messages.id IS 'UUID v7; unique together with created_at. Breaks ties in history order between messages of one transaction.';
COMMENT ON COLUMN core.messages.role IS 'Who wrote it (core.message_role).';
COMMENT ON COLUMN core.messages.content IS 'The text of the message (a transcript for voice); at least one non-space character, at most 100,000 characters. Indexed for full-text search.';
COMMENT ON COLUMN core.messages.parts IS 'Multi-part content as a JSON array (text, image, audio, tool-call parts), NULL for plain text.';
COMMENT ON COLUMN core.messages.latency_ms IS 'Time the assistant took to produce it, in milliseconds.';
COMMENT ON COLUMN core.messages.intent IS 'Intent recognised in the message (e.g. ''set_reminder'').';
COMMENT ON COLUMN core.messages.confidence IS 'Confidence of the intent recognition or transcription, in [0, 1].';
COMMENT ON COLUMN core.messages.rag_context IS 'Retrieved context used to answer (documents, chunks, scores) as a JSON object or array.';
COMMENT ON COLUMN core.messages.audio_duration_ms IS 'Length of the audio of a voice message, in milliseconds.';
COMMENT ON COLUMN core.messages.transcription_model IS 'Speech-to-text model that produced content from audio.';
COMMENT ON COLUMN core.messages.agent IS 'Agent that produced or handled the message; added to conversations.agents by the trigger.';
COMMENT ON COLUMN core.messages.metadata IS 'Free-form JSON object (token counts, model, request ids, ...).';
COMMENT ON COLUMN core.messages.search_vector IS 'to_tsvector(''core.portuguese_unaccent'', content), generated and GIN-indexed: accent-insensitive Portuguese full-text search.';

-- one GIN per partition; fastupdate (the default) keeps ingest cheap, VACUUM merges the pending list
-- user_id first (btree_gin): GIN's scan follows the user's own posting lists, so one user's search
-- costs what that user's matches cost, not every user's (measured by the benchmark: the heaviest
-- user's search 357 ms with a search_vector-only index, 10.6 ms with this one).
CREATE INDEX messages_user_id_search_vector_idx ON core.messages USING gin (user_id, search_vector);

CREATE TRIGGER messages_maintain_conversation_after_insert
    AFTER INSERT ON core.messages
    REFERENCING NEW TABLE AS new_messages
    FOR EACH STATEMENT
    EXECUTE FUNCTION core.tg_messages__maintain_conversation();
CREATE TRIGGER messages_maintain_conversation_after_delete
    AFTER DELETE ON core.messages
    REFERENCING OLD TABLE AS old_messages
    FOR EACH STATEMENT
    EXECUTE FUNCTION core.tg_messages__maintain_conversation();

ALTER TABLE core.messages ENABLE ROW LEVEL SECURITY;

CREATE POLICY messages_app_own_rows ON core.messages
    FOR ALL TO assistant_app
    USING (user_id = (SELECT core.current_user_id()))
    WITH CHECK (user_id = (SELECT core.current_user_id()));
CREATE POLICY messages_readonly_all_rows ON core.messages
    FOR SELECT TO assistant_readonly
    USING (true);
CREATE POLICY messages_service_all_rows ON core.messages
    FOR ALL TO assistant_service
    USING (true)
    WITH CHECK (true);

COMMENT ON POLICY messages_app_own_rows ON core.messages IS 'assistant_app sees and writes only the rows of app.user_id.';
COMMENT ON POLICY messages_readonly_all_rows ON core.messages IS 'assistant_readonly reads every user''s rows.';
COMMENT ON POLICY messages_service_all_rows ON core.messages IS 'assistant_service, the trusted backend, reads and writes every user''s rows.';

-- The keys (user_id, conversation_id, created_at, id) are not updatable by any role but the owner:
-- moving a message would break the counters, which the trigger maintains on INSERT and DELETE only.
GRANT SELECT,
      INSERT (user_id, conversation_id, created_at, id, role, content, parts, latency_ms, intent, confidence,
              rag_context, audio_duration_ms, transcription_model, agent, metadata),
      UPDATE (content, parts, latency_ms, intent, confidence, rag_context, audio_duration_ms, transcription_model,
              agent, metadata),
      DELETE
   ON core.messages TO assistant_app, assistant_service;
GRANT SELECT ON core.messages TO assistant_readonly;

-- Monthly partitions made ahead, and core.messages_default so no insert ever fails for want of
-- a partition. No retention: every conversation is kept.
SELECT * FROM maint.register_partitioned_table('core.messages'::regclass, 'month', 3);
