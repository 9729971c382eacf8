-- Citus, issue 15: every read of api.conversations failed on Citus 13.2 with "cannot push down
-- this subquery": the agents column nested a correlated subquery of the deltas inside another
-- subquery. The merge moves into core.sorted_distinct_agents, so each subquery of the select list
-- is a top-level one correlated on (user_id, conversation_id), which Citus routes with the
-- conversation. Same columns, types and values as 0024's definition, the view still one table in
-- FROM (auto-updatable: apps create, rename and end conversations through it).
-- depends: 0091_send_the_named_user_to_citus_workers
-- functions: core.sorted_distinct_agents
--
-- Online: CREATE OR REPLACE VIEW takes ACCESS EXCLUSIVE on api.conversations for a moment; no
-- table is touched. Grants, triggers and comments stay (OR REPLACE keeps them).

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
            ELSE core.sorted_distinct_agents(c.agents || ARRAY(SELECT x FROM core.conversation_message_deltas AS d, unnest(d.agents) AS x
                                                                WHERE d.user_id = c.user_id AND d.conversation_id = c.id))
       END AS agents,
       c.summary, c.metadata, c.created_at, c.updated_at
  FROM core.conversations AS c;
