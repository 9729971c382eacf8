-- The conversations' audit triggers know 0081's columns: a change of a conversation's retention
-- (keep_latest_messages, keep_days) is audited, a move of its current leaf (with every message of
-- a branched conversation, like the counters) is not.
-- depends: 0085_let_the_dba_end_stuck_sessions
-- Locks: DROP TRIGGER takes ACCESS EXCLUSIVE on core.conversations for a moment (no scan).

DROP TRIGGER conversations_audit ON core.conversations;
CREATE TRIGGER conversations_audit
    AFTER INSERT OR DELETE ON core.conversations
    FOR EACH ROW EXECUTE FUNCTION ops.tg__audit('core', 'conversations', '{user_id,id}', '{summary}',
                                                '{message_count,first_message_at,last_message_at,updated_at,current_leaf_id,current_leaf_created_at}');

DROP TRIGGER conversations_audit_update ON core.conversations;
CREATE TRIGGER conversations_audit_update
    AFTER UPDATE ON core.conversations
    FOR EACH ROW
    WHEN ((OLD.user_id, OLD.id, OLD.name, OLD.is_active, OLD.started_at, OLD.ended_at, OLD.satisfaction_score,
           OLD.agents, OLD.summary, OLD.metadata, OLD.created_at, OLD.keep_latest_messages, OLD.keep_days)
          IS DISTINCT FROM
          (NEW.user_id, NEW.id, NEW.name, NEW.is_active, NEW.started_at, NEW.ended_at, NEW.satisfaction_score,
           NEW.agents, NEW.summary, NEW.metadata, NEW.created_at, NEW.keep_latest_messages, NEW.keep_days))
    EXECUTE FUNCTION ops.tg__audit('core', 'conversations', '{user_id,id}', '{summary}',
                                   '{message_count,first_message_at,last_message_at,updated_at,current_leaf_id,current_leaf_created_at}');
