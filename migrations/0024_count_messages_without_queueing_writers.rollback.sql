-- Undo 0024_count_messages_without_queueing_writers, statement by statement in reverse order (the
-- REVOKE ALL ... FROM PUBLIC of a new table has nothing to undo).
-- The pending deltas are folded into their conversations first, and last_interaction_at is
-- filled from the conversations, so the counters stay exact under the previous trigger (which
-- the runner re-loads, with the previous api.conversation_history, after these statements).

ALTER TABLE core.users ADD COLUMN last_interaction_at timestamptz;

COMMENT ON COLUMN api.users.last_interaction_at IS 'Time of the newest message in any of the user''s conversations; maintained by the messages trigger, never written by apps.';

CREATE OR REPLACE VIEW api.users WITH (security_invoker = true) AS
SELECT u.id, u.name, u.email, u.roles, u.preferences, u.voice_enrolled, u.speaker_embedding_id,
       u.is_active, u.last_interaction_at, u.created_at, u.updated_at, u.metadata
  FROM core.users AS u;

COMMENT ON COLUMN api.conversations.agents IS 'Names of the agents that took part, sorted and distinct; the messages trigger adds each message''s agent.';
COMMENT ON COLUMN api.conversations.last_message_at IS 'created_at of the newest message (last activity); maintained by the messages trigger.';
COMMENT ON COLUMN api.conversations.message_count IS 'Number of messages, exact: maintained by the statement-level trigger on core.messages; not writable by applications.';

CREATE OR REPLACE VIEW api.conversations WITH (security_invoker = true) AS
SELECT c.user_id, c.id, c.name, c.is_active, c.started_at, c.ended_at, c.duration, c.message_count,
       c.last_message_at, coalesce(c.last_message_at, c.started_at) AS last_activity_at,
       c.satisfaction_score, c.agents, c.summary, c.metadata, c.created_at, c.updated_at
  FROM core.conversations AS c;

REVOKE SELECT ON core.conversation_message_deltas FROM assistant_app, assistant_service;

COMMENT ON POLICY conversation_message_deltas_service_all_rows ON core.conversation_message_deltas IS NULL;
COMMENT ON POLICY conversation_message_deltas_app_own_rows ON core.conversation_message_deltas IS NULL;
DROP POLICY conversation_message_deltas_service_all_rows ON core.conversation_message_deltas;
DROP POLICY conversation_message_deltas_app_own_rows ON core.conversation_message_deltas;

ALTER TABLE core.conversation_message_deltas DISABLE ROW LEVEL SECURITY;

-- fold what is pending, then fill last_interaction_at, then drop the table
UPDATE core.conversations AS c
   SET message_count = c.message_count + d.n,
       first_message_at = least(c.first_message_at, d.first_at),
       last_message_at = greatest(c.last_message_at, d.last_at),
       agents = ARRAY(SELECT DISTINCT a FROM unnest(c.agents || d.agents) AS a ORDER BY a)
  FROM (SELECT x.user_id, x.conversation_id, sum(x.message_count) AS n, min(x.first_message_at) AS first_at,
               max(x.last_message_at) AS last_at,
               ARRAY(SELECT DISTINCT a FROM core.conversation_message_deltas AS y, unnest(y.agents) AS a
                      WHERE y.user_id = x.user_id AND y.conversation_id = x.conversation_id) AS agents
          FROM core.conversation_message_deltas AS x GROUP BY x.user_id, x.conversation_id) AS d
 WHERE c.user_id = d.user_id AND c.id = d.conversation_id;
UPDATE core.users AS u
   SET last_interaction_at = c.last_at
  FROM (SELECT user_id, max(last_message_at) AS last_at FROM core.conversations GROUP BY user_id) AS c
 WHERE c.user_id = u.id AND c.last_at IS NOT NULL;

DROP TABLE core.conversation_message_deltas;
