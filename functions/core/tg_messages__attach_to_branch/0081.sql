-- core.tg_messages__attach_to_branch(): BEFORE INSERT, FOR EACH ROW on core.messages.
-- Linear conversation (current_leaf_id NULL) and no parent given: nothing to do (one read of the
-- conversation row by its primary key, no lock). A branched conversation: its row is locked
-- (FOR NO KEY UPDATE) so that two writers cannot both follow the same leaf and fork by accident;
-- a message without a parent follows the current leaf; a given parent must be a message of the
-- conversation (primary-key probe; 23503 otherwise); the new message becomes the current leaf.
-- Summaries never become the leaf. The lifecycle functions set assistant_db.branch_insert to
-- 'explicit' when they mean the parent they give, a NULL one included (an edited first message).
-- 'linear' (set by the importer when none of its conversations is branched) skips the trigger: a
-- 100,000-row import does not read the conversation row once per message. A session that sets it
-- itself only writes messages without a parent in its own conversations (roots of their own).
-- SECURITY DEFINER: the leaf columns are not writable by the app roles.
CREATE OR REPLACE FUNCTION core.tg_messages__attach_to_branch()
RETURNS trigger
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_leaf_id uuid;
    v_leaf_at timestamptz;
    v_explicit boolean := coalesce(current_setting('assistant_db.branch_insert', true), '') = 'explicit';
BEGIN
    IF current_setting('assistant_db.branch_insert', true) = 'linear' AND NEW.parent_id IS NULL AND NEW.kind = 'message' THEN
        RETURN NEW;
    END IF;
    SELECT c.current_leaf_id, c.current_leaf_created_at INTO v_leaf_id, v_leaf_at
      FROM core.conversations AS c
     WHERE c.user_id = NEW.user_id AND c.id = NEW.conversation_id;
    IF v_leaf_id IS NULL AND NEW.parent_id IS NULL AND NEW.kind = 'message' THEN
        RETURN NEW;  -- linear conversation: as before 0081
    END IF;
    IF v_leaf_id IS NULL THEN
        -- a parent given in a linear conversation: it becomes a tree first
        SELECT b.leaf_id, b.leaf_created_at INTO v_leaf_id, v_leaf_at
          FROM core.enter_branch_mode(NEW.user_id, NEW.conversation_id) AS b;
    ELSE
        PERFORM FROM core.conversations AS c
         WHERE c.user_id = NEW.user_id AND c.id = NEW.conversation_id
           FOR NO KEY UPDATE;
        SELECT c.current_leaf_id, c.current_leaf_created_at INTO v_leaf_id, v_leaf_at
          FROM core.conversations AS c
         WHERE c.user_id = NEW.user_id AND c.id = NEW.conversation_id;
    END IF;
    IF NEW.parent_id IS NULL AND NOT v_explicit THEN
        NEW.parent_id := v_leaf_id;
        NEW.parent_created_at := v_leaf_at;
    END IF;
    IF NEW.parent_id IS NOT NULL THEN
        PERFORM FROM core.messages AS p
         WHERE p.user_id = NEW.user_id AND p.conversation_id = NEW.conversation_id
           AND p.created_at = NEW.parent_created_at AND p.id = NEW.parent_id AND p.kind = 'message';
        IF NOT FOUND THEN
            RAISE EXCEPTION 'parent message % (created_at %) is not a message of conversation %',
                            NEW.parent_id, coalesce(NEW.parent_created_at::text, 'NULL'), NEW.conversation_id
                USING ERRCODE = '23503', TABLE = 'messages', SCHEMA = 'core', COLUMN = 'parent_id',
                      HINT = 'Give the id and created_at of a message of the same conversation (api.conversation_history returns both), or no parent to follow the current leaf.';
        END IF;
    END IF;
    IF NEW.kind = 'message' THEN
        UPDATE core.conversations AS c
           SET current_leaf_id = NEW.id, current_leaf_created_at = NEW.created_at
         WHERE c.user_id = NEW.user_id AND c.id = NEW.conversation_id;
    END IF;
    RETURN NEW;
END;
$$;
COMMENT ON FUNCTION core.tg_messages__attach_to_branch() IS
    'BEFORE INSERT on core.messages: in a branched conversation a message follows the current leaf (or the parent given, checked: 23503) and becomes the leaf; linear conversations are untouched.';
REVOKE EXECUTE ON FUNCTION core.tg_messages__attach_to_branch() FROM PUBLIC;
