-- core.tg_messages__maintain_conversation(): AFTER INSERT / AFTER DELETE, FOR EACH STATEMENT on
-- core.messages, with the statement's rows as a transition table (new_messages / old_messages).
--
-- One UPDATE per conversation per statement, whatever the number of rows: a single-row INSERT, a
-- 10,000-row multi-row INSERT and a COPY all pay one conversation update. Statement-level
-- triggers with transition tables are allowed on a partitioned parent (row-level ones are not)
-- and see the rows routed to every partition.
--
-- Exactness under concurrent writers: `message_count = message_count + n` takes the row lock of
-- the conversation; a second writer waits, then (READ COMMITTED) re-reads the committed row and
-- adds to it, so no increment is lost. Writers of one conversation therefore serialise on its
-- row from their insert to their commit; writers of different conversations do not.
--
-- SECURITY DEFINER (owner, fixed search_path): the counters are not writable by the app roles,
-- and the update needs no row-level security check (the inserted rows already passed theirs).
CREATE OR REPLACE FUNCTION core.tg_messages__maintain_conversation()
RETURNS trigger
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        UPDATE core.conversations AS c
           SET message_count = c.message_count + d.n,
               last_message_at = greatest(c.last_message_at, d.last_at),
               agents = CASE WHEN d.agents IS NULL OR c.agents @> d.agents THEN c.agents
                             ELSE ARRAY(SELECT DISTINCT a FROM unnest(c.agents || d.agents) AS a ORDER BY a)
                        END
          FROM (SELECT m.user_id, m.conversation_id, count(*) AS n, max(m.created_at) AS last_at,
                       array_agg(DISTINCT m.agent) FILTER (WHERE m.agent IS NOT NULL) AS agents
                  FROM new_messages AS m
                 GROUP BY m.user_id, m.conversation_id) AS d
         WHERE c.user_id = d.user_id
           AND c.id = d.conversation_id;

        -- only when it moves forward: no new row version (and no wait on the user's row) for
        -- messages older than the newest one already recorded
        UPDATE core.users AS u
           SET last_interaction_at = d.last_at
          FROM (SELECT m.user_id, max(m.created_at) AS last_at
                  FROM new_messages AS m
                 GROUP BY m.user_id) AS d
         WHERE u.id = d.user_id
           AND (u.last_interaction_at IS NULL OR u.last_interaction_at < d.last_at);
    ELSIF TG_OP = 'DELETE' THEN
        -- the statement's deletions are visible here: when the newest message went, the new
        -- newest is one backward index scan per partition of the primary key
        UPDATE core.conversations AS c
           SET message_count = c.message_count - d.n,
               last_message_at = CASE
                   WHEN c.last_message_at > d.last_at THEN c.last_message_at
                   ELSE (SELECT max(m.created_at) FROM core.messages AS m
                          WHERE m.user_id = c.user_id AND m.conversation_id = c.id)
               END
          FROM (SELECT m.user_id, m.conversation_id, count(*) AS n, max(m.created_at) AS last_at
                  FROM old_messages AS m
                 GROUP BY m.user_id, m.conversation_id) AS d
         WHERE c.user_id = d.user_id
           AND c.id = d.conversation_id;
    ELSE
        RAISE EXCEPTION 'core.tg_messages__maintain_conversation() fired for %', TG_OP
            USING ERRCODE = '39P01',
                  HINT = 'Attach it AFTER INSERT or AFTER DELETE ... FOR EACH STATEMENT with a transition table.';
    END IF;
    RETURN NULL;
END;
$$;

COMMENT ON FUNCTION core.tg_messages__maintain_conversation() IS
    'Statement-level trigger on core.messages (transition tables new_messages/old_messages): keeps conversations.message_count, last_message_at and agents exact with one UPDATE per conversation per statement, and moves users.last_interaction_at forward.';

-- triggers run their function with the privileges of its owner (SECURITY DEFINER); no role calls it
REVOKE EXECUTE ON FUNCTION core.tg_messages__maintain_conversation() FROM PUBLIC;
