DROP TRIGGER conversations_audit_update ON core.conversations;
CREATE TRIGGER conversations_audit_update
    AFTER UPDATE ON core.conversations
    FOR EACH ROW
    WHEN ((OLD.user_id, OLD.id, OLD.name, OLD.is_active, OLD.started_at, OLD.ended_at, OLD.satisfaction_score,
           OLD.agents, OLD.summary, OLD.metadata, OLD.created_at)
          IS DISTINCT FROM
          (NEW.user_id, NEW.id, NEW.name, NEW.is_active, NEW.started_at, NEW.ended_at, NEW.satisfaction_score,
           NEW.agents, NEW.summary, NEW.metadata, NEW.created_at))
    EXECUTE FUNCTION ops.tg__audit('core', 'conversations', '{user_id,id}', '{summary}',
                                   '{message_count,first_message_at,last_message_at,updated_at}');

DROP TRIGGER conversations_audit ON core.conversations;
CREATE TRIGGER conversations_audit
    AFTER INSERT OR DELETE ON core.conversations
    FOR EACH ROW EXECUTE FUNCTION ops.tg__audit('core', 'conversations', '{user_id,id}', '{summary}',
                                                '{message_count,first_message_at,last_message_at,updated_at}');
