-- util.has_visible_text(text): true when the text holds at least one character a person can see.
-- [[:space:]] knows only ASCII-like blanks in the C locale: content made of no-break spaces
-- (U+00A0), zero-width spaces and joiners (U+200B-U+200D), the BOM (U+FEFF) or other Unicode
-- blanks and format characters passed `content ~ '[^[:space:]]'` and stored a message nobody
-- could read. An SQL expression without a SET clause, so CHECK constraints inline it.
CREATE OR REPLACE FUNCTION util.has_visible_text(p_text text)
RETURNS boolean
LANGUAGE sql
IMMUTABLE
STRICT
PARALLEL SAFE
AS $$
    SELECT p_text OPERATOR(pg_catalog.~) '[^[:space:]\u0085\u00a0\u00ad\u034f\u115f\u1160\u1680\u180e\u2000-\u200f\u2028-\u202f\u205f-\u2064\u206a-\u206f\u3000\u3164\ufeff\uffa0]'
$$;

COMMENT ON FUNCTION util.has_visible_text(text) IS
    'True when p_text has a visible character: not only ASCII or Unicode spaces, zero-width and format characters (U+00A0, U+200B-U+200F, U+2028-U+202F, U+3000, U+FEFF, ...). Used by the CHECK constraints of user-written text.';

-- CHECK constraints run with the writing role's rights
GRANT EXECUTE ON FUNCTION util.has_visible_text(text) TO PUBLIC;
