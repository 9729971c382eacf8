-- maint.reindex_search_step(batch): one batch of the online re-index of search_vector: the first
-- unfinished relation of maint.search_reindex_progress (a leaf partition of core.messages, the
-- default partition included, or core.memories), its next p_batch rows in primary-key order after
-- the saved cursor, search_vector := core.to_search_vector(content) where it differs, and the
-- cursor saved in the same transaction (resumable after a crash: a batch either committed with its
-- cursor or did not happen). Locks: ROW EXCLUSIVE on the one relation and the batch's row locks,
-- for one short transaction; inserts and reads are never blocked. The messages audit and
-- updated_at triggers ignore search_vector, so the re-index writes no audit rows.
-- Returns the relation, rows looked at and rewritten, and whether that relation is finished;
-- no row when every relation is.
CREATE OR REPLACE FUNCTION maint.reindex_search_step(p_batch integer DEFAULT 1000)
RETURNS TABLE (relation text, rows_seen bigint, rows_updated bigint, finished boolean)
LANGUAGE plpgsql
VOLATILE
SET search_path = pg_catalog, pg_temp
SET lock_timeout = '2s'
AS $$
#variable_conflict use_column
DECLARE
    v_p maint.search_reindex_progress;
    v_seen bigint;
    v_updated bigint;
    v_key record;
BEGIN
    IF p_batch IS NULL OR p_batch NOT BETWEEN 1 AND 100000 THEN
        RAISE EXCEPTION 'maint.reindex_search_step: p_batch must be between 1 and 100000, not %', coalesce(p_batch::text, 'NULL')
            USING ERRCODE = '22023', HINT = 'Batches of 1000 to 10000 rows keep each transaction short.';
    END IF;
    SELECT * INTO v_p FROM maint.search_reindex_progress AS p
     WHERE p.finished_at IS NULL
     ORDER BY p.position
     LIMIT 1
       FOR UPDATE SKIP LOCKED;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    IF to_regclass(v_p.relation) IS NULL THEN  -- a partition retired meanwhile: nothing left to do
        UPDATE maint.search_reindex_progress SET finished_at = now(), updated_at = now()
         WHERE position = v_p.position;
        RETURN QUERY SELECT v_p.relation, 0::bigint, 0::bigint, true;
        RETURN;
    END IF;
    IF v_p.parent = 'core.messages' THEN
        EXECUTE format(
            'WITH batch AS MATERIALIZED (
                 SELECT user_id, conversation_id, created_at, id FROM %s
                  WHERE $1 IS NULL OR (user_id, conversation_id, created_at, id) > ($1, $2, $3, $4)
                  ORDER BY user_id, conversation_id, created_at, id
                  LIMIT $5
             ), upd AS (
                 UPDATE %s AS m SET search_vector = core.to_search_vector(m.content)
                   FROM batch AS b
                  WHERE (m.user_id, m.conversation_id, m.created_at, m.id) = (b.user_id, b.conversation_id, b.created_at, b.id)
                    AND m.search_vector IS DISTINCT FROM core.to_search_vector(m.content)
                 RETURNING 1
             )
             SELECT (SELECT count(*) FROM batch) AS seen, (SELECT count(*) FROM upd) AS updated, l.*
               FROM (SELECT NULL) AS one
               LEFT JOIN (SELECT * FROM batch ORDER BY user_id DESC, conversation_id DESC, created_at DESC, id DESC LIMIT 1) AS l ON true',
            v_p.relation, v_p.relation)
          INTO v_key
          USING v_p.last_user_id, v_p.last_conversation_id, v_p.last_created_at, v_p.last_id, p_batch;
        UPDATE maint.search_reindex_progress
           SET last_user_id = coalesce(v_key.user_id, last_user_id),
               last_conversation_id = coalesce(v_key.conversation_id, last_conversation_id),
               last_created_at = coalesce(v_key.created_at, last_created_at),
               last_id = coalesce(v_key.id, last_id)
         WHERE position = v_p.position;
    ELSE
        EXECUTE format(
            'WITH batch AS MATERIALIZED (
                 SELECT user_id, id FROM %s
                  WHERE $1 IS NULL OR (user_id, id) > ($1, $2)
                  ORDER BY user_id, id
                  LIMIT $3
             ), upd AS (
                 UPDATE %s AS m SET search_vector = core.to_search_vector(m.content)
                   FROM batch AS b
                  WHERE (m.user_id, m.id) = (b.user_id, b.id)
                    AND m.search_vector IS DISTINCT FROM core.to_search_vector(m.content)
                 RETURNING 1
             )
             SELECT (SELECT count(*) FROM batch) AS seen, (SELECT count(*) FROM upd) AS updated, l.*
               FROM (SELECT NULL) AS one
               LEFT JOIN (SELECT * FROM batch ORDER BY user_id DESC, id DESC LIMIT 1) AS l ON true',
            v_p.relation, v_p.relation)
          INTO v_key
          USING v_p.last_user_id, v_p.last_id, p_batch;
        UPDATE maint.search_reindex_progress
           SET last_user_id = coalesce(v_key.user_id, last_user_id),
               last_id = coalesce(v_key.id, last_id)
         WHERE position = v_p.position;
    END IF;
    v_seen := v_key.seen;
    v_updated := v_key.updated;
    UPDATE maint.search_reindex_progress
       SET rows_seen = rows_seen + v_seen,
           rows_updated = rows_updated + v_updated,
           started_at = coalesce(started_at, now()),
           updated_at = now(),
           finished_at = CASE WHEN v_seen < p_batch THEN now() END
     WHERE position = v_p.position;
    RETURN QUERY SELECT v_p.relation, v_seen, v_updated, v_seen < p_batch;
END;
$$;

COMMENT ON FUNCTION maint.reindex_search_step(integer) IS
    'One batch (p_batch rows, primary-key order after the saved cursor) of the online search_vector re-index of the first unfinished relation in maint.search_reindex_progress; saves the cursor in the same transaction. Short ROW EXCLUSIVE lock, never blocks inserts or reads. No row returned when all are done. 22023 for a bad batch size.';
