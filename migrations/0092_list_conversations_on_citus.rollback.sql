-- Undo 0092_list_conversations_on_citus: 0024's definition of api.conversations, then the
-- function 0092 created (nothing else uses it).
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
DROP FUNCTION core.sorted_distinct_agents(text[]);
