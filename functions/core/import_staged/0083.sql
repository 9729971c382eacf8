-- core.import_staged(user, source): the shared half of the importers. Reads the rows an api
-- importer normalised into the temporary table pg_temp.import_rows (key, session, seq, role,
-- content, created_at, metadata, session_name, session_metadata, reason) and, set-based:
--   * refuses the rows with a reason (reported, not recorded: a fixed source imports them later);
--   * skips the rows whose key was imported before (core.imported_messages) or repeats a key of
--     this batch;
--   * makes a conversation for every new session (core.imported_conversations), dated by its
--     oldest message;
--   * writes the messages in (session, created_at, seq) order, their ids drawn from the write
--     counter in that order (0023: (created_at, id) is the order of writing, so messages of one
--     timestamp keep the source's order), and records each key.
-- Returns the counts and up to 1,000 refusals as JSON [{key, session, reason}].
CREATE OR REPLACE FUNCTION core.import_staged(p_user_id uuid, p_source text,
    OUT imported bigint, OUT skipped bigint, OUT refused bigint, OUT refusals jsonb)
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_total bigint;
BEGIN
    SELECT count(*), count(*) FILTER (WHERE r.reason IS NOT NULL) INTO v_total, refused FROM pg_temp.import_rows AS r;
    SELECT coalesce(jsonb_agg(jsonb_build_object('key', x.key, 'session', x.session, 'reason', x.reason)), '[]')
      INTO refusals
      FROM (SELECT r.key, r.session, r.reason FROM pg_temp.import_rows AS r
             WHERE r.reason IS NOT NULL ORDER BY r.session, r.seq LIMIT 1000) AS x;

    DROP TABLE IF EXISTS pg_temp.import_new;
    CREATE TEMPORARY TABLE import_new ON COMMIT DROP AS
    SELECT DISTINCT ON (r.key) r.*
      FROM pg_temp.import_rows AS r
     WHERE r.reason IS NULL
       AND NOT EXISTS (SELECT FROM core.imported_messages AS i
                        WHERE i.user_id = p_user_id AND i.source = p_source AND i.source_key = r.key)
     ORDER BY r.key, r.seq;
    SELECT count(*) INTO imported FROM pg_temp.import_new;
    skipped := v_total - refused - imported;
    IF imported = 0 THEN
        RETURN;
    END IF;

    -- a conversation for each session not seen before
    DROP TABLE IF EXISTS pg_temp.import_sessions;
    CREATE TEMPORARY TABLE import_sessions ON COMMIT DROP AS
    SELECT n.session, util.uuid_generate_v7() AS conversation_id, min(n.created_at) AS started_at,
           (array_agg(n.session_name ORDER BY n.seq))[1] AS name,
           (array_agg(n.session_metadata ORDER BY n.seq))[1] AS metadata
      FROM pg_temp.import_new AS n
     WHERE NOT EXISTS (SELECT FROM core.imported_conversations AS c
                        WHERE c.user_id = p_user_id AND c.source = p_source AND c.source_key = n.session)
     GROUP BY n.session;
    INSERT INTO core.conversations (user_id, id, name, started_at, created_at, metadata)
    SELECT p_user_id, s.conversation_id, left(coalesce(s.name, p_source || ' ' || s.session), 200),
           coalesce(s.started_at, now()), coalesce(s.started_at, now()),
           coalesce(s.metadata, '{}') || jsonb_build_object('imported_from', jsonb_build_object('source', p_source, 'key', s.session))
      FROM pg_temp.import_sessions AS s;
    INSERT INTO core.imported_conversations (user_id, source, source_key, conversation_id)
    SELECT p_user_id, p_source, s.session, s.conversation_id FROM pg_temp.import_sessions AS s;

    -- ids from the write counter in the source's order (the subquery's ORDER BY, kept by OFFSET 0)
    DROP TABLE IF EXISTS pg_temp.import_ready;
    CREATE TEMPORARY TABLE import_ready ON COMMIT DROP AS
    SELECT o.*, util.uuid_v7_from_counter(nextval('core.messages_write_order_seq')) AS message_id
      FROM (SELECT n.*, c.conversation_id
              FROM pg_temp.import_new AS n
              JOIN core.imported_conversations AS c
                ON c.user_id = p_user_id AND c.source = p_source AND c.source_key = n.session
             ORDER BY n.session, n.created_at, n.seq
            OFFSET 0) AS o;
    -- new and linear conversations only: the messages need no parent, the branch trigger is skipped
    IF NOT EXISTS (SELECT FROM core.conversations AS c
                    WHERE c.user_id = p_user_id AND c.current_leaf_id IS NOT NULL
                      AND c.id IN (SELECT r.conversation_id FROM pg_temp.import_ready AS r)) THEN
        PERFORM set_config('assistant_db.branch_insert', 'linear', true);
    END IF;
    INSERT INTO core.messages (user_id, conversation_id, created_at, id, role, content, metadata)
    SELECT p_user_id, r.conversation_id, r.created_at, r.message_id, r.role, r.content, r.metadata
      FROM pg_temp.import_ready AS r
     ORDER BY r.conversation_id, r.created_at, r.message_id;
    PERFORM set_config('assistant_db.branch_insert', '', true);
    INSERT INTO core.imported_messages (user_id, source, source_key, conversation_id, message_created_at, message_id)
    SELECT p_user_id, p_source, r.key, r.conversation_id, r.created_at, r.message_id FROM pg_temp.import_ready AS r;
END;
$$;
COMMENT ON FUNCTION core.import_staged(uuid, text) IS
    'The shared half of api.import_langchain_messages and api.import_openai_threads: refuses, skips (already imported), makes conversations for new sessions and writes the messages of pg_temp.import_rows in the source''s order; returns imported, skipped, refused and the refusals.';
REVOKE EXECUTE ON FUNCTION core.import_staged(uuid, text) FROM PUBLIC;
