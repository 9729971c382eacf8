-- Undo 0052_bound_what_applications_write in reverse order; the runner restores the previous
-- messages trigger function.
DROP TRIGGER messages_refuse_oversized_content ON core.messages;
ALTER TABLE ops.dashboards DROP CONSTRAINT dashboards_widgets_size_check;
ALTER TABLE ops.dashboards DROP CONSTRAINT dashboards_description_length_check;
ALTER TABLE core.memories DROP CONSTRAINT memories_metadata_size_check;
ALTER TABLE core.memories DROP CONSTRAINT memories_expires_at_range_check;
ALTER TABLE core.memories DROP CONSTRAINT memories_content_visible_check;
ALTER TABLE core.reminders DROP CONSTRAINT reminders_metadata_size_check;
ALTER TABLE core.reminders DROP CONSTRAINT reminders_triggered_at_range_check;
ALTER TABLE core.reminders DROP CONSTRAINT reminders_scheduled_at_range_check;
ALTER TABLE core.reminders DROP CONSTRAINT reminders_title_visible_check;
ALTER TABLE core.actions DROP CONSTRAINT actions_executed_at_range_check;
ALTER TABLE core.actions DROP CONSTRAINT actions_error_message_length_check;
ALTER TABLE core.actions DROP CONSTRAINT actions_result_size_check;
ALTER TABLE core.actions DROP CONSTRAINT actions_parameters_size_check;
ALTER TABLE core.events DROP CONSTRAINT events_content_size_check;
ALTER TABLE core.events DROP CONSTRAINT events_occurred_at_range_check;
ALTER TABLE core.tasks DROP CONSTRAINT tasks_metadata_size_check;
ALTER TABLE core.tasks DROP CONSTRAINT tasks_result_size_check;
ALTER TABLE core.tasks DROP CONSTRAINT tasks_description_visible_check;
ALTER TABLE core.messages DROP CONSTRAINT messages_metadata_size_check;
ALTER TABLE core.messages DROP CONSTRAINT messages_rag_context_size_check;
ALTER TABLE core.messages DROP CONSTRAINT messages_parts_size_check;
ALTER TABLE core.messages DROP CONSTRAINT messages_content_visible_check;
ALTER TABLE core.conversations DROP CONSTRAINT conversations_metadata_size_check;
ALTER TABLE core.conversations DROP CONSTRAINT conversations_ended_at_range_check;
ALTER TABLE core.conversations DROP CONSTRAINT conversations_started_at_range_check;
ALTER TABLE core.conversations DROP CONSTRAINT conversations_agents_length_check;
ALTER TABLE core.conversations DROP CONSTRAINT conversations_summary_length_check;
ALTER TABLE core.conversations DROP CONSTRAINT conversations_name_visible_check;
ALTER TABLE core.credentials DROP CONSTRAINT credentials_metadata_size_check;
ALTER TABLE core.credentials DROP CONSTRAINT credentials_valid_until_range_check;
ALTER TABLE core.credentials DROP CONSTRAINT credentials_valid_from_range_check;
ALTER TABLE core.credentials DROP CONSTRAINT credentials_number_length_check;
ALTER TABLE core.credentials DROP CONSTRAINT credentials_title_visible_check;
ALTER TABLE core.users DROP CONSTRAINT users_metadata_size_check;
ALTER TABLE core.users DROP CONSTRAINT users_preferences_size_check;
ALTER TABLE core.users DROP CONSTRAINT users_speaker_embedding_id_length_check;
ALTER TABLE core.users DROP CONSTRAINT users_name_visible_check;

-- the functions loaded before the migration's statements
DROP FUNCTION core.tg_messages__refuse_oversized_content();
DROP FUNCTION util.has_visible_text(text);
