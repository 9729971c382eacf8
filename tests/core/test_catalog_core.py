"""The core's and the api's catalog documents itself: every table, view, column, function, type
and policy has a COMMENT (the repository-wide lints in tests/test_catalog.py check the same for
every schema; these name what the conversational core must never lose)."""

OBVIOUS = ("id", "created_at", "updated_at")


def test_every_core_and_api_relation_and_column_has_a_comment(db):
    rows = db.execute("""
        SELECT c.oid::regclass::text || coalesce('.' || a.attname, '')
          FROM pg_class c
          LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
                                  AND a.attname <> ALL(%s)
         WHERE c.relnamespace IN ('core'::regnamespace, 'api'::regnamespace)
           AND c.relkind IN ('r', 'p', 'v') AND NOT c.relispartition
           AND (obj_description(c.oid, 'pg_class') IS NULL
                OR (a.attnum IS NOT NULL AND col_description(c.oid, a.attnum) IS NULL))""",
                      (list(OBVIOUS),)).fetchall()
    assert rows == []


def test_every_core_and_api_function_type_and_policy_has_a_comment(db):
    rows = db.execute("""
        SELECT p.oid::regprocedure::text FROM pg_proc p
         WHERE p.pronamespace IN ('core'::regnamespace, 'api'::regnamespace)
           AND obj_description(p.oid, 'pg_proc') IS NULL
        UNION ALL
        SELECT t.oid::regtype::text FROM pg_type t
         WHERE t.typnamespace = 'core'::regnamespace AND t.typtype = 'e' AND obj_description(t.oid, 'pg_type') IS NULL
        UNION ALL
        SELECT pol.polname FROM pg_policy pol JOIN pg_class c ON c.oid = pol.polrelid
         WHERE c.relnamespace = 'core'::regnamespace AND obj_description(pol.oid, 'pg_policy') IS NULL
        UNION ALL
        SELECT cfgname FROM pg_ts_config
         WHERE cfgnamespace = 'core'::regnamespace AND obj_description(oid, 'pg_ts_config') IS NULL""").fetchall()
    assert rows == []


def test_every_core_function_states_its_search_path(db):
    rows = db.execute("""
        SELECT p.oid::regprocedure::text FROM pg_proc p
         WHERE p.pronamespace IN ('core'::regnamespace, 'api'::regnamespace)
           AND NOT EXISTS (SELECT FROM unnest(coalesce(p.proconfig, '{}')) s
                            WHERE s LIKE 'search\\_path=%%' AND s LIKE '%%pg\\_temp')""").fetchall()
    assert rows == []
