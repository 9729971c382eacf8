-- Undo 0018_create_dashboards_and_activity_views: one statement per statement of the migration, in reverse order.

REVOKE SELECT ON api.most_active_users_7d, api.common_intents_30d, api.latency_by_source_24h,
                 api.conversations_per_day, api.daily_active_users
    FROM assistant_readonly, assistant_service;
DROP VIEW api.daily_active_users;
DROP VIEW api.conversations_per_day;
DROP VIEW api.latency_by_source_24h;
DROP VIEW api.common_intents_30d;
DROP VIEW api.most_active_users_7d;
DROP INDEX core.messages_created_at_idx;
REVOKE SELECT ON api.dashboards FROM assistant_readonly;
REVOKE SELECT, INSERT, UPDATE, DELETE ON api.dashboards FROM assistant_app, assistant_service;
DROP VIEW api.dashboards;
REVOKE SELECT ON ops.dashboards FROM assistant_readonly;
REVOKE SELECT, INSERT (user_id, id, name, description, period, widgets), UPDATE (name, description, period, widgets), DELETE
    ON ops.dashboards FROM assistant_app, assistant_service;
DROP TRIGGER dashboards_audit ON ops.dashboards;
DROP POLICY dashboards_service_all_rows ON ops.dashboards;
DROP POLICY dashboards_readonly_all_rows ON ops.dashboards;
DROP POLICY dashboards_app_own_rows ON ops.dashboards;
DROP TRIGGER dashboards_set_updated_at ON ops.dashboards;
DROP TABLE ops.dashboards;
