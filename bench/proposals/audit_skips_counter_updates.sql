-- Proposal (operations, 0019's triggers; and core for users_set_updated_at): the row triggers on
-- core.conversations and core.users no longer run for the counter updates every message makes.
-- Measured with: bench/bench.py --apply bench/proposals/audit_skips_counter_updates.sql
--
-- Why: each message INSERT updates its conversation (message_count, first/last_message_at,
-- agents, updated_at) and its user (last_interaction_at) from the statement trigger. Those
-- UPDATEs fire conversations_audit, users_audit (PL/pgSQL, which then finds only ignored columns
-- changed and records nothing) and users_set_updated_at: about 130 us of backend CPU of the
-- 600 us a single-message INSERT costs (22%, measured by disabling them). A WHEN condition is
-- evaluated by the executor without calling the function: the audit runs only when an audited
-- column changed, exactly the rows it records today. WHEN cannot read OLD on INSERT or DELETE,
-- so UPDATE gets a trigger of its own, with the same function and arguments. The cost: a column
-- added to either table must be added to its WHEN list too (a catalog test can check that the
-- list is every column but the ignored and generated ones).
DROP TRIGGER conversations_audit ON core.conversations;
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

DROP TRIGGER users_audit ON core.users;
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

-- core: as conversations_set_updated_at already does since 0008, updated_at follows what people
-- change, not the time of the last message (which last_interaction_at records)
DROP TRIGGER users_set_updated_at ON core.users;
CREATE TRIGGER users_set_updated_at
    BEFORE UPDATE OF name, email, roles, preferences, voice_enrolled, speaker_embedding_id, is_active, metadata
    ON core.users
    FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*)
    EXECUTE FUNCTION util.tg__set_updated_at();
