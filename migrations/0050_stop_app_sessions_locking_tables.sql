-- Applications can no longer take table locks: they delete through the api views (an INSTEAD OF
-- trigger) instead of holding DELETE on the core tables.
-- depends: 0039_merge_heads
-- functions: api.tg__delete_through_view
--
-- PostgreSQL grants every LOCK mode to a role holding UPDATE, DELETE or TRUNCATE on a table
-- (table-level: column-level UPDATE and INSERT do not count); through a security_invoker view the
-- caller's rights on the base table decide. assistant_app held DELETE on the user-owned tables,
-- so `LOCK TABLE api.messages IN ACCESS EXCLUSIVE MODE` stalled every user for as long as the
-- session kept its transaction. After this migration an application session can take ACCESS
-- SHARE only (what a SELECT takes); deletes through the views work as before (row count,
-- RETURNING), one row at a time by its key. The partitions of core.messages carry the grants
-- maintenance copied from their parent: revoked there too.

DO $$
DECLARE
    v_table regclass;
    v_part regclass;
BEGIN
    FOREACH v_table IN ARRAY ARRAY['core.credentials', 'core.conversations', 'core.messages', 'core.tasks',
                                   'core.actions', 'core.reminders', 'core.memories', 'ops.dashboards']::regclass[] LOOP
        FOR v_part IN SELECT v_table UNION SELECT t.relid FROM pg_partition_tree(v_table) AS t LOOP
            EXECUTE format('REVOKE DELETE ON %s FROM assistant_app', v_part);
        END LOOP;
    END LOOP;
END
$$;

CREATE TRIGGER credentials_delete_through_view INSTEAD OF DELETE ON api.credentials
    FOR EACH ROW EXECUTE FUNCTION api.tg__delete_through_view('core.credentials', 'user_id', 'id');
CREATE TRIGGER conversations_delete_through_view INSTEAD OF DELETE ON api.conversations
    FOR EACH ROW EXECUTE FUNCTION api.tg__delete_through_view('core.conversations', 'user_id', 'id');
CREATE TRIGGER messages_delete_through_view INSTEAD OF DELETE ON api.messages
    FOR EACH ROW EXECUTE FUNCTION api.tg__delete_through_view('core.messages', 'user_id', 'conversation_id', 'created_at', 'id');
CREATE TRIGGER tasks_delete_through_view INSTEAD OF DELETE ON api.tasks
    FOR EACH ROW EXECUTE FUNCTION api.tg__delete_through_view('core.tasks', 'user_id', 'id');
CREATE TRIGGER actions_delete_through_view INSTEAD OF DELETE ON api.actions
    FOR EACH ROW EXECUTE FUNCTION api.tg__delete_through_view('core.actions', 'user_id', 'id');
CREATE TRIGGER reminders_delete_through_view INSTEAD OF DELETE ON api.reminders
    FOR EACH ROW EXECUTE FUNCTION api.tg__delete_through_view('core.reminders', 'user_id', 'id');
CREATE TRIGGER memories_delete_through_view INSTEAD OF DELETE ON api.memories
    FOR EACH ROW EXECUTE FUNCTION api.tg__delete_through_view('core.memories', 'user_id', 'id');
CREATE TRIGGER dashboards_delete_through_view INSTEAD OF DELETE ON api.dashboards
    FOR EACH ROW EXECUTE FUNCTION api.tg__delete_through_view('ops.dashboards', 'user_id', 'id');

COMMENT ON TRIGGER credentials_delete_through_view ON api.credentials IS 'Deletes through the view (the app holds no DELETE on core.credentials, so it can lock nothing).';
COMMENT ON TRIGGER conversations_delete_through_view ON api.conversations IS 'Deletes through the view (the app holds no DELETE on core.conversations, so it can lock nothing); its messages and links follow by ON DELETE.';
COMMENT ON TRIGGER messages_delete_through_view ON api.messages IS 'Deletes through the view, one message at a time by its key (the app holds no DELETE on core.messages, so it can lock nothing).';
COMMENT ON TRIGGER tasks_delete_through_view ON api.tasks IS 'Deletes through the view (the app holds no DELETE on core.tasks).';
COMMENT ON TRIGGER actions_delete_through_view ON api.actions IS 'Deletes through the view (the app holds no DELETE on core.actions).';
COMMENT ON TRIGGER reminders_delete_through_view ON api.reminders IS 'Deletes through the view (the app holds no DELETE on core.reminders).';
COMMENT ON TRIGGER memories_delete_through_view ON api.memories IS 'Deletes through the view (live memories only; the app holds no DELETE on core.memories).';
COMMENT ON TRIGGER dashboards_delete_through_view ON api.dashboards IS 'Deletes through the view (the app holds no DELETE on ops.dashboards).';
