-- Audit the conversational core: every change to users, credentials, conversations, memories
-- and messages is recorded in ops.audit_log (LGPD), with personal content masked.
-- depends: 0018_create_dashboards_and_activity_views
--
-- Runs in one transaction as assistant_owner.
-- Partner: 0019_audit_core_tables.rollback.sql undoes each statement here, in reverse order.
--
-- ops.tg__audit arguments: schema, table, key columns, masked columns, ignored columns.
-- Masked: what a person said or what the assistant remembers (content and what is derived from
--   it): the audit log is append-only and outlives an erasure, so it records that a message or
--   memory changed, when, by whom, never its text.
-- Ignored (left out of UPDATE diffs; an UPDATE of only these is not recorded): counters and
--   access tracking the core's own triggers and functions maintain on every message or recall.
-- Messages: UPDATE and DELETE only. A message row is itself the record of its creation (who,
--   when, which conversation); auditing each INSERT would double the write volume of the busiest
--   table to record nothing the row does not already say.

-- Every message moves its user's last_interaction_at and its conversation's counters: an UPDATE of
-- ignored columns only. A WHEN condition is evaluated by the executor without calling the PL/pgSQL
-- function, so those UPDATEs cost no audit call (measured by the benchmark: ~22% of a single-message
-- INSERT). WHEN cannot read OLD on INSERT or DELETE, hence one trigger for those and one for UPDATE.
-- Each WHEN list is every column but the ignored and generated ones; tests/ops/test_audit_when.py
-- fails when a column is added to the table and not here.
CREATE TRIGGER users_audit
    AFTER INSERT OR DELETE ON core.users
    FOR EACH ROW EXECUTE FUNCTION ops.tg__audit('core', 'users', '{id}', '{}', '{last_interaction_at,updated_at}');

CREATE TRIGGER users_audit_update
    AFTER UPDATE ON core.users
    FOR EACH ROW
    WHEN ((OLD.id, OLD.name, OLD.email, OLD.roles, OLD.preferences, OLD.voice_enrolled, OLD.speaker_embedding_id,
           OLD.is_active, OLD.created_at, OLD.metadata)
          IS DISTINCT FROM
          (NEW.id, NEW.name, NEW.email, NEW.roles, NEW.preferences, NEW.voice_enrolled, NEW.speaker_embedding_id,
           NEW.is_active, NEW.created_at, NEW.metadata))
    EXECUTE FUNCTION ops.tg__audit('core', 'users', '{id}', '{}', '{last_interaction_at,updated_at}');

CREATE TRIGGER credentials_audit
    AFTER INSERT OR UPDATE OR DELETE ON core.credentials
    FOR EACH ROW EXECUTE FUNCTION ops.tg__audit('core', 'credentials', '{user_id,id}', '{}', '{updated_at}');

CREATE TRIGGER conversations_audit
    AFTER INSERT OR DELETE ON core.conversations
    FOR EACH ROW EXECUTE FUNCTION ops.tg__audit('core', 'conversations', '{user_id,id}', '{summary}',
                                                '{message_count,first_message_at,last_message_at,updated_at}');

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

CREATE TRIGGER memories_audit
    AFTER INSERT OR UPDATE OR DELETE ON core.memories
    FOR EACH ROW EXECUTE FUNCTION ops.tg__audit('core', 'memories', '{user_id,id}', '{content,search_vector}',
                                                '{access_count,last_accessed_at,updated_at}');

CREATE TRIGGER messages_audit
    AFTER UPDATE OR DELETE ON core.messages
    FOR EACH ROW EXECUTE FUNCTION ops.tg__audit('core', 'messages', '{user_id,conversation_id,created_at,id}',
                                                '{content,parts,rag_context,search_vector}', '{}');
