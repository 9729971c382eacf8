-- A bulk-import path by COPY (issue 17): a login in the new group role assistant_loader COPYs
-- messages into the staging table core.message_load_staging (no row-level security there, so COPY
-- works), then calls api.load_staged_messages(load_id), which takes the load's rows out of staging,
-- checks every row (role, the conversation belongs to the user, visible text within 100,000
-- characters, created_at from 2000-01-01 to a day ahead, metadata a JSON object within 64 KiB)
-- and either refuses the whole load (the first bad row in the message with its SQLSTATE and
-- column, up to ten more in the DETAIL; every row stays staged) or moves it into core.messages in
-- one INSERT ... SELECT, ordered by conversation, created_at and staging order, the ids drawn from
-- the write counter in that order. The INSERT goes through core.messages' own triggers: counters
-- (one UPDATE per conversation, the statement trigger), search vectors, the users' vocabulary,
-- the branch of a branched conversation. COPY straight into core.messages stays impossible for
-- every role but the owner (row-level security), and on Citus COPY into a distributed table with
-- row-level security is refused too; INSERT ... SELECT from a local table into a distributed one
-- is what Citus supports, and the staging table stays on the coordinator (make distribute leaves it).
-- depends: 0093_let_erasures_pseudonymise_audit_shards
-- run-as: session-user
-- functions-after: core.tg_messages__maintain_conversation api.load_staged_messages api.discard_staged_messages
--
-- Runs as the migrating login (like 0025), because it creates a role; every other object is
-- created after SET LOCAL ROLE assistant_owner, so it belongs to the owner as in every migration,
-- and the functions (functions-after) are loaded as the owner by the runner.
-- core.tg_messages__maintain_conversation (0094) lets a login in assistant_loader date history
-- from 2000-01-01 on, like assistant_service: its rows reach core.messages only through
-- api.load_staged_messages, which has checked each one.
-- Locks: none on an existing table (a new table, grants on schemas).

DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'assistant_loader') THEN
        CREATE ROLE assistant_loader NOLOGIN;
    END IF;
    BEGIN
        COMMENT ON ROLE assistant_loader IS
            'assistant-db: bulk import of messages. COPYs into core.message_load_staging and calls api.load_staged_messages; reads nothing. Grant it to an importer''s login: CREATE ROLE ... LOGIN IN ROLE assistant_loader.';
    EXCEPTION WHEN insufficient_privilege THEN
        RAISE NOTICE 'could not comment on role assistant_loader: %', SQLERRM;
    END;
END
$$;

SET LOCAL ROLE assistant_owner;

CREATE UNLOGGED TABLE core.message_load_staging (
    seq bigint GENERATED ALWAYS AS IDENTITY,
    load_id text NOT NULL DEFAULT 'default',
    staged_by name NOT NULL DEFAULT current_user,
    user_id uuid NOT NULL,
    conversation_id uuid NOT NULL,
    role text NOT NULL,
    content text NOT NULL,
    created_at timestamptz,
    metadata jsonb,
    CONSTRAINT message_load_staging_pkey PRIMARY KEY (seq),
    CONSTRAINT message_load_staging_load_id_check CHECK (length(load_id) BETWEEN 1 AND 200)
);
COMMENT ON TABLE core.message_load_staging IS
    'Messages COPYed by a login in assistant_loader, waiting for api.load_staged_messages to check them and move them into core.messages (it empties the rows it moves). No row-level security, so COPY works; assistant_loader may only INSERT (COPY) into the columns it names, and reads nothing back. UNLOGGED: emptied by a crash of the server (the source is COPYed again; moved rows are in core.messages, which is logged).';
COMMENT ON COLUMN core.message_load_staging.seq IS
    'Staging order (an identity, in COPY order): within a conversation and a created_at, loaded messages keep this order.';
COMMENT ON COLUMN core.message_load_staging.load_id IS
    'A name the loader gives a batch (default ''default''): api.load_staged_messages(load_id) moves that batch only.';
COMMENT ON COLUMN core.message_load_staging.staged_by IS
    'The role that COPYed the row (current_user; not writable by the loader): a loader loads and discards only its own rows.';
COMMENT ON COLUMN core.message_load_staging.user_id IS
    'Owner of the message (core.users.id); the conversation must be this user''s.';
COMMENT ON COLUMN core.message_load_staging.conversation_id IS
    'The conversation (core.conversations.id of user_id).';
COMMENT ON COLUMN core.message_load_staging.role IS
    'user, assistant, system or tool (api.message_role), as text: an unknown value is reported by the load, not by COPY.';
COMMENT ON COLUMN core.message_load_staging.content IS
    'The text: at least one visible character, at most 100,000 characters (checked by the load).';
COMMENT ON COLUMN core.message_load_staging.created_at IS
    'When the message was written, from 2000-01-01 to a day ahead; NULL: the time of the load (one time for the batch, the staging order kept by the ids).';
COMMENT ON COLUMN core.message_load_staging.metadata IS
    'A JSON object of at most 64 KiB, or NULL for {}.';

REVOKE ALL ON core.message_load_staging FROM PUBLIC;
GRANT USAGE ON SCHEMA core, api TO assistant_loader;
-- COPY FROM needs INSERT on the columns it names, and nothing else: staged_by and seq are the
-- database's, and no SELECT, so a loader cannot read what another loader staged
GRANT INSERT (load_id, user_id, conversation_id, role, content, created_at, metadata)
    ON core.message_load_staging TO assistant_loader;
