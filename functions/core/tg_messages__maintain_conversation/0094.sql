-- core.tg_messages__maintain_conversation(): AFTER INSERT / AFTER DELETE, FOR EACH STATEMENT on
-- core.messages, with the statement's rows as a transition table (new_messages / old_messages).
-- Keeps each conversation's message_count, first_message_at, last_message_at and agents exact
-- at read time, without making writers of one conversation wait for each other.
--
-- Inserts never wait. For each conversation of the statement (one UPDATE per conversation, however
-- many rows: a single-row INSERT, a 10,000-row INSERT and a COPY cost the same), the conversation
-- row is locked only if no other transaction holds it (FOR NO KEY UPDATE SKIP LOCKED):
--   * got it: the statement's counts, and every committed pending delta of that conversation,
--     are folded into the row (message_count + n, least/greatest of the bounds, agents merged);
--   * held by another writer: the counts go into core.conversation_message_deltas, a row of
--     their own that no one else locks; the next writer that gets the row folds them.
-- Readers add the pending deltas (api.conversations, api.conversation_history, api.users), so
-- every value is exact at read time: a delta and its messages commit or roll back together, and
-- a fold deletes the deltas it adds in the same statement. Before this, each writer held the
-- conversation's row lock from its INSERT to its COMMIT, and 16 writers of one conversation
-- queued behind each other (0.37x the throughput of 16 writers on 16 conversations).
--
-- Deletes wait, in one order. A DELETE needs the new bounds when the oldest or newest message
-- went, so it locks each of its conversations (ordered by (user_id, id): two multi-conversation
-- statements cannot deadlock), and only then recomputes the bounds from the messages in a new
-- statement, whose snapshot sees every message committed while it waited. (Computing them in the
-- UPDATE that waited read a snapshot from before the wait: a message committed meanwhile was
-- left outside the bounds and disappeared from history.) Messages of transactions still in
-- progress are not visible; their deltas, committed with them, carry their bounds.
--
-- users.last_interaction_at is no longer written here (api.users computes it from the
-- conversations): updating the user's row on every message made multi-user statements deadlock.
--
-- Every statement names its conversation by constants (one per loop turn), so on Citus each is
-- routed to the shard of its user; no statement reads the transition table and a distributed
-- table together.
--
-- Timestamps an application writes are bounded (0052): created_at within 7 days before and 5
-- minutes after the time of writing. One row dated 1970, year 1 or 294276 AD made partition
-- maintenance create hundreds of partitions (or fail). assistant_service, and since 0094 a login in
-- assistant_loader (whose rows arrive only through api.load_staged_messages, which checks the same
-- window row by row first), may import history from 2000-01-01 on and up to a day ahead; the owner and superusers are not bounded. Checked on
-- the statement's own min/max (no cost per row): a statement with a row outside is refused
-- whole (22Y08).
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
DECLARE
    v_group record;
    v_pending record;
    v_bounds record;
    v_caller name;
    v_trusted boolean;
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT min(m.created_at) AS first_at, max(m.created_at) AS last_at INTO v_bounds FROM new_messages AS m;
        IF v_bounds.first_at < now() - interval '7 days' OR v_bounds.last_at > clock_timestamp() + interval '5 minutes' THEN
            v_caller := CASE WHEN current_setting('role') = 'none' THEN session_user ELSE current_setting('role') END;
            -- the owner and superusers (migrations, maintenance, a DBA repairing data) are not bounded
            IF NOT (pg_has_role(v_caller, 'assistant_owner', 'USAGE')
                    OR coalesce((SELECT r.rolsuper FROM pg_roles AS r WHERE r.rolname = v_caller), false)) THEN
                v_trusted := pg_has_role(v_caller, 'assistant_service', 'USAGE')
                             OR pg_has_role(v_caller, 'assistant_loader', 'USAGE');
                IF NOT v_trusted OR v_bounds.first_at < '2000-01-01 00:00+00' OR v_bounds.last_at > now() + interval '1 day' THEN
                    RAISE EXCEPTION 'core.messages.created_at must be between % and %, not % .. %',
                                    CASE WHEN v_trusted THEN '2000-01-01 00:00+00'::timestamptz ELSE now() - interval '7 days' END,
                                    CASE WHEN v_trusted THEN now() + interval '1 day' ELSE clock_timestamp() + interval '5 minutes' END,
                                    v_bounds.first_at, v_bounds.last_at
                        USING ERRCODE = '22Y08', COLUMN = 'created_at', TABLE = 'messages', SCHEMA = 'core',
                              HINT = CASE WHEN v_trusted
                                          THEN 'History is imported from 2000-01-01 on; a message is dated at most a day ahead.'
                                          ELSE 'Leave created_at to its default (the time of writing), or date a message at most 7 days back; older history is imported by assistant_service or the bulk loader (api.load_staged_messages).'
                                     END;
                END IF;
            END IF;
        END IF;
        FOR v_group IN
            SELECT m.user_id, m.conversation_id, count(*) AS n,
                   min(m.created_at) AS first_at, max(m.created_at) AS last_at,
                   coalesce(array_agg(DISTINCT m.agent) FILTER (WHERE m.agent IS NOT NULL), '{}') AS agents
              FROM new_messages AS m
             GROUP BY m.user_id, m.conversation_id
             ORDER BY m.user_id, m.conversation_id
        LOOP
            PERFORM FROM core.conversations AS c
             WHERE c.user_id = v_group.user_id AND c.id = v_group.conversation_id
               FOR NO KEY UPDATE SKIP LOCKED;
            IF FOUND THEN
                WITH folded AS (
                    DELETE FROM core.conversation_message_deltas AS d
                     WHERE d.user_id = v_group.user_id AND d.conversation_id = v_group.conversation_id
                    RETURNING d.message_count, d.first_message_at, d.last_message_at, d.agents
                )
                SELECT coalesce(sum(f.message_count), 0) AS n, min(f.first_message_at) AS first_at,
                       max(f.last_message_at) AS last_at,
                       coalesce((SELECT array_agg(DISTINCT a) FROM folded AS f2, unnest(f2.agents) AS a), '{}') AS agents
                  INTO v_pending
                  FROM folded AS f;
                UPDATE core.conversations AS c
                   SET message_count = c.message_count + v_group.n + v_pending.n,
                       first_message_at = least(c.first_message_at, v_group.first_at, v_pending.first_at),
                       last_message_at = greatest(c.last_message_at, v_group.last_at, v_pending.last_at),
                       agents = CASE WHEN c.agents @> (v_group.agents || v_pending.agents) THEN c.agents
                                     ELSE ARRAY(SELECT DISTINCT a FROM unnest(c.agents || v_group.agents || v_pending.agents) AS a ORDER BY a)
                                END,
                       -- set here rather than by conversations_set_updated_at, which fires only
                       -- for the columns applications write
                       updated_at = now()
                 WHERE c.user_id = v_group.user_id AND c.id = v_group.conversation_id;
            ELSE
                INSERT INTO core.conversation_message_deltas
                       (user_id, conversation_id, message_count, first_message_at, last_message_at, agents)
                VALUES (v_group.user_id, v_group.conversation_id, v_group.n, v_group.first_at, v_group.last_at,
                        v_group.agents);
            END IF;
        END LOOP;
    ELSIF TG_OP = 'DELETE' THEN
        FOR v_group IN
            SELECT m.user_id, m.conversation_id, count(*) AS n
              FROM old_messages AS m
             GROUP BY m.user_id, m.conversation_id
             ORDER BY m.user_id, m.conversation_id
        LOOP
            -- waits for the writer holding the row; a conversation deleted with its messages
            -- (ON DELETE CASCADE) is gone, and there is nothing to update
            PERFORM FROM core.conversations AS c
             WHERE c.user_id = v_group.user_id AND c.id = v_group.conversation_id
               FOR NO KEY UPDATE;
            CONTINUE WHEN NOT FOUND;
            -- a new statement, so a new snapshot: everything committed while we waited is seen
            WITH folded AS (
                DELETE FROM core.conversation_message_deltas AS d
                 WHERE d.user_id = v_group.user_id AND d.conversation_id = v_group.conversation_id
                RETURNING d.message_count, d.agents
            )
            UPDATE core.conversations AS c
               SET message_count = c.message_count - v_group.n + coalesce((SELECT sum(f.message_count) FROM folded AS f), 0),
                   first_message_at = (SELECT min(m.created_at) FROM core.messages AS m
                                        WHERE m.user_id = v_group.user_id AND m.conversation_id = v_group.conversation_id),
                   last_message_at = (SELECT max(m.created_at) FROM core.messages AS m
                                       WHERE m.user_id = v_group.user_id AND m.conversation_id = v_group.conversation_id),
                   -- agents says who took part: deleting their messages does not undo that
                   agents = ARRAY(SELECT DISTINCT a FROM unnest(c.agents || coalesce(
                                      (SELECT array_agg(x) FROM folded AS f, unnest(f.agents) AS x), '{}')) AS a ORDER BY a),
                   updated_at = now()
             WHERE c.user_id = v_group.user_id AND c.id = v_group.conversation_id;
        END LOOP;
    ELSE
        RAISE EXCEPTION 'core.tg_messages__maintain_conversation() fired for %', TG_OP
            USING ERRCODE = '39P01',
                  HINT = 'Attach it AFTER INSERT or AFTER DELETE ... FOR EACH STATEMENT with a transition table.';
    END IF;
    RETURN NULL;
END;
$$;

COMMENT ON FUNCTION core.tg_messages__maintain_conversation() IS
    'Statement-level trigger on core.messages (transition tables new_messages/old_messages): bounds created_at (apps: 7 days back to 5 minutes ahead; assistant_service and assistant_loader: from 2000 to a day ahead; 22Y08); keeps conversations.message_count, first_message_at, last_message_at and agents exact at read time. Inserts never wait: they fold into the conversation row when it is free (SKIP LOCKED), else write a pending delta to core.conversation_message_deltas; deletes lock their conversations in key order and recompute the bounds after the lock.';

-- triggers run their function with the privileges of its owner (SECURITY DEFINER); no role calls it
REVOKE EXECUTE ON FUNCTION core.tg_messages__maintain_conversation() FROM PUBLIC;
