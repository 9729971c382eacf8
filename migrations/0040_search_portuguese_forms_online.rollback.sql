-- Undo 0040_search_portuguese_forms_online in reverse order; the runner restores the previous
-- api.search_messages and api.recall_memories. search_vector becomes GENERATED again: that
-- re-adds the column, which REWRITES both tables under ACCESS EXCLUSIVE (offline only).
DROP PROCEDURE maint.reindex_search(integer, integer);
DROP FUNCTION maint.reindex_search_step(integer);
DROP FUNCTION api.search_messages(text, uuid, timestamptz, timestamptz, integer, integer, boolean);
DROP FUNCTION api.recall_memories(text, integer, core.memory_tier[]);  -- depends on core.search_suggest; the runner restores 0007
DROP FUNCTION core.search_suggest(text);
DROP VIEW maint.search_reindex_status;
DROP TABLE maint.search_reindex_progress;
DROP TRIGGER memories_collect_search_words ON core.memories;
DROP TRIGGER messages_collect_search_words ON core.messages;
DROP TABLE core.search_words;
CREATE OR REPLACE TRIGGER memories_audit
    AFTER INSERT OR UPDATE OR DELETE ON core.memories
    FOR EACH ROW EXECUTE FUNCTION ops.tg__audit('core', 'memories', '{user_id,id}', '{content,search_vector}',
                                                '{access_count,last_accessed_at,updated_at}');
CREATE OR REPLACE TRIGGER messages_audit
    AFTER UPDATE OR DELETE ON core.messages
    FOR EACH ROW EXECUTE FUNCTION ops.tg__audit('core', 'messages', '{user_id,conversation_id,created_at,id}',
                                                '{content,parts,rag_context,search_vector}', '{}');
COMMENT ON TEXT SEARCH CONFIGURATION core.portuguese_unaccent IS
    'Portuguese full-text search that ignores accents: ext.unaccent then the portuguese snowball stemmer. Used by messages.search_vector and memories.search_vector and by every query against them.';
DROP TRIGGER memories_set_search_vector ON core.memories;
DROP TRIGGER messages_set_search_vector ON core.messages;
-- squawk-ignore ban-drop-column
ALTER TABLE core.memories DROP COLUMN search_vector;
ALTER TABLE core.memories ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (to_tsvector('core.portuguese_unaccent'::regconfig, content)) STORED;
COMMENT ON COLUMN core.memories.search_vector IS 'to_tsvector(''core.portuguese_unaccent'', content), generated and GIN-indexed.';
-- squawk-ignore require-concurrent-index-creation
CREATE INDEX memories_search_vector_idx ON core.memories USING gin (search_vector);
-- squawk-ignore ban-drop-column
ALTER TABLE core.messages DROP COLUMN search_vector;
ALTER TABLE core.messages ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (to_tsvector('core.portuguese_unaccent'::regconfig, content)) STORED;
COMMENT ON COLUMN core.messages.search_vector IS 'to_tsvector(''core.portuguese_unaccent'', content), generated and GIN-indexed: accent-insensitive Portuguese full-text search.';
-- squawk-ignore require-concurrent-index-creation
CREATE INDEX messages_user_id_search_vector_idx ON core.messages USING gin (user_id, search_vector);
DROP FUNCTION core.tg__collect_search_words();
DROP FUNCTION core.tg__set_search_vector();
DROP FUNCTION core.to_search_tsquery(text);
DROP FUNCTION core.to_search_vector(text);
DROP FUNCTION core.search_normalize(text, boolean);
