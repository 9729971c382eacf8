-- api.load_staged_messages(load_id): the second half of the bulk-import path (README, "Bulk import
-- by COPY"). A login in assistant_loader has COPYed rows into core.message_load_staging (its own
-- rows: staged_by is the role that COPYed them); this moves the rows of one load into
-- core.messages:
--   1. takes them out of staging in one statement (DELETE ... RETURNING into a temporary table):
--      two calls for one load cannot both move a row, and rows COPYed meanwhile wait for the next;
--   2. checks every row, set-based, one problem per row (the first that applies): role not an
--      api.message_role (22P02), conversation not one of user_id's (23503), no visible text or
--      over 100,000 characters (23514), created_at outside 2000-01-01 .. a day ahead (22Y08),
--      metadata not an object or over 64 KiB (23514). One bad row refuses the load whole: the
--      error has the first bad row's SQLSTATE, its column (the error's COLUMN field) and its
--      position in the load, the DETAIL the count and up to ten more; the exception rolls the
--      take back, so every row is still staged;
--   3. writes them in one INSERT ... SELECT, ordered by (user_id, conversation_id, created_at,
--      seq) with ids drawn from the write counter in that order (0023: history is (created_at,
--      id), so rows of one timestamp keep the staging order). The statement fires core.messages'
--      triggers like any insert: the counters of each conversation (one UPDATE per conversation,
--      core.tg_messages__maintain_conversation), search vectors, the vocabulary of the typo
--      fallback. When none of the load's conversations is branched, the per-row branch trigger
--      is skipped (assistant_db.branch_insert = 'linear', as core.import_staged does);
--      otherwise each message follows the current leaf, in order.
-- On Citus the staging table is local to the coordinator and this is an INSERT ... SELECT from a
-- local table into a distributed one, which Citus supports (COPY into core.messages, with its
-- row-level security, is refused there).
-- SECURITY DEFINER (the owner): the loader holds no privilege on core.messages.
CREATE OR REPLACE FUNCTION api.load_staged_messages(p_load_id text DEFAULT 'default',
    OUT loaded bigint, OUT conversations bigint)
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    -- the role that called (as core.tg_messages__maintain_conversation reads it): inside SECURITY
    -- DEFINER current_user is the owner; staged_by was current_user at the COPY
    v_caller name := CASE WHEN current_setting('role') = 'none' THEN session_user ELSE current_setting('role') END;
    v_at timestamptz := clock_timestamp();
    v_total bigint;
    v_bad bigint;
    v_first record;
    v_more text;
BEGIN
    IF p_load_id IS NULL OR length(p_load_id) NOT BETWEEN 1 AND 200 THEN
        RAISE EXCEPTION 'api.load_staged_messages: p_load_id must be 1 to 200 characters'
            USING ERRCODE = '22023', HINT = 'Name the load_id the rows were COPYed with (default ''default'').';
    END IF;

    -- dropped at the end (and at commit): a second call in one transaction makes them afresh
    CREATE TEMPORARY TABLE message_load_batch (
        seq bigint, user_id uuid, conversation_id uuid, role text, content text, created_at timestamptz, metadata jsonb
    ) ON COMMIT DROP;
    WITH taken AS (
        DELETE FROM core.message_load_staging AS s
         WHERE s.load_id = p_load_id AND s.staged_by = v_caller
        RETURNING s.seq, s.user_id, s.conversation_id, s.role, s.content, s.created_at, s.metadata
    )
    INSERT INTO pg_temp.message_load_batch SELECT * FROM taken;
    GET DIAGNOSTICS v_total = ROW_COUNT;
    loaded := 0;
    conversations := 0;
    IF v_total = 0 THEN
        DROP TABLE pg_temp.message_load_batch;
        RETURN;
    END IF;

    CREATE TEMPORARY TABLE message_load_problems ON COMMIT DROP AS
    SELECT p.n, p.seq, p.sqlstate, p.column_name, p.problem
      FROM (SELECT row_number() OVER (ORDER BY b.seq) AS n, b.seq,
                   CASE WHEN b.role <> ALL (enum_range(NULL::api.message_role)::text[]) THEN '22P02'
                        WHEN c.id IS NULL THEN '23503'
                        WHEN length(b.content) > 100000 OR NOT util.has_visible_text(b.content) THEN '23514'
                        WHEN b.created_at < '2000-01-01 00:00+00' OR b.created_at > now() + interval '1 day' THEN '22Y08'
                        WHEN jsonb_typeof(b.metadata) <> 'object' OR octet_length(b.metadata::text) > 65536 THEN '23514'
                   END AS sqlstate,
                   CASE WHEN b.role <> ALL (enum_range(NULL::api.message_role)::text[]) THEN 'role'
                        WHEN c.id IS NULL THEN 'conversation_id'
                        WHEN length(b.content) > 100000 OR NOT util.has_visible_text(b.content) THEN 'content'
                        WHEN b.created_at < '2000-01-01 00:00+00' OR b.created_at > now() + interval '1 day' THEN 'created_at'
                        WHEN jsonb_typeof(b.metadata) <> 'object' OR octet_length(b.metadata::text) > 65536 THEN 'metadata'
                   END AS column_name,
                   CASE WHEN b.role <> ALL (enum_range(NULL::api.message_role)::text[])
                            THEN format('role %s is not one of %s', quote_literal(left(b.role, 40)),
                                        array_to_string(enum_range(NULL::api.message_role)::text[], ', '))
                        WHEN c.id IS NULL
                            THEN format('conversation %s is not a conversation of user %s', b.conversation_id, b.user_id)
                        WHEN length(b.content) > 100000
                            THEN format('content is %s characters, over the limit of 100,000', length(b.content))
                        WHEN NOT util.has_visible_text(b.content) THEN 'content has no visible character'
                        WHEN b.created_at < '2000-01-01 00:00+00' OR b.created_at > now() + interval '1 day'
                            THEN format('created_at %s is not between 2000-01-01 and a day ahead', b.created_at)
                        WHEN jsonb_typeof(b.metadata) <> 'object'
                            THEN format('metadata is a JSON %s, not an object', jsonb_typeof(b.metadata))
                        WHEN octet_length(b.metadata::text) > 65536
                            THEN format('metadata is %s bytes, over the limit of 64 KiB', octet_length(b.metadata::text))
                   END AS problem
              FROM pg_temp.message_load_batch AS b
              LEFT JOIN core.conversations AS c ON c.user_id = b.user_id AND c.id = b.conversation_id) AS p
     WHERE p.sqlstate IS NOT NULL;
    SELECT count(*) INTO v_bad FROM pg_temp.message_load_problems;
    IF v_bad > 0 THEN
        SELECT * INTO v_first FROM pg_temp.message_load_problems ORDER BY n LIMIT 1;
        SELECT string_agg(format('row %s: %s', x.n, x.problem), '; ' ORDER BY x.n) INTO v_more
          FROM (SELECT * FROM pg_temp.message_load_problems ORDER BY n OFFSET 1 LIMIT 10) AS x;
        RAISE EXCEPTION 'load %: row % (staging seq %): %', quote_literal(p_load_id), v_first.n, v_first.seq, v_first.problem
            USING ERRCODE = v_first.sqlstate, COLUMN = v_first.column_name, TABLE = 'message_load_staging', SCHEMA = 'core',
                  DETAIL = format('%s of the %s rows of the load are refused%s. Nothing was loaded; every row is still staged.',
                                  v_bad, v_total, CASE WHEN v_more IS NOT NULL THEN ' (also ' || v_more || ')' ELSE '' END),
                  HINT = format('Fix the rows at the source, then SELECT api.discard_staged_messages(%L) and COPY the load again.', p_load_id);
    END IF;

    -- new or linear conversations only: the messages need no parent, the branch trigger is skipped
    -- SELECT 1, not an empty select list: Citus 13.2 plans a distributed table joined with a
    -- temporary one through an intermediate result, which needs a column (42601 otherwise)
    IF NOT EXISTS (SELECT 1 FROM pg_temp.message_load_batch AS b
                     JOIN core.conversations AS c ON c.user_id = b.user_id AND c.id = b.conversation_id
                    WHERE c.current_leaf_id IS NOT NULL) THEN
        PERFORM set_config('assistant_db.branch_insert', 'linear', true);
    END IF;
    -- ids from the write counter in history order (the subquery's ORDER BY, kept by OFFSET 0)
    INSERT INTO core.messages (user_id, conversation_id, created_at, id, role, content, metadata)
    SELECT o.user_id, o.conversation_id, o.created_at, util.uuid_v7_from_counter(nextval('core.messages_write_order_seq')),
           o.role::api.message_role, o.content, coalesce(o.metadata, '{}')
      FROM (SELECT b.user_id, b.conversation_id, coalesce(b.created_at, v_at) AS created_at, b.seq, b.role, b.content, b.metadata
              FROM pg_temp.message_load_batch AS b
             ORDER BY b.user_id, b.conversation_id, coalesce(b.created_at, v_at), b.seq
            OFFSET 0) AS o;
    GET DIAGNOSTICS loaded = ROW_COUNT;
    PERFORM set_config('assistant_db.branch_insert', '', true);
    SELECT count(*) INTO conversations FROM (SELECT DISTINCT b.user_id, b.conversation_id FROM pg_temp.message_load_batch AS b) AS d;
    DROP TABLE pg_temp.message_load_problems;
    DROP TABLE pg_temp.message_load_batch;
END;
$$;
COMMENT ON FUNCTION api.load_staged_messages(text) IS
    'Bulk import, second half: moves the rows the caller COPYed into core.message_load_staging under p_load_id into core.messages in one INSERT ... SELECT (history in staging order; counters, search vectors and vocabulary kept by core.messages'' triggers) and empties them from staging. Checks every row first: one bad row refuses the load whole (22P02 role, 23503 another user''s conversation, 23514 content or metadata, 22Y08 created_at; the column in the error, up to ten more rows in the DETAIL) and every row stays staged. Returns loaded and conversations. For assistant_loader.';
REVOKE EXECUTE ON FUNCTION api.load_staged_messages(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION api.load_staged_messages(text) TO assistant_loader;
