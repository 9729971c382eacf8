-- core.require_own_conversation(user, conversation, function, argument): the write API's check
-- that a conversation id names one of the acting user's conversations, so that another user's id
-- (or a made-up one) gets P0002 naming the argument instead of a foreign-key error on a table the
-- application cannot see. One routed lookup by (user_id, id): on Citus it goes to the user's shard.
-- The composite foreign keys stay the guarantee (a conversation deleted after this check still
-- refuses the write).
CREATE OR REPLACE FUNCTION core.require_own_conversation(p_user_id uuid, p_conversation_id uuid, p_function text,
                                                         p_argument text)
RETURNS void
LANGUAGE plpgsql
STABLE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF p_conversation_id IS NULL THEN
        RAISE EXCEPTION '%: % must not be NULL', p_function, p_argument
            USING ERRCODE = '22004', HINT = 'Pass the id of one of the user''s conversations (api.conversations).';
    END IF;
    PERFORM FROM core.conversations AS c WHERE c.user_id = p_user_id AND c.id = p_conversation_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION '%: conversation % (%) is not one of user %''s conversations', p_function, p_conversation_id,
                        p_argument, p_user_id
            USING ERRCODE = 'P0002',
                  HINT = 'Pass the id of a conversation of the user named by api.act_as (api.conversations); api.start_conversation creates one.';
    END IF;
END;
$$;

COMMENT ON FUNCTION core.require_own_conversation(uuid, uuid, text, text) IS
    'The write API''s check that a conversation belongs to the acting user: P0002 naming the function and argument otherwise (22004 for NULL).';

REVOKE EXECUTE ON FUNCTION core.require_own_conversation(uuid, uuid, text, text) FROM PUBLIC;
