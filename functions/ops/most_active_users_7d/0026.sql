-- ops.most_active_users_7d(): the aggregate api.most_active_users_7d shows, over every user's messages and
-- conversations. SECURITY DEFINER, so the dashboards' role (assistant_readonly) reads the
-- aggregate without reading any message, conversation or user row itself (0026 took that away
-- from it); it returns counts, times and names, never content or emails.
CREATE OR REPLACE FUNCTION ops.most_active_users_7d()
RETURNS TABLE (user_id uuid, name text, conversations bigint, messages bigint, last_message_at timestamptz)
LANGUAGE sql
STABLE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
SELECT a.user_id, u.name, a.conversations, a.messages, a.last_message_at
  FROM (SELECT m.user_id,
               count(DISTINCT m.conversation_id) AS conversations,
               count(*) AS messages,
               max(m.created_at) AS last_message_at
          FROM core.messages AS m
         WHERE m.created_at >= now() - interval '7 days'
           AND m.role = 'user'
         GROUP BY m.user_id) AS a
  JOIN core.users AS u ON u.id = a.user_id
 ORDER BY a.messages DESC, a.conversations DESC, u.name
$$;

COMMENT ON FUNCTION ops.most_active_users_7d() IS
    'Users by what they said in the last 7 days (their messages, role user, and the conversations they spoke in), most active first: the aggregate behind api.most_active_users_7d.';

REVOKE EXECUTE ON FUNCTION ops.most_active_users_7d() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION ops.most_active_users_7d() TO assistant_readonly, assistant_service, assistant_personal_reader;
