-- ops.personal_data_columns(table): the columns of a table that can mention a person, from the
-- catalog, with how to search them:
--   text    every string type (text, varchar, char, citext, domains over them) and arrays of them;
--   json    json and jsonb (searched in their text form, where quotes and backslashes are escaped);
--   uuid    uuid columns that are not part of a primary or foreign key (keys of rows, and
--           references the foreign keys already keep consistent, cannot hold an erased user's id);
--   uuid[]  arrays of uuid;
--   network nullable inet, cidr and MAC address columns: not searched, but in a row that mentions
--           the person they are the person's address (a request's client_ip), and are cleared.
-- Generated columns are left out (derived, e.g. search_vector: they follow their source).
CREATE OR REPLACE FUNCTION ops.personal_data_columns(p_table regclass)
RETURNS TABLE (column_name name, kind text, type_name text)
LANGUAGE sql
STABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT a.attname,
           CASE WHEN b.typcategory = 'S' OR (b.typcategory = 'A' AND e.typcategory = 'S') THEN 'text'
                WHEN b.oid IN ('json'::regtype, 'jsonb'::regtype) THEN 'json'
                WHEN b.oid = 'uuid'::regtype THEN 'uuid'
                WHEN b.oid = 'uuid[]'::regtype THEN 'uuid[]'
                ELSE 'network' END,
           format_type(a.atttypid, a.atttypmod)
      FROM pg_attribute AS a
      JOIN pg_type AS t ON t.oid = a.atttypid
      JOIN pg_type AS b ON b.oid = CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE t.oid END
      LEFT JOIN pg_type AS e ON e.oid = b.typelem AND b.typcategory = 'A'
     WHERE a.attrelid = p_table AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
       AND (b.typcategory = 'S' OR (b.typcategory = 'A' AND e.typcategory = 'S')
            OR b.oid IN ('json'::regtype, 'jsonb'::regtype, 'uuid[]'::regtype)
            OR (b.oid IN ('inet'::regtype, 'cidr'::regtype, 'macaddr'::regtype, 'macaddr8'::regtype) AND NOT a.attnotnull)
            OR (b.oid = 'uuid'::regtype
                AND NOT EXISTS (SELECT FROM pg_constraint AS con
                                 WHERE con.conrelid = p_table AND con.contype IN ('p', 'f') AND a.attnum = ANY (con.conkey))))
     ORDER BY a.attnum
$$;

COMMENT ON FUNCTION ops.personal_data_columns(regclass) IS
    'The columns of a table that can mention a person (string types and their arrays, json/jsonb, uuid outside primary and foreign keys, uuid[], nullable network addresses), with their kind and type; generated columns left out. Used by api.erase_user and api.export_user.';

REVOKE EXECUTE ON FUNCTION ops.personal_data_columns(regclass) FROM PUBLIC;
