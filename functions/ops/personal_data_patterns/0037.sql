-- ops.personal_data_patterns(user id, email, name, json): the regular expressions (case-insensitive,
-- for ~* and regexp_replace(..., 'gi')) that find a user's id, email and full name in text, as
-- {id, email, name} (an element is NULL when there is nothing to look for). p_json: the forms they
-- take inside JSON text (a quote or backslash is escaped there).
--   id     the canonical form and the 32 hex digits without hyphens;
--   email  not inside a longer address (joana@x.com does not hold ana@x.com; x.com.br is another);
--   name   as whole words, any run of spaces between them, and only a full name (two words or
--          more, five characters or more): a single word such as "Ana" would also erase every
--          other "Ana" of the database.
CREATE OR REPLACE FUNCTION ops.personal_data_patterns(p_user_id uuid, p_email text, p_name text, p_json boolean)
RETURNS text[]
LANGUAGE sql
IMMUTABLE
PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
    WITH literal AS (
        -- the text as it appears in JSON (without the quotes), then every regex metacharacter escaped
        SELECT s.part, s.ord,
               regexp_replace(CASE WHEN p_json THEN substr(to_json(s.value)::text, 2, length(to_json(s.value)::text) - 2)
                                   ELSE s.value END,
                              '([.\[\](){}*+?^$|\\])', '\\\1', 'g') AS re
          FROM (SELECT 'email' AS part, 0::bigint AS ord, nullif(btrim(p_email), '') AS value
                UNION ALL
                SELECT 'word', w.ord, w.value
                  FROM regexp_split_to_table(btrim(p_name), '\s+') WITH ORDINALITY AS w (value, ord)
                 WHERE array_length(regexp_split_to_array(btrim(p_name), '\s+'), 1) >= 2 AND length(btrim(p_name)) >= 5) AS s
         WHERE s.value IS NOT NULL AND s.value <> ''
    )
    SELECT ARRAY[
        CASE WHEN p_user_id IS NOT NULL
             THEN p_user_id::text || '|' || replace(p_user_id::text, '-', '') END,
        (SELECT '(?<![[:alnum:]._%+-])' || re || '(?![[:alnum:]_-]|\.[[:alnum:]])' FROM literal WHERE part = 'email'),
        (SELECT '(?<![[:alnum:]_])' || string_agg(re, '\s+' ORDER BY ord) || '(?![[:alnum:]_])'
           FROM literal WHERE part = 'word')]
$$;

COMMENT ON FUNCTION ops.personal_data_patterns(uuid, text, text, boolean) IS
    'Case-insensitive regular expressions {id, email, name} that find a user''s id (with or without hyphens), email (not inside a longer address) and full name (whole words; only names of two words or more) in text, or in JSON text when p_json. NULL elements when there is nothing to look for.';

REVOKE EXECUTE ON FUNCTION ops.personal_data_patterns(uuid, text, text, boolean) FROM PUBLIC;
