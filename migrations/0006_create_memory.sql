-- Create what the assistant remembers about each user: memories with a tier, an importance and
-- an expiry, full-text searchable; the per-tier default expiry; the cleanup of expired entries.
-- depends: 0004_create_conversations_and_messages
-- functions: tg_memories__set_expires_at
-- functions-after: cleanup_expired_memories
--
-- Ownership rule and row-level security as in 0003_create_users. Recall (ranking by relevance,
-- importance and recency, with access tracking) is api.recall_memories, in 0007_create_api.

CREATE TYPE core.memory_tier AS ENUM ('short_term', 'medium_term', 'long_term', 'critical');
COMMENT ON TYPE core.memory_tier IS
    'How long a memory lives by default: short_term 1 day, medium_term 30 days, long_term 365 days, critical never expires (see core.tg_memories__set_expires_at).';

CREATE TABLE core.memories (
    user_id uuid NOT NULL DEFAULT core.current_user_id(),
    id uuid NOT NULL DEFAULT util.uuid_generate_v7(),
    tier core.memory_tier NOT NULL DEFAULT 'short_term',
    content text NOT NULL,
    importance real NOT NULL DEFAULT 0.5,
    expires_at timestamptz,
    last_accessed_at timestamptz,
    access_count bigint NOT NULL DEFAULT 0,
    source_conversation_id uuid,
    metadata jsonb NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    search_vector tsvector GENERATED ALWAYS AS (to_tsvector('core.portuguese_unaccent'::regconfig, content)) STORED,
    CONSTRAINT memories_pkey PRIMARY KEY (user_id, id),
    CONSTRAINT memories_user_id_fkey FOREIGN KEY (user_id) REFERENCES core.users (id) ON DELETE CASCADE,
    CONSTRAINT memories_user_id_source_conversation_id_fkey FOREIGN KEY (user_id, source_conversation_id)
        REFERENCES core.conversations (user_id, id) ON DELETE SET NULL (source_conversation_id),
    CONSTRAINT memories_content_check CHECK (content ~ '[^[:space:]]' AND length(content) <= 10000),
    CONSTRAINT memories_importance_check CHECK (importance >= 0 AND importance <= 1),
    CONSTRAINT memories_expires_at_check CHECK (
        (tier = 'critical' AND expires_at IS NULL)
        OR (tier <> 'critical' AND expires_at IS NOT NULL AND expires_at > created_at)),
    CONSTRAINT memories_access_count_check CHECK (access_count >= 0),
    CONSTRAINT memories_metadata_check CHECK (jsonb_typeof(metadata) = 'object')
);

COMMENT ON TABLE core.memories IS
    'What the assistant remembers about a user (facts, preferences, context), with a tier, an importance and an expiry. Expired memories are never recalled and are deleted by core.cleanup_expired_memories(). User-owned.';
COMMENT ON COLUMN core.memories.user_id IS 'Owner (core.users.id); defaults to app.user_id.';
COMMENT ON COLUMN core.memories.tier IS 'core.memory_tier: sets the default expiry; critical memories never expire.';
COMMENT ON COLUMN core.memories.content IS 'The remembered fact, in words (1-10,000 characters); full-text and trigram searchable.';
COMMENT ON COLUMN core.memories.importance IS 'How much it matters, in [0, 1]; weighs 0.3 in the recall score.';
COMMENT ON COLUMN core.memories.expires_at IS 'When it is forgotten: defaults to created_at + the tier''s lifetime; NULL (never) exactly for critical; after created_at.';
COMMENT ON COLUMN core.memories.last_accessed_at IS 'When it was last returned by recall; drives the recency part of the recall score.';
COMMENT ON COLUMN core.memories.access_count IS 'How many times recall has returned it.';
COMMENT ON COLUMN core.memories.source_conversation_id IS 'Conversation it was learnt in, if any (NULL after that conversation is deleted).';
COMMENT ON COLUMN core.memories.metadata IS 'Free-form JSON object (extractor, embedding id in the vector store, ...).';
COMMENT ON COLUMN core.memories.updated_at IS 'When the memory itself last changed (tier, content, importance, expiry, source, metadata); recall''s access tracking does not move it.';
COMMENT ON COLUMN core.memories.search_vector IS 'to_tsvector(''core.portuguese_unaccent'', content), generated and GIN-indexed.';

CREATE INDEX memories_user_id_source_conversation_id_idx ON core.memories (user_id, source_conversation_id);
CREATE INDEX memories_search_vector_idx ON core.memories USING gin (search_vector);
-- the cleanup's only access path: expired rows, found without reading the live ones
CREATE INDEX memories_expires_at_idx ON core.memories (expires_at)
    WHERE expires_at IS NOT NULL;

CREATE TRIGGER memories_set_expires_at
    BEFORE INSERT OR UPDATE OF tier ON core.memories
    FOR EACH ROW
    EXECUTE FUNCTION core.tg_memories__set_expires_at();
-- updated_at is when the memory itself changed: recall's access tracking does not move it. (The
-- column list also keeps NEW's generated search_vector out of WHEN, which PostgreSQL refuses.)
CREATE TRIGGER memories_set_updated_at
    BEFORE UPDATE ON core.memories
    FOR EACH ROW
    WHEN ((OLD.tier, OLD.content, OLD.importance, OLD.expires_at, OLD.source_conversation_id, OLD.metadata)
          IS DISTINCT FROM
          (NEW.tier, NEW.content, NEW.importance, NEW.expires_at, NEW.source_conversation_id, NEW.metadata))
    EXECUTE FUNCTION util.tg__set_updated_at();

ALTER TABLE core.memories ENABLE ROW LEVEL SECURITY;

CREATE POLICY memories_app_own_rows ON core.memories
    FOR ALL TO assistant_app
    USING (user_id = (SELECT core.current_user_id()))
    WITH CHECK (user_id = (SELECT core.current_user_id()));
CREATE POLICY memories_readonly_all_rows ON core.memories
    FOR SELECT TO assistant_readonly
    USING (true);
CREATE POLICY memories_service_all_rows ON core.memories
    FOR ALL TO assistant_service
    USING (true)
    WITH CHECK (true);

COMMENT ON POLICY memories_app_own_rows ON core.memories IS 'assistant_app sees and writes only the rows of app.user_id.';
COMMENT ON POLICY memories_readonly_all_rows ON core.memories IS 'assistant_readonly reads every user''s rows.';
COMMENT ON POLICY memories_service_all_rows ON core.memories IS 'assistant_service, the trusted backend, reads and writes every user''s rows.';

-- access tracking (last_accessed_at, access_count) is written by api.recall_memories, which runs
-- with the caller's privileges
GRANT SELECT,
      INSERT (user_id, id, tier, content, importance, expires_at, source_conversation_id, metadata),
      UPDATE (tier, content, importance, expires_at, last_accessed_at, access_count, metadata),
      DELETE
   ON core.memories TO assistant_app, assistant_service;
GRANT SELECT ON core.memories TO assistant_readonly;
