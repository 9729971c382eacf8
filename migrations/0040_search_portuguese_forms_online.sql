-- Portuguese search that finds what people mean (issue 13): singular and plural, accents typed or
-- not, case and common verb forms meet (core.search_normalize before the stemmer, on both sides);
-- every query word also matches as a prefix; a typo fallback over a per-user vocabulary.
-- depends: 0053_validate_write_bounds
-- functions: core.search_normalize core.to_search_vector core.to_search_tsquery core.tg__set_search_vector core.tg__collect_search_words
-- functions-after: core.search_suggest api.search_messages api.recall_memories maint.reindex_search_step maint.reindex_search api.export_user
--
-- Online: search_vector stops being GENERATED (DROP EXPRESSION keeps the stored values and does
-- not rewrite the table: a catalog change under a moment of ACCESS EXCLUSIVE, within the runner's
-- lock_timeout) and is set by a BEFORE trigger from now on. Existing rows keep their old vectors
-- until maint.reindex_search() (make search-reindex) recomputes them in batches; this migration
-- only registers the relations to re-index. Until then old rows are found by the words both
-- versions share (whole unaccented words), new forms (plurals, verb forms) only on new rows.
-- The audit triggers are re-created ignoring search_vector, so the re-index writes no audit row
-- (SHARE ROW EXCLUSIVE for a moment on each table).

-- squawk-ignore ban-drop-generated-expression
ALTER TABLE core.messages ALTER COLUMN search_vector DROP EXPRESSION;  -- clients never write it; the trigger below keeps it
-- squawk-ignore ban-drop-generated-expression
ALTER TABLE core.memories ALTER COLUMN search_vector DROP EXPRESSION;

CREATE TRIGGER messages_set_search_vector
    BEFORE INSERT OR UPDATE OF content, search_vector ON core.messages
    FOR EACH ROW EXECUTE FUNCTION core.tg__set_search_vector();
COMMENT ON TRIGGER messages_set_search_vector ON core.messages IS
    'search_vector := core.to_search_vector(content) on insert and on a change of content (a written search_vector is replaced). Fires after messages_refuse_oversized_content (names sort), so oversized content is refused before it is parsed.';
CREATE TRIGGER memories_set_search_vector
    BEFORE INSERT OR UPDATE OF content, search_vector ON core.memories
    FOR EACH ROW EXECUTE FUNCTION core.tg__set_search_vector();
COMMENT ON TRIGGER memories_set_search_vector ON core.memories IS
    'search_vector := core.to_search_vector(content) on insert and on a change of content (a written search_vector is replaced).';

COMMENT ON COLUMN core.messages.search_vector IS
    'core.to_search_vector(content), set by messages_set_search_vector (a plain column since 0040, so that a new configuration is rolled out online by maint.reindex_search), GIN-indexed with user_id.';
COMMENT ON COLUMN core.memories.search_vector IS
    'core.to_search_vector(content), set by memories_set_search_vector (a plain column since 0040, re-indexed online by maint.reindex_search), GIN-indexed.';
COMMENT ON TEXT SEARCH CONFIGURATION core.portuguese_unaccent IS
    'Portuguese full-text search that ignores accents: ext.unaccent then the portuguese snowball stemmer. Unaccenting first breaks some of the stemmer''s suffix rules and the stemmer leaves -ão/-ões/-ães and -m/-ns apart, so since 0040 text reaches it through core.search_normalize (core.to_search_vector, core.to_search_tsquery), which makes those forms meet.';

CREATE OR REPLACE TRIGGER messages_audit
    AFTER UPDATE OR DELETE ON core.messages
    FOR EACH ROW EXECUTE FUNCTION ops.tg__audit('core', 'messages', '{user_id,conversation_id,created_at,id}',
                                                '{content,parts,rag_context,search_vector}', '{search_vector}');
CREATE OR REPLACE TRIGGER memories_audit
    AFTER INSERT OR UPDATE OR DELETE ON core.memories
    FOR EACH ROW EXECUTE FUNCTION ops.tg__audit('core', 'memories', '{user_id,id}', '{content,search_vector}',
                                                '{access_count,last_accessed_at,updated_at,search_vector}');

-- The typo fallback's dictionary: each user's own words, never another's.
CREATE TABLE core.search_words (
    user_id uuid NOT NULL,
    word_key text NOT NULL,
    word text NOT NULL,
    CONSTRAINT search_words_pkey PRIMARY KEY (user_id, word_key),
    CONSTRAINT search_words_user_id_fkey FOREIGN KEY (user_id) REFERENCES core.users (id) ON DELETE CASCADE
);
COMMENT ON TABLE core.search_words IS
    'Per-user search vocabulary for the typo fallback (core.search_suggest): every word (3-40 letters) of the user''s messages and memories, added by statement triggers ON CONFLICT DO NOTHING. Scoped by user so that a suggestion never reveals a word only another user wrote; goes with the user (ON DELETE CASCADE). Words of deleted messages stay until the user goes: they only ever serve that user''s own suggestions.';
COMMENT ON COLUMN core.search_words.user_id IS 'The user whose messages or memories hold the word; the only user it is ever suggested to.';
COMMENT ON COLUMN core.search_words.word_key IS 'The word lower-cased and unaccented: what a typed word is compared with (pg_trgm).';
COMMENT ON COLUMN core.search_words.word IS 'The word lower-cased as first written (accented spelling preferred): what the suggestion shows.';
-- squawk-ignore require-concurrent-index-creation
CREATE INDEX search_words_word_key_trgm_idx ON core.search_words USING gin (word_key ext.gin_trgm_ops);
COMMENT ON INDEX core.search_words_word_key_trgm_idx IS 'Trigram index serving core.search_suggest''s similarity search (word_key % typed word); the user_id filter is applied to its candidates.';
ALTER TABLE core.search_words ENABLE ROW LEVEL SECURITY;
-- No role but the owner holds a privilege on it (the triggers and core.search_suggest are
-- SECURITY DEFINER); the policies state, should one ever be granted, that it is per user.
CREATE POLICY search_words_app_own_rows ON core.search_words FOR SELECT TO assistant_app
    USING (user_id = core.current_user_id());
COMMENT ON POLICY search_words_app_own_rows ON core.search_words IS 'The app would see only the vocabulary of the user named by app.user_id.';
CREATE POLICY search_words_service_own_rows ON core.search_words FOR SELECT TO assistant_service
    USING (user_id = core.current_user_id());
COMMENT ON POLICY search_words_service_own_rows ON core.search_words IS 'The service would see only the vocabulary of the user named by app.user_id.';
REVOKE ALL ON core.search_words FROM PUBLIC;

CREATE TRIGGER messages_collect_search_words
    AFTER INSERT ON core.messages
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION core.tg__collect_search_words();
COMMENT ON TRIGGER messages_collect_search_words ON core.messages IS
    'Adds the words of the inserted messages to their users'' core.search_words (one INSERT ... ON CONFLICT DO NOTHING per statement).';
CREATE TRIGGER memories_collect_search_words
    AFTER INSERT ON core.memories
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION core.tg__collect_search_words();
COMMENT ON TRIGGER memories_collect_search_words ON core.memories IS
    'Adds the words of the inserted memories to their users'' core.search_words.';

-- What the online re-index has done and has left, one row per relation.
CREATE TABLE maint.search_reindex_progress (
    position bigint NOT NULL,
    relation text NOT NULL,
    parent text NOT NULL,
    last_user_id uuid,
    last_conversation_id uuid,
    last_created_at timestamptz,
    last_id uuid,
    rows_seen bigint NOT NULL DEFAULT 0,
    rows_updated bigint NOT NULL DEFAULT 0,
    started_at timestamptz,
    updated_at timestamptz,
    finished_at timestamptz,
    CONSTRAINT search_reindex_progress_pkey PRIMARY KEY (position),
    CONSTRAINT search_reindex_progress_relation_key UNIQUE (relation),
    CONSTRAINT search_reindex_progress_parent_check CHECK (parent IN ('core.messages', 'core.memories'))
);
COMMENT ON TABLE maint.search_reindex_progress IS
    'The online search_vector re-index (maint.reindex_search): one row per leaf partition of core.messages (default included) and for core.memories, with the primary-key cursor of the last committed batch, counts and times. Filled by migrations that change core.to_search_vector.';
COMMENT ON COLUMN maint.search_reindex_progress.position IS 'Order of work: messages partitions first (by name), memories last.';
COMMENT ON COLUMN maint.search_reindex_progress.relation IS 'The relation re-indexed (schema-qualified, quoted as regclass prints it).';
COMMENT ON COLUMN maint.search_reindex_progress.parent IS 'core.messages or core.memories: which key the cursor holds.';
COMMENT ON COLUMN maint.search_reindex_progress.last_user_id IS 'Cursor: user_id of the last row of the last committed batch (NULL: not started).';
COMMENT ON COLUMN maint.search_reindex_progress.last_conversation_id IS 'Cursor: conversation_id of the last row of the last committed batch (messages only).';
COMMENT ON COLUMN maint.search_reindex_progress.last_created_at IS 'Cursor: created_at of the last row of the last committed batch (messages only).';
COMMENT ON COLUMN maint.search_reindex_progress.last_id IS 'Cursor: id of the last row of the last committed batch.';
COMMENT ON COLUMN maint.search_reindex_progress.rows_seen IS 'Rows of the relation the committed batches went through.';
COMMENT ON COLUMN maint.search_reindex_progress.rows_updated IS 'Rows whose search_vector differed and was rewritten.';
COMMENT ON COLUMN maint.search_reindex_progress.started_at IS 'When the first batch of this relation committed.';
COMMENT ON COLUMN maint.search_reindex_progress.updated_at IS 'When the last batch of this relation committed.';
COMMENT ON COLUMN maint.search_reindex_progress.finished_at IS 'When the relation was done (a batch shorter than asked); NULL while work is left.';

INSERT INTO maint.search_reindex_progress (position, relation, parent)
SELECT row_number() OVER (ORDER BY r.parent DESC, r.relation), r.relation, r.parent
  FROM (SELECT t.relid::regclass::text AS relation, 'core.messages' AS parent
          FROM pg_partition_tree('core.messages') AS t WHERE t.isleaf
        UNION ALL
        SELECT 'core.memories', 'core.memories') AS r;

CREATE VIEW maint.search_reindex_status AS
SELECT p.relation, p.parent, p.rows_seen, p.rows_updated,
       CASE WHEN p.finished_at IS NOT NULL THEN 'done'
            WHEN p.started_at IS NOT NULL THEN 'running'
            ELSE 'pending' END AS state,
       p.started_at, p.updated_at, p.finished_at
  FROM maint.search_reindex_progress AS p
 ORDER BY p.position;
COMMENT ON COLUMN maint.search_reindex_status.relation IS 'The relation re-indexed: a partition of core.messages (default included) or core.memories.';
COMMENT ON COLUMN maint.search_reindex_status.parent IS 'core.messages or core.memories.';
COMMENT ON COLUMN maint.search_reindex_status.rows_seen IS 'Rows gone through so far.';
COMMENT ON COLUMN maint.search_reindex_status.rows_updated IS 'Rows whose search_vector was rewritten.';
COMMENT ON COLUMN maint.search_reindex_status.state IS 'pending (not started), running (batches committed, work left) or done.';
COMMENT ON COLUMN maint.search_reindex_status.started_at IS 'First batch committed.';
COMMENT ON COLUMN maint.search_reindex_status.updated_at IS 'Last batch committed.';
COMMENT ON COLUMN maint.search_reindex_status.finished_at IS 'Relation done.';
COMMENT ON VIEW maint.search_reindex_status IS
    'Progress of the online search_vector re-index, one row per relation: rows seen and rewritten, pending/running/done (make search-reindex-status).';

-- api.search_messages gains a result column (suggestion) and an optional last argument
-- (p_typo_fallback): a new return type, so the old one goes and the new one is created after
-- this file (functions-after), with the grants of the old (0026: not assistant_readonly).
-- squawk-ignore ban-drop-function
DROP FUNCTION api.search_messages(text, uuid, timestamptz, timestamptz, integer, integer);  -- every call of the old one still resolves to the new
