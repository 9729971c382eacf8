-- Undo 0001_create_foundation. Roles are cluster-wide and stay (other databases may use them).

ALTER DEFAULT PRIVILEGES FOR ROLE assistant_owner GRANT EXECUTE ON FUNCTIONS TO PUBLIC;

REVOKE USAGE ON SCHEMA api FROM assistant_app, assistant_readonly, assistant_service;
REVOKE USAGE ON SCHEMA util FROM assistant_app, assistant_readonly, assistant_service;
REVOKE USAGE ON SCHEMA ext FROM assistant_app, assistant_readonly, assistant_service;

DROP EXTENSION btree_gin;
DROP EXTENSION unaccent;
DROP EXTENSION pg_trgm;

-- the helpers loaded from functions/ after this migration's statements
DROP FUNCTION util.tg__set_updated_at();
DROP FUNCTION util.uuid_v7_timestamp(uuid);
DROP FUNCTION util.uuid_generate_v7();

DROP SCHEMA archive;
DROP SCHEMA api;
DROP SCHEMA ops;
DROP SCHEMA core;
DROP SCHEMA maint;
DROP SCHEMA util;
DROP SCHEMA ext;
