-- ops.pseudonymise_text(text, patterns, pseudonym): the text with a user's id replaced by the
-- pseudonym and the email and full name by '[erased]' (patterns from ops.personal_data_patterns).
-- Works on the text form of any column (text, varchar, arrays, JSON): the replacements contain no
-- character that needs quoting in JSON or in an array literal, so the text casts back.
CREATE OR REPLACE FUNCTION ops.pseudonymise_text(p_value text, p_patterns text[], p_pseudonym uuid)
RETURNS text
LANGUAGE sql
IMMUTABLE
PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT regexp_replace(regexp_replace(regexp_replace(p_value,
               coalesce(p_patterns[1], '(?!)'), p_pseudonym::text, 'gi'),
               coalesce(p_patterns[2], '(?!)'), '[erased]', 'gi'),
               coalesce(p_patterns[3], '(?!)'), '[erased]', 'gi')
$$;

COMMENT ON FUNCTION ops.pseudonymise_text(text, text[], uuid) IS
    'p_value with the user id replaced by p_pseudonym and the email and full name by [erased], by the patterns of ops.personal_data_patterns.';

REVOKE EXECUTE ON FUNCTION ops.pseudonymise_text(text, text[], uuid) FROM PUBLIC;
