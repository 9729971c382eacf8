-- Create the api schema's views and functions: the only interface applications use.
-- depends: 0005_create_agent_work 0006_create_memory
-- functions: raise_unless to_prefix_tsquery
-- functions-after: conversation_history search_messages recall_memories claim_due_reminders
--
-- Views are security_invoker: a query through them runs with the caller's privileges, so the
-- row-level security of the core tables applies (the app sees its user's rows only). Each view
-- reads one table without joins or aggregates, so it is automatically updatable: apps write
-- through api.<table> (INSERT/UPDATE/DELETE), and the column privileges granted on the core
-- tables decide which columns they may set (not the counters, keys or access tracking).
-- The filtered views (open_tasks, pending_actions, due_reminders, ...) are read-only.
-- The app role has USAGE on api only: it cannot name schema core. The functions are SQL-standard
-- bodies (BEGIN ATOMIC), bound to core's objects when created and run as the caller.

CREATE VIEW api.users WITH (security_invoker = true) AS
SELECT u.id, u.name, u.email, u.roles, u.preferences, u.voice_enrolled, u.speaker_embedding_id,
       u.is_active, u.last_interaction_at, u.created_at, u.updated_at, u.metadata
  FROM core.users AS u;

CREATE VIEW api.credentials WITH (security_invoker = true) AS
SELECT c.user_id, c.id, c.kind, c.title, c.number, c.issuer, c.valid_from, c.valid_until,
       c.created_at, c.updated_at, c.metadata
  FROM core.credentials AS c;

CREATE VIEW api.conversations WITH (security_invoker = true) AS
SELECT c.user_id, c.id, c.name, c.is_active, c.started_at, c.ended_at, c.duration, c.message_count,
       c.last_message_at, coalesce(c.last_message_at, c.started_at) AS last_activity_at,
       c.satisfaction_score, c.agents, c.summary, c.metadata, c.created_at, c.updated_at
  FROM core.conversations AS c;

CREATE VIEW api.messages WITH (security_invoker = true) AS
SELECT m.user_id, m.conversation_id, m.created_at, m.id, m.role, m.content, m.parts, m.latency_ms,
       m.intent, m.confidence, m.rag_context, m.audio_duration_ms, m.transcription_model, m.agent,
       m.metadata
  FROM core.messages AS m;

CREATE VIEW api.tasks WITH (security_invoker = true) AS
SELECT t.user_id, t.id, t.conversation_id, t.agent, t.description, t.status, t.result, t.metadata,
       t.created_at, t.updated_at
  FROM core.tasks AS t;

CREATE VIEW api.open_tasks WITH (security_invoker = true) AS
SELECT t.user_id, t.id, t.conversation_id, t.agent, t.description, t.status, t.result, t.metadata,
       t.created_at, t.updated_at
  FROM core.tasks AS t
 WHERE t.status IN ('pending', 'in_progress');

CREATE VIEW api.events WITH (security_invoker = true) AS
SELECT e.user_id, e.id, e.conversation_id, e.task_id, e.actor, e.type, e.content, e.occurred_at
  FROM core.events AS e;

CREATE VIEW api.actions WITH (security_invoker = true) AS
SELECT a.user_id, a.id, a.conversation_id, a.message_created_at, a.message_id, a.type, a.name,
       a.parameters, a.status, a.result, a.error_message, a.executed_at, a.created_at, a.updated_at
  FROM core.actions AS a;

CREATE VIEW api.pending_actions WITH (security_invoker = true) AS
SELECT a.user_id, a.id, a.conversation_id, a.message_created_at, a.message_id, a.type, a.name,
       a.parameters, a.status, a.created_at, a.updated_at
  FROM core.actions AS a
 WHERE a.status = 'pending';

CREATE VIEW api.reminders WITH (security_invoker = true) AS
SELECT r.user_id, r.id, r.conversation_id, r.title, r.description, r.scheduled_at, r.status,
       r.triggered_at, r.metadata, r.created_at, r.updated_at
  FROM core.reminders AS r;

CREATE VIEW api.due_reminders WITH (security_invoker = true) AS
SELECT r.user_id, r.id, r.conversation_id, r.title, r.description, r.scheduled_at, r.status,
       r.metadata, r.created_at, r.updated_at
  FROM core.reminders AS r
 WHERE r.status = 'pending'
   AND r.scheduled_at <= now();

-- live memories only: an expired memory is gone for applications even before the cleanup runs
CREATE VIEW api.memories WITH (security_invoker = true) AS
SELECT m.user_id, m.id, m.tier, m.content, m.importance, m.expires_at, m.last_accessed_at,
       m.access_count, m.source_conversation_id, m.metadata, m.created_at, m.updated_at
  FROM core.memories AS m
 WHERE m.expires_at IS NULL OR m.expires_at > now();

COMMENT ON VIEW api.users IS
    'Users: for assistant_app the one user named by app.user_id (its profile; name, preferences, voice enrolment and metadata are editable); assistant_service creates and deletes users here (deleting one erases everything the user owns).';
COMMENT ON VIEW api.credentials IS
    'The user''s licences, certifications, ratings and medicals; insert, update and delete through it.';
COMMENT ON VIEW api.conversations IS
    'The user''s conversations with their exact message_count and last activity; create, rename, end (is_active = false, ended_at) and delete through it. message_count and last_message_at are maintained, not writable.';
COMMENT ON VIEW api.messages IS
    'The user''s messages; insert through it (user_id defaults to app.user_id, created_at to now()). Read a conversation page by page with api.conversation_history, search with api.search_messages.';
COMMENT ON VIEW api.tasks IS
    'The user''s agent tasks, every status; insert and update status through it.';
COMMENT ON VIEW api.open_tasks IS
    'The user''s open tasks (pending or in_progress); read-only, served by tasks_user_id_created_at_idx.';
COMMENT ON VIEW api.events IS
    'Append-only log of what the agents did for the user; insert and read.';
COMMENT ON VIEW api.actions IS
    'The user''s actions (device commands, reminders, queries), linked to their conversation and message; insert, and update status/result/error_message/executed_at through it.';
COMMENT ON VIEW api.pending_actions IS
    'The user''s actions not started yet (status pending); read-only, served by actions_user_id_created_at_idx.';
COMMENT ON VIEW api.reminders IS
    'The user''s reminders, every status; insert, reschedule, cancel through it.';
COMMENT ON VIEW api.due_reminders IS
    'The user''s reminders due now (pending, scheduled_at <= now()); read-only, an index scan of reminders_user_id_scheduled_at_idx. Dispatchers use api.claim_due_reminders.';
COMMENT ON VIEW api.memories IS
    'The user''s live memories (expired ones are hidden even before the cleanup deletes them); insert, update and delete through it. Ranked recall: api.recall_memories.';

COMMENT ON COLUMN api.users.name IS 'Display name, 1-200 characters.';
COMMENT ON COLUMN api.users.email IS 'Login and contact address; unique case-insensitively (users_lower_email_idx on lower(email)), stored as given.';
COMMENT ON COLUMN api.users.roles IS 'Domain roles the user holds (core.user_role), possibly several; not database roles.';
COMMENT ON COLUMN api.users.preferences IS 'Assistant preferences as a JSON object (language, voice, units, verbosity, ...), owned by the application.';
COMMENT ON COLUMN api.users.voice_enrolled IS 'True once the user has enrolled a voice print; requires speaker_embedding_id.';
COMMENT ON COLUMN api.users.speaker_embedding_id IS 'Id of the speaker embedding in the external vector store (not the vector itself).';
COMMENT ON COLUMN api.users.is_active IS 'False for suspended or deactivated users; their data stays until the user is deleted.';
COMMENT ON COLUMN api.users.last_interaction_at IS 'Time of the newest message in any of the user''s conversations; maintained by the messages trigger, never written by apps.';
COMMENT ON COLUMN api.users.metadata IS 'Free-form JSON object for integrations; GIN-indexed (jsonb_path_ops) for containment (@>) queries.';
COMMENT ON COLUMN api.credentials.user_id IS 'Owner (core.users.id); defaults to app.user_id.';
COMMENT ON COLUMN api.credentials.kind IS 'Category of the credential (core.credential_kind).';
COMMENT ON COLUMN api.credentials.title IS 'What the credential is, as printed (e.g. ''Commercial Pilot Licence (A)'').';
COMMENT ON COLUMN api.credentials.number IS 'Number on the document, when it has one; unique per user, kind and issuer.';
COMMENT ON COLUMN api.credentials.issuer IS 'Issuing authority or school (e.g. ''ANAC'', ''EASA'').';
COMMENT ON COLUMN api.credentials.valid_from IS 'First calendar day of validity (a date: validity is a day in the issuer''s jurisdiction, not an instant).';
COMMENT ON COLUMN api.credentials.valid_until IS 'Last calendar day of validity, inclusive; NULL when it does not expire.';
COMMENT ON COLUMN api.credentials.metadata IS 'Free-form JSON object (ratings covered, limitations, scan references).';
COMMENT ON COLUMN api.conversations.user_id IS 'Owner (core.users.id); defaults to app.user_id.';
COMMENT ON COLUMN api.conversations.name IS 'Title shown in conversation lists; NULL while untitled.';
COMMENT ON COLUMN api.conversations.is_active IS 'True while the conversation can receive messages; an ended conversation (ended_at set) is never active.';
COMMENT ON COLUMN api.conversations.started_at IS 'When the conversation started.';
COMMENT ON COLUMN api.conversations.ended_at IS 'When it ended; NULL while open. Setting it requires is_active = false.';
COMMENT ON COLUMN api.conversations.duration IS 'ended_at - started_at, generated (NULL while open).';
COMMENT ON COLUMN api.conversations.message_count IS 'Number of messages, exact: maintained by the statement-level trigger on core.messages; not writable by applications.';
COMMENT ON COLUMN api.conversations.last_message_at IS 'created_at of the newest message (last activity); maintained by the messages trigger.';
COMMENT ON COLUMN api.conversations.last_activity_at IS 'Last activity: the newest message''s time, or started_at before the first message. Sort conversation lists by it.';
COMMENT ON COLUMN api.conversations.satisfaction_score IS 'User satisfaction in [0, 1] (e.g. from feedback), NULL when unknown.';
COMMENT ON COLUMN api.conversations.agents IS 'Names of the agents that took part, sorted and distinct; the messages trigger adds each message''s agent.';
COMMENT ON COLUMN api.conversations.summary IS 'Summary of the conversation so far, for compressed history in prompts.';
COMMENT ON COLUMN api.conversations.metadata IS 'Free-form JSON object (channel, device, locale, ...).';
COMMENT ON COLUMN api.messages.user_id IS 'Owner (core.users.id); defaults to app.user_id; must own the conversation (foreign key on both columns).';
COMMENT ON COLUMN api.messages.conversation_id IS 'The conversation (core.conversations.id of the same user).';
COMMENT ON COLUMN api.messages.role IS 'Who wrote it (core.message_role).';
COMMENT ON COLUMN api.messages.content IS 'The text of the message (a transcript for voice); at least one non-space character, at most 100,000 characters. Indexed for full-text search.';
COMMENT ON COLUMN api.messages.parts IS 'Multi-part content as a JSON array (text, image, audio, tool-call parts), NULL for plain text.';
COMMENT ON COLUMN api.messages.latency_ms IS 'Time the assistant took to produce it, in milliseconds.';
COMMENT ON COLUMN api.messages.intent IS 'Intent recognised in the message (e.g. ''set_reminder'').';
COMMENT ON COLUMN api.messages.confidence IS 'Confidence of the intent recognition or transcription, in [0, 1].';
COMMENT ON COLUMN api.messages.rag_context IS 'Retrieved context used to answer (documents, chunks, scores) as a JSON object or array.';
COMMENT ON COLUMN api.messages.audio_duration_ms IS 'Length of the audio of a voice message, in milliseconds.';
COMMENT ON COLUMN api.messages.transcription_model IS 'Speech-to-text model that produced content from audio.';
COMMENT ON COLUMN api.messages.agent IS 'Agent that produced or handled the message; added to conversations.agents by the trigger.';
COMMENT ON COLUMN api.messages.metadata IS 'Free-form JSON object (token counts, model, request ids, ...).';
COMMENT ON COLUMN api.tasks.user_id IS 'Owner (core.users.id); defaults to app.user_id.';
COMMENT ON COLUMN api.tasks.conversation_id IS 'Conversation the task came from; NULL when it had none or the conversation was deleted.';
COMMENT ON COLUMN api.tasks.agent IS 'Agent responsible for the task.';
COMMENT ON COLUMN api.tasks.description IS 'What is to be done, in words.';
COMMENT ON COLUMN api.tasks.status IS 'core.task_status; pending and in_progress are the open tasks.';
COMMENT ON COLUMN api.tasks.result IS 'Outcome of the task as JSON, once it has one.';
COMMENT ON COLUMN api.tasks.metadata IS 'Free-form JSON object (orchestrator ids, plan, priority, ...).';
COMMENT ON COLUMN api.open_tasks.user_id IS 'Owner (core.users.id); defaults to app.user_id.';
COMMENT ON COLUMN api.open_tasks.conversation_id IS 'Conversation the task came from; NULL when it had none or the conversation was deleted.';
COMMENT ON COLUMN api.open_tasks.agent IS 'Agent responsible for the task.';
COMMENT ON COLUMN api.open_tasks.description IS 'What is to be done, in words.';
COMMENT ON COLUMN api.open_tasks.status IS 'core.task_status; pending and in_progress are the open tasks.';
COMMENT ON COLUMN api.open_tasks.result IS 'Outcome of the task as JSON, once it has one.';
COMMENT ON COLUMN api.open_tasks.metadata IS 'Free-form JSON object (orchestrator ids, plan, priority, ...).';
COMMENT ON COLUMN api.events.user_id IS 'Owner (core.users.id); defaults to app.user_id.';
COMMENT ON COLUMN api.events.conversation_id IS 'Conversation the event belongs to, if any (NULL after the conversation is deleted).';
COMMENT ON COLUMN api.events.task_id IS 'Task the event belongs to, if any (NULL after the task is deleted).';
COMMENT ON COLUMN api.events.actor IS 'Who caused the event: an agent name, ''user'', ''system'', a device.';
COMMENT ON COLUMN api.events.type IS 'Event type, lower-case dotted (e.g. ''tool.called'', ''task.handoff'').';
COMMENT ON COLUMN api.events.content IS 'Event payload as a JSON object or array.';
COMMENT ON COLUMN api.events.occurred_at IS 'When the event happened (defaults to the transaction time).';
COMMENT ON COLUMN api.actions.user_id IS 'Owner (core.users.id); defaults to app.user_id.';
COMMENT ON COLUMN api.actions.conversation_id IS 'Conversation the action belongs to; deleting it deletes the action.';
COMMENT ON COLUMN api.actions.message_created_at IS 'created_at of the message that asked for the action: with user_id, conversation_id and message_id the message''s primary key (a checked link, not a declared foreign key: see core.tg_actions__check_message). Set with message_id, or neither.';
COMMENT ON COLUMN api.actions.message_id IS 'id of the message that asked for the action; NULL when none, or after the message was deleted (a message dropped with its partition by retention leaves it set).';
COMMENT ON COLUMN api.actions.type IS 'core.action_type.';
COMMENT ON COLUMN api.actions.name IS 'What exactly, e.g. ''cabin_lights.on'' or ''metar.lookup''.';
COMMENT ON COLUMN api.actions.parameters IS 'Arguments of the action as a JSON object.';
COMMENT ON COLUMN api.actions.status IS 'core.action_status; failed requires error_message, success and failed require executed_at.';
COMMENT ON COLUMN api.actions.result IS 'What the action returned, as JSON.';
COMMENT ON COLUMN api.actions.error_message IS 'Why it failed; set exactly when status is failed.';
COMMENT ON COLUMN api.actions.executed_at IS 'When it was executed; required once it succeeded or failed.';
COMMENT ON COLUMN api.pending_actions.user_id IS 'Owner (core.users.id); defaults to app.user_id.';
COMMENT ON COLUMN api.pending_actions.conversation_id IS 'Conversation the action belongs to; deleting it deletes the action.';
COMMENT ON COLUMN api.pending_actions.message_created_at IS 'created_at of the message that asked for the action: with user_id, conversation_id and message_id the message''s primary key (a checked link, not a declared foreign key: see core.tg_actions__check_message). Set with message_id, or neither.';
COMMENT ON COLUMN api.pending_actions.message_id IS 'id of the message that asked for the action; NULL when none, or after the message was deleted (a message dropped with its partition by retention leaves it set).';
COMMENT ON COLUMN api.pending_actions.type IS 'core.action_type.';
COMMENT ON COLUMN api.pending_actions.name IS 'What exactly, e.g. ''cabin_lights.on'' or ''metar.lookup''.';
COMMENT ON COLUMN api.pending_actions.parameters IS 'Arguments of the action as a JSON object.';
COMMENT ON COLUMN api.pending_actions.status IS 'core.action_status; failed requires error_message, success and failed require executed_at.';
COMMENT ON COLUMN api.reminders.user_id IS 'Owner (core.users.id); defaults to app.user_id.';
COMMENT ON COLUMN api.reminders.conversation_id IS 'Conversation it was set in, if any (NULL after the conversation is deleted).';
COMMENT ON COLUMN api.reminders.title IS 'What to remind, short.';
COMMENT ON COLUMN api.reminders.description IS 'Longer text, optional.';
COMMENT ON COLUMN api.reminders.scheduled_at IS 'When it is due.';
COMMENT ON COLUMN api.reminders.status IS 'core.reminder_status; "due now" is status = pending and scheduled_at <= now().';
COMMENT ON COLUMN api.reminders.triggered_at IS 'When it was delivered; set exactly when status is triggered.';
COMMENT ON COLUMN api.reminders.metadata IS 'Free-form JSON object (channel, recurrence hints, ...).';
COMMENT ON COLUMN api.due_reminders.user_id IS 'Owner (core.users.id); defaults to app.user_id.';
COMMENT ON COLUMN api.due_reminders.conversation_id IS 'Conversation it was set in, if any (NULL after the conversation is deleted).';
COMMENT ON COLUMN api.due_reminders.title IS 'What to remind, short.';
COMMENT ON COLUMN api.due_reminders.description IS 'Longer text, optional.';
COMMENT ON COLUMN api.due_reminders.scheduled_at IS 'When it is due.';
COMMENT ON COLUMN api.due_reminders.status IS 'core.reminder_status; "due now" is status = pending and scheduled_at <= now().';
COMMENT ON COLUMN api.due_reminders.metadata IS 'Free-form JSON object (channel, recurrence hints, ...).';
COMMENT ON COLUMN api.memories.user_id IS 'Owner (core.users.id); defaults to app.user_id.';
COMMENT ON COLUMN api.memories.tier IS 'core.memory_tier: sets the default expiry; critical memories never expire.';
COMMENT ON COLUMN api.memories.content IS 'The remembered fact, in words (1-10,000 characters); full-text and trigram searchable.';
COMMENT ON COLUMN api.memories.importance IS 'How much it matters, in [0, 1]; weighs 0.3 in the recall score.';
COMMENT ON COLUMN api.memories.expires_at IS 'When it is forgotten: defaults to created_at + the tier''s lifetime; NULL (never) exactly for critical; after created_at.';
COMMENT ON COLUMN api.memories.last_accessed_at IS 'When it was last returned by recall; drives the recency part of the recall score.';
COMMENT ON COLUMN api.memories.access_count IS 'How many times recall has returned it.';
COMMENT ON COLUMN api.memories.source_conversation_id IS 'Conversation it was learnt in, if any (NULL after that conversation is deleted).';
COMMENT ON COLUMN api.memories.metadata IS 'Free-form JSON object (extractor, embedding id in the vector store, ...).';

-- Privileges on the views; the core tables' own (column) privileges apply on top, and their
-- row-level security decides the rows.
GRANT SELECT, UPDATE ON api.users TO assistant_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON api.users TO assistant_service;
GRANT SELECT, INSERT, UPDATE, DELETE
   ON api.credentials, api.conversations, api.tasks, api.actions, api.reminders, api.memories
   TO assistant_app, assistant_service;
-- messages: written once and kept (edits of content or metadata allowed, deletes by erasure);
-- events: an append-only log
GRANT SELECT, INSERT, UPDATE, DELETE ON api.messages TO assistant_app, assistant_service;
GRANT SELECT, INSERT ON api.events TO assistant_app, assistant_service;
GRANT SELECT ON api.open_tasks, api.pending_actions, api.due_reminders TO assistant_app, assistant_service;
GRANT SELECT
   ON api.users, api.credentials, api.conversations, api.messages, api.tasks, api.open_tasks, api.events,
      api.actions, api.pending_actions, api.reminders, api.due_reminders, api.memories
   TO assistant_readonly;
