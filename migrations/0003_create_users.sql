-- Create the users of the conversational core, their licences and certifications, and the
-- row-level security every user-owned table repeats.
-- depends: 0001_create_foundation
-- functions: current_user_id
--
-- Ownership rule of the core: every user-owned table carries user_id NOT NULL, its primary key
-- and unique constraints lead with user_id, and foreign keys between user-owned tables include
-- it. Policies then read one column (no join), per-user export and erasure are one predicate,
-- and the tables can be distributed by user_id (Citus) without a redesign.
--
-- Row-level security, the same on every user-owned table:
--   assistant_app       sees and writes only the rows of core.current_user_id() (app.user_id);
--   assistant_readonly  reads every user's rows (dashboards, operators), writes nothing;
--   assistant_service   trusted backend: every user's rows.
-- RLS is ENABLEd, not FORCEd: the owner (assistant_owner, NOLOGIN, used only by migrations)
-- bypasses it, and the core's SECURITY DEFINER trigger and cleanup functions rely on that.

CREATE TYPE core.user_role AS ENUM (
    'pilot', 'student', 'instructor', 'mechanic', 'dispatcher', 'operator', 'admin'
);
COMMENT ON TYPE core.user_role IS
    'What a user is in the domain (aviation training and operations); a user may hold several. New values: ALTER TYPE ... ADD VALUE in a migration.';

CREATE TABLE core.users (
    id uuid NOT NULL DEFAULT util.uuid_generate_v7(),
    name text NOT NULL,
    email text NOT NULL,
    roles core.user_role[] NOT NULL DEFAULT '{}',
    preferences jsonb NOT NULL DEFAULT '{}',
    voice_enrolled boolean NOT NULL DEFAULT false,
    speaker_embedding_id text,
    is_active boolean NOT NULL DEFAULT true,
    last_interaction_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    metadata jsonb NOT NULL DEFAULT '{}',
    CONSTRAINT users_pkey PRIMARY KEY (id),
    CONSTRAINT users_name_check CHECK (btrim(name) <> '' AND length(name) <= 200),
    CONSTRAINT users_email_check CHECK (email ~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$' AND length(email) <= 320),
    CONSTRAINT users_roles_check CHECK (array_position(roles, NULL) IS NULL),
    CONSTRAINT users_preferences_check CHECK (jsonb_typeof(preferences) = 'object'),
    CONSTRAINT users_speaker_embedding_id_check CHECK (
        (NOT voice_enrolled OR speaker_embedding_id IS NOT NULL)
        AND (speaker_embedding_id IS NULL OR btrim(speaker_embedding_id) <> '')),
    CONSTRAINT users_metadata_check CHECK (jsonb_typeof(metadata) = 'object')
);

COMMENT ON TABLE core.users IS
    'People the assistant serves. The root of ownership: every user-owned table references it with ON DELETE CASCADE, so deleting a user erases everything the user owns.';
COMMENT ON COLUMN core.users.name IS 'Display name, 1-200 characters.';
COMMENT ON COLUMN core.users.email IS 'Login and contact address; unique case-insensitively (users_lower_email_idx on lower(email)), stored as given.';
COMMENT ON COLUMN core.users.roles IS 'Domain roles the user holds (core.user_role), possibly several; not database roles.';
COMMENT ON COLUMN core.users.preferences IS 'Assistant preferences as a JSON object (language, voice, units, verbosity, ...), owned by the application.';
COMMENT ON COLUMN core.users.voice_enrolled IS 'True once the user has enrolled a voice print; requires speaker_embedding_id.';
COMMENT ON COLUMN core.users.speaker_embedding_id IS 'Id of the speaker embedding in the external vector store (not the vector itself).';
COMMENT ON COLUMN core.users.is_active IS 'False for suspended or deactivated users; their data stays until the user is deleted.';
COMMENT ON COLUMN core.users.last_interaction_at IS 'Time of the newest message in any of the user''s conversations; maintained by the messages trigger, never written by apps.';
COMMENT ON COLUMN core.users.metadata IS 'Free-form JSON object for integrations; GIN-indexed (jsonb_path_ops) for containment (@>) queries.';

CREATE UNIQUE INDEX users_lower_email_idx ON core.users (lower(email));
COMMENT ON INDEX core.users_lower_email_idx IS 'Case-insensitive uniqueness of email; also serves lookups by lower(email).';

-- jsonb_path_ops: smaller and faster than the default opclass for the @> queries integrations run
CREATE INDEX users_metadata_idx ON core.users USING gin (metadata jsonb_path_ops);

-- updated_at follows what people change; last_interaction_at, which every message moves, has its
-- own column (and the trigger then costs a message nothing). New columns join this list.
CREATE TRIGGER users_set_updated_at
    BEFORE UPDATE OF name, email, roles, preferences, voice_enrolled, speaker_embedding_id, is_active, metadata
    ON core.users
    FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*)
    EXECUTE FUNCTION util.tg__set_updated_at();

ALTER TABLE core.users ENABLE ROW LEVEL SECURITY;

-- the users table is the root of ownership: its own id is the user_id of the rule
CREATE POLICY users_app_own_rows ON core.users
    FOR ALL TO assistant_app
    USING (id = (SELECT core.current_user_id()))
    WITH CHECK (id = (SELECT core.current_user_id()));
CREATE POLICY users_readonly_all_rows ON core.users
    FOR SELECT TO assistant_readonly
    USING (true);
CREATE POLICY users_service_all_rows ON core.users
    FOR ALL TO assistant_service
    USING (true)
    WITH CHECK (true);

COMMENT ON POLICY users_app_own_rows ON core.users IS 'assistant_app sees and changes only the user named by app.user_id.';
COMMENT ON POLICY users_readonly_all_rows ON core.users IS 'assistant_readonly reads every user.';
COMMENT ON POLICY users_service_all_rows ON core.users IS 'assistant_service, the trusted backend, manages every user.';

-- Users are created and deleted by the trusted backend; an app edits its own profile only
-- (not its email, domain roles, activity or the maintained last_interaction_at).
GRANT SELECT, UPDATE (name, preferences, voice_enrolled, speaker_embedding_id, metadata) ON core.users TO assistant_app;
GRANT SELECT ON core.users TO assistant_readonly;
GRANT SELECT, INSERT, UPDATE, DELETE ON core.users TO assistant_service;
-- the trusted backend ingests in bulk (COPY) and erases users: it may name the core tables
GRANT USAGE ON SCHEMA core TO assistant_service;

CREATE TYPE core.credential_kind AS ENUM ('licence', 'certification', 'rating', 'medical');
COMMENT ON TYPE core.credential_kind IS
    'Category of a user credential: licence (PPL, CPL, AMT), certification (courses, type certificates), rating (instrument, multi-engine), medical (medical certificate).';

CREATE TABLE core.credentials (
    user_id uuid NOT NULL DEFAULT core.current_user_id(),
    id uuid NOT NULL DEFAULT util.uuid_generate_v7(),
    kind core.credential_kind NOT NULL,
    title text NOT NULL,
    number text,
    issuer text NOT NULL,
    valid_from date NOT NULL,
    valid_until date,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    metadata jsonb NOT NULL DEFAULT '{}',
    CONSTRAINT credentials_pkey PRIMARY KEY (user_id, id),
    CONSTRAINT credentials_user_id_kind_issuer_number_key UNIQUE (user_id, kind, issuer, number),
    CONSTRAINT credentials_user_id_fkey FOREIGN KEY (user_id) REFERENCES core.users (id) ON DELETE CASCADE,
    CONSTRAINT credentials_title_check CHECK (btrim(title) <> '' AND length(title) <= 200),
    CONSTRAINT credentials_number_check CHECK (number IS NULL OR btrim(number) <> ''),
    CONSTRAINT credentials_issuer_check CHECK (btrim(issuer) <> '' AND length(issuer) <= 200),
    CONSTRAINT credentials_valid_until_check CHECK (valid_until IS NULL OR valid_until >= valid_from),
    CONSTRAINT credentials_metadata_check CHECK (jsonb_typeof(metadata) = 'object')
);

COMMENT ON TABLE core.credentials IS
    'Licences, certifications, ratings and medicals a user holds, with their validity; user-owned.';
COMMENT ON COLUMN core.credentials.user_id IS 'Owner (core.users.id); defaults to app.user_id.';
COMMENT ON COLUMN core.credentials.kind IS 'Category of the credential (core.credential_kind).';
COMMENT ON COLUMN core.credentials.title IS 'What the credential is, as printed (e.g. ''Commercial Pilot Licence (A)'').';
COMMENT ON COLUMN core.credentials.number IS 'Number on the document, when it has one; unique per user, kind and issuer.';
COMMENT ON COLUMN core.credentials.issuer IS 'Issuing authority or school (e.g. ''ANAC'', ''EASA'').';
-- dates, not timestamptz: validity is a calendar day in the issuer's jurisdiction, not an instant
COMMENT ON COLUMN core.credentials.valid_from IS 'First calendar day of validity (a date: validity is a day in the issuer''s jurisdiction, not an instant).';
COMMENT ON COLUMN core.credentials.valid_until IS 'Last calendar day of validity, inclusive; NULL when it does not expire.';
COMMENT ON COLUMN core.credentials.metadata IS 'Free-form JSON object (ratings covered, limitations, scan references).';

CREATE TRIGGER credentials_set_updated_at
    BEFORE UPDATE ON core.credentials
    FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*)
    EXECUTE FUNCTION util.tg__set_updated_at();

ALTER TABLE core.credentials ENABLE ROW LEVEL SECURITY;

CREATE POLICY credentials_app_own_rows ON core.credentials
    FOR ALL TO assistant_app
    USING (user_id = (SELECT core.current_user_id()))
    WITH CHECK (user_id = (SELECT core.current_user_id()));
CREATE POLICY credentials_readonly_all_rows ON core.credentials
    FOR SELECT TO assistant_readonly
    USING (true);
CREATE POLICY credentials_service_all_rows ON core.credentials
    FOR ALL TO assistant_service
    USING (true)
    WITH CHECK (true);

COMMENT ON POLICY credentials_app_own_rows ON core.credentials IS 'assistant_app sees and writes only the rows of app.user_id.';
COMMENT ON POLICY credentials_readonly_all_rows ON core.credentials IS 'assistant_readonly reads every user''s rows.';
COMMENT ON POLICY credentials_service_all_rows ON core.credentials IS 'assistant_service, the trusted backend, reads and writes every user''s rows.';

GRANT SELECT, INSERT, UPDATE (kind, title, number, issuer, valid_from, valid_until, metadata), DELETE ON core.credentials TO assistant_app;
GRANT SELECT ON core.credentials TO assistant_readonly;
GRANT SELECT, INSERT, UPDATE, DELETE ON core.credentials TO assistant_service;
