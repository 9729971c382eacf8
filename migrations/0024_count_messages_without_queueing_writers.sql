-- Keep conversation counters exact without making writers wait for each other, and without
-- hiding messages when deletes and inserts interleave: pending deltas beside the conversation row,
-- a trigger that locks only what is free (inserts) or in one order (deletes), readers that add
-- the deltas; users.last_interaction_at computed from the conversations instead of written by
-- every message.
-- depends: 0023_order_messages_as_written
-- functions-after: core.tg_messages__maintain_conversation api.conversation_history
--
-- Why (defects found by a fault-injection pass):
--   * a DELETE recomputed first/last_message_at in the UPDATE that had waited on the
--     conversation row, with a snapshot from before the wait: a message committed meanwhile fell
--     outside the bounds and vanished from api.conversation_history;
--   * single-statement INSERTs deadlocked on core.users rows (the last_interaction_at update, in
--     arbitrary user order);
--   * every writer held its conversation's row from INSERT to COMMIT: 16 writers of one
--     conversation queued (0.37x the throughput of 16 writers on 16 conversations).
-- See functions/core/tg_messages__maintain_conversation/0024.sql for how the trigger works.
-- Locks: CREATE TABLE, CREATE OR REPLACE VIEW (ACCESS EXCLUSIVE on the two views, a moment) and
-- DROP COLUMN on core.users (ACCESS EXCLUSIVE on users, metadata only: no rewrite).

CREATE TABLE core.conversation_message_deltas (
    user_id uuid NOT NULL,
    conversation_id uuid NOT NULL,
    id uuid NOT NULL DEFAULT util.uuid_generate_v7(),
    message_count bigint NOT NULL,
    first_message_at timestamptz,
    last_message_at timestamptz,
    agents text[] NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT conversation_message_deltas_pkey PRIMARY KEY (user_id, conversation_id, id),
    CONSTRAINT conversation_message_deltas_user_id_conversation_id_fkey FOREIGN KEY (user_id, conversation_id)
        REFERENCES core.conversations (user_id, id) ON DELETE CASCADE
);

COMMENT ON TABLE core.conversation_message_deltas IS
    'Message counts not yet folded into their conversation row: written by the messages trigger when another writer holds that row, folded (and deleted) by the next writer that gets it. Readers add them (api.conversations), so counters are exact at read time. User-owned; usually empty.';
COMMENT ON COLUMN core.conversation_message_deltas.user_id IS 'Owner of the conversation (core.users.id).';
COMMENT ON COLUMN core.conversation_message_deltas.conversation_id IS 'The conversation whose counts these are.';
COMMENT ON COLUMN core.conversation_message_deltas.message_count IS 'Messages inserted by one statement in this conversation (added to conversations.message_count when folded).';
COMMENT ON COLUMN core.conversation_message_deltas.first_message_at IS 'Oldest created_at among them.';
COMMENT ON COLUMN core.conversation_message_deltas.last_message_at IS 'Newest created_at among them.';
COMMENT ON COLUMN core.conversation_message_deltas.agents IS 'Agents of those messages, to merge into conversations.agents.';
COMMENT ON COLUMN core.conversation_message_deltas.created_at IS 'When the delta was written (its transaction''s start).';

ALTER TABLE core.conversation_message_deltas ENABLE ROW LEVEL SECURITY;

CREATE POLICY conversation_message_deltas_app_own_rows ON core.conversation_message_deltas
    FOR SELECT TO assistant_app
    USING (user_id = (SELECT core.current_user_id()));
CREATE POLICY conversation_message_deltas_service_all_rows ON core.conversation_message_deltas
    FOR SELECT TO assistant_service
    USING (true);

COMMENT ON POLICY conversation_message_deltas_app_own_rows ON core.conversation_message_deltas IS 'assistant_app reads the pending counts of app.user_id''s conversations (through api.conversations).';
COMMENT ON POLICY conversation_message_deltas_service_all_rows ON core.conversation_message_deltas IS 'assistant_service reads every pending count.';

-- written only by the messages trigger (SECURITY DEFINER); read through the api views
REVOKE ALL ON core.conversation_message_deltas FROM PUBLIC;
GRANT SELECT ON core.conversation_message_deltas TO assistant_app, assistant_service;

-- The views add the pending deltas. A scalar subquery per column keeps the view automatically
-- updatable (its other columns stay writable); each is one probe of an index that is almost
-- always empty.
CREATE OR REPLACE VIEW api.conversations WITH (security_invoker = true) AS
SELECT c.user_id, c.id, c.name, c.is_active, c.started_at, c.ended_at, c.duration,
       (c.message_count + coalesce((SELECT sum(d.message_count) FROM core.conversation_message_deltas AS d
                                     WHERE d.user_id = c.user_id AND d.conversation_id = c.id), 0))::bigint AS message_count,
       greatest(c.last_message_at, (SELECT max(d.last_message_at) FROM core.conversation_message_deltas AS d
                                     WHERE d.user_id = c.user_id AND d.conversation_id = c.id)) AS last_message_at,
       coalesce(greatest(c.last_message_at, (SELECT max(d.last_message_at) FROM core.conversation_message_deltas AS d
                                              WHERE d.user_id = c.user_id AND d.conversation_id = c.id)),
                c.started_at) AS last_activity_at,
       c.satisfaction_score,
       CASE WHEN NOT EXISTS (SELECT FROM core.conversation_message_deltas AS d
                              WHERE d.user_id = c.user_id AND d.conversation_id = c.id AND d.agents <> '{}')
            THEN c.agents
            ELSE ARRAY(SELECT DISTINCT a
                         FROM unnest(c.agents || ARRAY(SELECT x FROM core.conversation_message_deltas AS d, unnest(d.agents) AS x
                                                        WHERE d.user_id = c.user_id AND d.conversation_id = c.id)) AS a
                        ORDER BY a)
       END AS agents,
       c.summary, c.metadata, c.created_at, c.updated_at
  FROM core.conversations AS c;

COMMENT ON COLUMN api.conversations.message_count IS 'Number of messages, exact at read time: the conversation''s count plus its pending deltas (both kept by the messages trigger); not writable.';
COMMENT ON COLUMN api.conversations.last_message_at IS 'created_at of the newest message (last activity), exact at read time; maintained by the messages trigger.';
COMMENT ON COLUMN api.conversations.agents IS 'Names of the agents that took part, sorted and distinct; the messages trigger adds each message''s agent.';

CREATE OR REPLACE VIEW api.users WITH (security_invoker = true) AS
SELECT u.id, u.name, u.email, u.roles, u.preferences, u.voice_enrolled, u.speaker_embedding_id,
       u.is_active,
       (SELECT max(x.last_at)
          FROM (SELECT c.last_message_at AS last_at FROM core.conversations AS c WHERE c.user_id = u.id
                UNION ALL
                SELECT d.last_message_at FROM core.conversation_message_deltas AS d WHERE d.user_id = u.id) AS x
       ) AS last_interaction_at,
       u.created_at, u.updated_at, u.metadata
  FROM core.users AS u;

COMMENT ON COLUMN api.users.last_interaction_at IS 'Time of the newest message in any of the user''s conversations, computed from them when read (exact; never written by apps).';

ALTER TABLE core.users DROP COLUMN last_interaction_at;
