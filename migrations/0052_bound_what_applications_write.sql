-- Bound every text, JSON and timestamp an application writes, and refuse text nobody can see:
-- CHECK constraints added NOT VALID (existing rows are not read; 0053 validates them without
-- blocking writes), message content over 100,000 characters refused before its search vector is
-- made, and the time an application may date a message bounded (the messages trigger).
-- depends: 0051_leave_a_locked_table_to_the_next_run
-- functions: util.has_visible_text core.tg_messages__refuse_oversized_content
-- functions-after: core.tg_messages__maintain_conversation
--
-- Limits (also in the README): JSON metadata and preferences 64 KiB, message parts and retrieved
-- context, task and action results, event content 1 MiB, action parameters 64 KiB, dashboard
-- widgets 256 KiB (sizes of the JSON text); a summary 20,000 characters, an error message 10,000,
-- a credential number 100, a speaker embedding id 200, a dashboard description 2,000, 100 agents
-- a conversation; user-written text must hold a visible character (util.has_visible_text: not
-- only Unicode blanks or zero-width characters); timestamps between 1970 and 2200 (dates of
-- credentials from 1900). Message created_at: see core.tg_messages__maintain_conversation (0052).
-- Locks: ADD CONSTRAINT ... NOT VALID takes ACCESS EXCLUSIVE on each table for a moment (no scan);
-- under the runner's lock_timeout with retries.

ALTER TABLE core.users ADD CONSTRAINT users_name_visible_check CHECK (util.has_visible_text(name)) NOT VALID;
ALTER TABLE core.users ADD CONSTRAINT users_speaker_embedding_id_length_check CHECK (length(speaker_embedding_id) <= 200) NOT VALID;
ALTER TABLE core.users ADD CONSTRAINT users_preferences_size_check CHECK (octet_length(preferences::text) <= 65536) NOT VALID;
ALTER TABLE core.users ADD CONSTRAINT users_metadata_size_check CHECK (octet_length(metadata::text) <= 65536) NOT VALID;
ALTER TABLE core.credentials ADD CONSTRAINT credentials_title_visible_check CHECK (util.has_visible_text(title)) NOT VALID;
ALTER TABLE core.credentials ADD CONSTRAINT credentials_number_length_check CHECK (length(number) <= 100) NOT VALID;
ALTER TABLE core.credentials ADD CONSTRAINT credentials_valid_from_range_check CHECK (valid_from BETWEEN '1900-01-01' AND '2200-01-01') NOT VALID;
ALTER TABLE core.credentials ADD CONSTRAINT credentials_valid_until_range_check CHECK (valid_until BETWEEN '1900-01-01' AND '2200-01-01') NOT VALID;
ALTER TABLE core.credentials ADD CONSTRAINT credentials_metadata_size_check CHECK (octet_length(metadata::text) <= 65536) NOT VALID;
ALTER TABLE core.conversations ADD CONSTRAINT conversations_name_visible_check CHECK (util.has_visible_text(name)) NOT VALID;
ALTER TABLE core.conversations ADD CONSTRAINT conversations_summary_length_check CHECK (length(summary) <= 20000) NOT VALID;
ALTER TABLE core.conversations ADD CONSTRAINT conversations_agents_length_check CHECK (cardinality(agents) <= 100) NOT VALID;
ALTER TABLE core.conversations ADD CONSTRAINT conversations_started_at_range_check CHECK (started_at BETWEEN '1970-01-01 00:00+00' AND '2200-01-01 00:00+00') NOT VALID;
ALTER TABLE core.conversations ADD CONSTRAINT conversations_ended_at_range_check CHECK (ended_at BETWEEN '1970-01-01 00:00+00' AND '2200-01-01 00:00+00') NOT VALID;
ALTER TABLE core.conversations ADD CONSTRAINT conversations_metadata_size_check CHECK (octet_length(metadata::text) <= 65536) NOT VALID;
ALTER TABLE core.messages ADD CONSTRAINT messages_content_visible_check CHECK (util.has_visible_text(content)) NOT VALID;
ALTER TABLE core.messages ADD CONSTRAINT messages_parts_size_check CHECK (octet_length(parts::text) <= 1048576) NOT VALID;
ALTER TABLE core.messages ADD CONSTRAINT messages_rag_context_size_check CHECK (octet_length(rag_context::text) <= 1048576) NOT VALID;
ALTER TABLE core.messages ADD CONSTRAINT messages_metadata_size_check CHECK (octet_length(metadata::text) <= 65536) NOT VALID;
ALTER TABLE core.tasks ADD CONSTRAINT tasks_description_visible_check CHECK (util.has_visible_text(description)) NOT VALID;
ALTER TABLE core.tasks ADD CONSTRAINT tasks_result_size_check CHECK (octet_length(result::text) <= 1048576) NOT VALID;
ALTER TABLE core.tasks ADD CONSTRAINT tasks_metadata_size_check CHECK (octet_length(metadata::text) <= 65536) NOT VALID;
ALTER TABLE core.events ADD CONSTRAINT events_occurred_at_range_check CHECK (occurred_at BETWEEN '1970-01-01 00:00+00' AND '2200-01-01 00:00+00') NOT VALID;
ALTER TABLE core.events ADD CONSTRAINT events_content_size_check CHECK (octet_length(content::text) <= 1048576) NOT VALID;
ALTER TABLE core.actions ADD CONSTRAINT actions_parameters_size_check CHECK (octet_length(parameters::text) <= 65536) NOT VALID;
ALTER TABLE core.actions ADD CONSTRAINT actions_result_size_check CHECK (octet_length(result::text) <= 1048576) NOT VALID;
ALTER TABLE core.actions ADD CONSTRAINT actions_error_message_length_check CHECK (length(error_message) <= 10000) NOT VALID;
ALTER TABLE core.actions ADD CONSTRAINT actions_executed_at_range_check CHECK (executed_at BETWEEN '1970-01-01 00:00+00' AND '2200-01-01 00:00+00') NOT VALID;
ALTER TABLE core.reminders ADD CONSTRAINT reminders_title_visible_check CHECK (util.has_visible_text(title)) NOT VALID;
ALTER TABLE core.reminders ADD CONSTRAINT reminders_scheduled_at_range_check CHECK (scheduled_at BETWEEN '1970-01-01 00:00+00' AND '2200-01-01 00:00+00') NOT VALID;
ALTER TABLE core.reminders ADD CONSTRAINT reminders_triggered_at_range_check CHECK (triggered_at BETWEEN '1970-01-01 00:00+00' AND '2200-01-01 00:00+00') NOT VALID;
ALTER TABLE core.reminders ADD CONSTRAINT reminders_metadata_size_check CHECK (octet_length(metadata::text) <= 65536) NOT VALID;
ALTER TABLE core.memories ADD CONSTRAINT memories_content_visible_check CHECK (util.has_visible_text(content)) NOT VALID;
ALTER TABLE core.memories ADD CONSTRAINT memories_expires_at_range_check CHECK (expires_at BETWEEN '1970-01-01 00:00+00' AND '2200-01-01 00:00+00') NOT VALID;
ALTER TABLE core.memories ADD CONSTRAINT memories_metadata_size_check CHECK (octet_length(metadata::text) <= 65536) NOT VALID;
ALTER TABLE ops.dashboards ADD CONSTRAINT dashboards_description_length_check CHECK (length(description) <= 2000) NOT VALID;
ALTER TABLE ops.dashboards ADD CONSTRAINT dashboards_widgets_size_check CHECK (octet_length(widgets::text) <= 262144) NOT VALID;

CREATE TRIGGER messages_refuse_oversized_content
    BEFORE INSERT OR UPDATE OF content ON core.messages
    FOR EACH ROW WHEN (octet_length(NEW.content) > 100000)
    EXECUTE FUNCTION core.tg_messages__refuse_oversized_content();
COMMENT ON TRIGGER messages_refuse_oversized_content ON core.messages IS
    'Refuses content over 100,000 characters with 23514 before the stored search_vector is computed (which would fail with 54000).';
