-- ops.personal_data_needles(user id, email, name, json): LIKE patterns, lower case, that every text
-- holding the user's id, email or full name contains once lower-cased (the id, the id without
-- hyphens, the email, the longest word of the name): a cheap test (a substring search) put before
-- the regular expressions of ops.personal_data_patterns, which cost ~20 times more per row and run
-- only on the rows that pass it. p_json: the forms the email and name take inside JSON text.
CREATE OR REPLACE FUNCTION ops.personal_data_needles(p_user_id uuid, p_email text, p_name text, p_json boolean)
RETURNS text[]
LANGUAGE sql
IMMUTABLE
PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT array_agg('%' || replace(replace(replace(lower(v), '\', '\\'), '%', '\%'), '_', '\_') || '%')
      FROM (SELECT p_user_id::text AS v
            UNION ALL SELECT replace(p_user_id::text, '-', '')
            UNION ALL SELECT nullif(btrim(p_email), '')
            UNION ALL
            -- the longest word, when the name is a full name (as ops.personal_data_patterns decides)
            (SELECT w FROM regexp_split_to_table(btrim(p_name), '\s+') AS w
              WHERE array_length(regexp_split_to_array(btrim(p_name), '\s+'), 1) >= 2 AND length(btrim(p_name)) >= 5
              ORDER BY length(w) DESC, w LIMIT 1)) AS s (raw)
     CROSS JOIN LATERAL (SELECT CASE WHEN p_json THEN substr(to_json(s.raw)::text, 2, length(to_json(s.raw)::text) - 2)
                                     ELSE s.raw END AS v) AS f
     WHERE s.raw IS NOT NULL AND s.raw <> ''
$$;

COMMENT ON FUNCTION ops.personal_data_needles(uuid, text, text, boolean) IS
    'LIKE patterns (lower case) of the user''s id, id without hyphens, email and the longest word of their full name, in text or JSON form: lower(x) LIKE ANY (them) is a cheap necessary condition of a match of ops.personal_data_patterns.';

REVOKE EXECUTE ON FUNCTION ops.personal_data_needles(uuid, text, text, boolean) FROM PUBLIC;
