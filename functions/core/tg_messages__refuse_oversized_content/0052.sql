-- core.tg_messages__refuse_oversized_content(): BEFORE INSERT OR UPDATE OF content on
-- core.messages, WHEN the content has more than 100,000 bytes. PostgreSQL computes the stored
-- search_vector before it checks constraints, so a megabyte of distinct words failed with
-- 54000 "string is too long for tsvector" instead of the documented 23514 of
-- messages_content_check; this says what is wrong before the vector is made. The WHEN condition
-- (octet_length, the stored size) costs a normal message nothing: the function runs only for
-- the big ones, and lets through those whose characters are still within the limit.
CREATE OR REPLACE FUNCTION core.tg_messages__refuse_oversized_content()
RETURNS trigger
LANGUAGE plpgsql
VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF length(NEW.content) > 100000 THEN
        RAISE EXCEPTION 'core.messages.content has % characters; a message holds at most 100,000', length(NEW.content)
            USING ERRCODE = '23514', CONSTRAINT = 'messages_content_check', COLUMN = 'content', TABLE = 'messages',
                  SCHEMA = 'core',
                  HINT = 'Split the text into several messages, or keep the document elsewhere and store a reference in parts or metadata.';
    END IF;
    RETURN NEW;
END;
$$;

COMMENT ON FUNCTION core.tg_messages__refuse_oversized_content() IS
    'Refuses message content over 100,000 characters with 23514 (messages_content_check) before the stored search_vector is computed (which would fail with 54000 for about 1 MB of distinct words).';

REVOKE EXECUTE ON FUNCTION core.tg_messages__refuse_oversized_content() FROM PUBLIC;
