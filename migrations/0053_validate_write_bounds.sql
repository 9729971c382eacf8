-- Validate the constraints 0052 added NOT VALID: existing rows are checked now.
-- depends: 0052_bound_what_applications_write
--
-- VALIDATE CONSTRAINT takes SHARE UPDATE EXCLUSIVE: reads and writes go on while each table is
-- scanned (partitions of core.messages one by one). A row that breaks a limit fails the
-- migration naming the constraint (23514); fix or delete the row, then apply again.

ALTER TABLE core.users VALIDATE CONSTRAINT users_name_visible_check;
ALTER TABLE core.users VALIDATE CONSTRAINT users_speaker_embedding_id_length_check;
ALTER TABLE core.users VALIDATE CONSTRAINT users_preferences_size_check;
ALTER TABLE core.users VALIDATE CONSTRAINT users_metadata_size_check;
ALTER TABLE core.credentials VALIDATE CONSTRAINT credentials_title_visible_check;
ALTER TABLE core.credentials VALIDATE CONSTRAINT credentials_number_length_check;
ALTER TABLE core.credentials VALIDATE CONSTRAINT credentials_valid_from_range_check;
ALTER TABLE core.credentials VALIDATE CONSTRAINT credentials_valid_until_range_check;
ALTER TABLE core.credentials VALIDATE CONSTRAINT credentials_metadata_size_check;
ALTER TABLE core.conversations VALIDATE CONSTRAINT conversations_name_visible_check;
ALTER TABLE core.conversations VALIDATE CONSTRAINT conversations_summary_length_check;
ALTER TABLE core.conversations VALIDATE CONSTRAINT conversations_agents_length_check;
ALTER TABLE core.conversations VALIDATE CONSTRAINT conversations_started_at_range_check;
ALTER TABLE core.conversations VALIDATE CONSTRAINT conversations_ended_at_range_check;
ALTER TABLE core.conversations VALIDATE CONSTRAINT conversations_metadata_size_check;
ALTER TABLE core.messages VALIDATE CONSTRAINT messages_content_visible_check;
ALTER TABLE core.messages VALIDATE CONSTRAINT messages_parts_size_check;
ALTER TABLE core.messages VALIDATE CONSTRAINT messages_rag_context_size_check;
ALTER TABLE core.messages VALIDATE CONSTRAINT messages_metadata_size_check;
ALTER TABLE core.tasks VALIDATE CONSTRAINT tasks_description_visible_check;
ALTER TABLE core.tasks VALIDATE CONSTRAINT tasks_result_size_check;
ALTER TABLE core.tasks VALIDATE CONSTRAINT tasks_metadata_size_check;
ALTER TABLE core.events VALIDATE CONSTRAINT events_occurred_at_range_check;
ALTER TABLE core.events VALIDATE CONSTRAINT events_content_size_check;
ALTER TABLE core.actions VALIDATE CONSTRAINT actions_parameters_size_check;
ALTER TABLE core.actions VALIDATE CONSTRAINT actions_result_size_check;
ALTER TABLE core.actions VALIDATE CONSTRAINT actions_error_message_length_check;
ALTER TABLE core.actions VALIDATE CONSTRAINT actions_executed_at_range_check;
ALTER TABLE core.reminders VALIDATE CONSTRAINT reminders_title_visible_check;
ALTER TABLE core.reminders VALIDATE CONSTRAINT reminders_scheduled_at_range_check;
ALTER TABLE core.reminders VALIDATE CONSTRAINT reminders_triggered_at_range_check;
ALTER TABLE core.reminders VALIDATE CONSTRAINT reminders_metadata_size_check;
ALTER TABLE core.memories VALIDATE CONSTRAINT memories_content_visible_check;
ALTER TABLE core.memories VALIDATE CONSTRAINT memories_expires_at_range_check;
ALTER TABLE core.memories VALIDATE CONSTRAINT memories_metadata_size_check;
ALTER TABLE ops.dashboards VALIDATE CONSTRAINT dashboards_description_length_check;
ALTER TABLE ops.dashboards VALIDATE CONSTRAINT dashboards_widgets_size_check;
