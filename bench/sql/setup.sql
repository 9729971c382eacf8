-- The benchmark's own objects, in schema bench of the benchmark's private database only (never
-- part of a migration): the generated texts, the data set's plan, and the two baselines.
--
-- Deterministic: every id, time and text derives from integers through hashint8, so two runs at
-- one scale load the same data set (only "now" moves).
--   user u          md5('bench-user:' || u)::uuid, u = 1..users
--   conversation k  md5('bench-conv:' || k)::uuid, k = 1..conversations, of user 1 + (k - 1) % users;
--                   k orders conversations by their last message: k = conversations is the newest
--   long            every long_step-th conversation has exactly 1,000 messages (the peer comparison)

CREATE TABLE bench.params (
    name text PRIMARY KEY,
    value text NOT NULL
);
COMMENT ON TABLE bench.params IS 'The data set''s shape for this run (users, conversations, history_days, t_end, ...), written by bench.py.';

CREATE FUNCTION bench.param(p_name text)
RETURNS text
LANGUAGE sql
STABLE
AS $$ SELECT value FROM bench.params WHERE name = p_name $$;

CREATE FUNCTION bench.user_uuid(p_u bigint)
RETURNS uuid
LANGUAGE sql
IMMUTABLE
PARALLEL SAFE
AS $$ SELECT md5('bench-user:' || p_u)::uuid $$;

CREATE FUNCTION bench.conv_uuid(p_k bigint)
RETURNS uuid
LANGUAGE sql
IMMUTABLE
PARALLEL SAFE
AS $$ SELECT md5('bench-conv:' || p_k)::uuid $$;

-- a non-negative pseudo-random integer of an integer
CREATE FUNCTION bench.h(p_x bigint)
RETURNS bigint
LANGUAGE sql
IMMUTABLE
PARALLEL SAFE
AS $$ SELECT abs(hashint8(p_x)::bigint) $$;

-- ---------------------------------------------------------------------------------------------
-- Texts: 10,000 user messages (1-2 sentences) and 10,000 assistant messages (2-5 sentences), the
-- placeholders filled with numbers and tail marks. A message of the data set is one of them.
-- ---------------------------------------------------------------------------------------------
CREATE TABLE bench.texts (
    id integer PRIMARY KEY,
    role text NOT NULL,
    -- the same as the schema's type: the app role may read it without naming schema core
    message_role api.message_role NOT NULL,
    content text NOT NULL
);

WITH s AS (
    SELECT array_agg(sentence ORDER BY id) FILTER (WHERE role = 'user') AS u,
           array_agg(sentence ORDER BY id) FILTER (WHERE role = 'assistant') AS a
      FROM bench.sentences
), t AS (
    SELECT i, CASE WHEN i <= 10000 THEN 'user' ELSE 'assistant' END AS role
      FROM generate_series(1, 20000) AS i
)
INSERT INTO bench.texts (id, role, message_role, content)
SELECT t.i, t.role, t.role::api.message_role,
       (SELECT string_agg(
                   replace(replace(replace(
                       arr[1 + bench.h(t.i * 1000 + g) % cardinality(arr)],
                       '{n}', (1 + bench.h(t.i * 1000 + g + 500) % 120)::text),
                       '{h}', (6 + bench.h(t.i * 1000 + g + 700) % 14)::text),
                       '{m}', 'PR-' || chr(65 + (bench.h(t.i * 31 + g) % 26)::int)
                                    || chr(65 + (bench.h(t.i * 37 + g) % 26)::int)
                                    || chr(65 + (bench.h(t.i * 41 + g) % 26)::int)),
                   ' ' ORDER BY g)
          FROM generate_series(1, CASE WHEN t.role = 'user' THEN 1 + bench.h(t.i) % 2
                                       ELSE 2 + bench.h(t.i) % 4 END) AS g)
  FROM t
 CROSS JOIN s
 CROSS JOIN LATERAL (SELECT CASE WHEN t.role = 'user' THEN s.u ELSE s.a END AS arr) AS x;

COMMENT ON TABLE bench.texts IS 'Message texts: ids 1-10000 user messages, 10001-20000 assistant replies.';

-- ---------------------------------------------------------------------------------------------
-- The data set, generated once into an unlogged staging table, then copied into the schema and
-- into both baselines in the order time wrote it (heap order = arrival order, as in production).
-- ---------------------------------------------------------------------------------------------
CREATE FUNCTION bench.conv_size(p_k bigint)
RETURNS integer
LANGUAGE sql
STABLE
AS $$
    SELECT CASE WHEN p_k % bench.param('long_step')::bigint = 0 THEN 1000
                ELSE 10 + (bench.h(p_k) % 181)::int END
$$;

-- when conversation k's last message was written: k spreads evenly over the history
CREATE FUNCTION bench.conv_end(p_k bigint)
RETURNS timestamptz
LANGUAGE sql
STABLE
AS $$
    SELECT bench.param('t_end')::timestamptz
           - bench.param('history_days')::numeric * interval '1 day'
             * (1 - p_k::numeric / bench.param('conversations')::numeric)
           - (bench.h(p_k * 3) % 600) * interval '1 second'
$$;

CREATE UNLOGGED TABLE bench.src (
    k integer NOT NULL,
    i integer NOT NULL,
    user_id uuid NOT NULL,
    conversation_id uuid NOT NULL,
    created_at timestamptz NOT NULL,
    role text NOT NULL,
    content text NOT NULL,
    agent text,
    intent text,
    confidence real,
    latency_ms integer
);

-- the messages of conversations p_lo..p_hi into bench.src; one user turn, one assistant turn
CREATE FUNCTION bench.generate_messages(p_lo bigint, p_hi bigint)
RETURNS bigint
LANGUAGE plpgsql
AS $$
DECLARE
    v_rows bigint;
    v_users bigint := bench.param('users')::bigint;
BEGIN
    INSERT INTO bench.src (k, i, user_id, conversation_id, created_at, role, content, agent, intent, confidence,
                           latency_ms)
    SELECT c.k, m.i,
           bench.user_uuid(1 + (c.k - 1) % v_users),
           bench.conv_uuid(c.k),
           -- 1 to 5 minutes between turns, per conversation
           c.t_end - (c.n - m.i) * (1 + bench.h(c.k * 7) % 5) * interval '1 minute'
                   - (bench.h(c.k * 100003 + m.i) % 50) * interval '1 second',
           CASE WHEN m.i % 2 = 1 THEN 'user' ELSE 'assistant' END,
           t.content,
           CASE WHEN m.i % 2 = 0 AND bench.h(c.k * 11 + m.i) % 10 < 3
                THEN (ARRAY['brain', 'scheduler', 'maintenance', 'weather'])[1 + bench.h(c.k * 13 + m.i) % 4]
           END,
           -- the intent recognised in most user turns, the time the assistant took to answer
           CASE WHEN m.i % 2 = 1 AND bench.h(c.k * 17 + m.i) % 10 < 7
                THEN (ARRAY['remarcar_aula', 'previsao_tempo', 'criar_lembrete', 'status_aeronave', 'consultar_horas',
                            'marcar_reuniao', 'duvida_procedimento', 'reservar_recurso', 'relatorio',
                            'abrir_ordem_servico'])[1 + bench.h(c.k * 19 + m.i) % 10]
           END,
           CASE WHEN m.i % 2 = 1 THEN (0.5 + (bench.h(c.k * 23 + m.i) % 50) / 100.0)::real END,
           CASE WHEN m.i % 2 = 0 THEN (300 + bench.h(c.k * 29 + m.i) % 4000)::int END
      FROM (SELECT k, bench.conv_size(k) AS n, bench.conv_end(k) AS t_end
              FROM generate_series(p_lo, p_hi) AS k) AS c
     CROSS JOIN LATERAL generate_series(1, c.n) AS m(i)
      JOIN bench.texts t
        ON t.id = CASE WHEN m.i % 2 = 1 THEN 1 + bench.h(c.k * 1000003 + m.i) % 10000
                       ELSE 10001 + bench.h(c.k * 1000003 + m.i) % 10000 END;
    GET DIAGNOSTICS v_rows = ROW_COUNT;
    RETURN v_rows;
END;
$$;

-- The heaviest user (issue 17): user users + 1 owns heavy_conversations conversations of 1,000
-- messages each (100,000 messages by default, at every scale), spread evenly over the history;
-- in bench.src their k is -j (j = 1..heavy_conversations, j = heavy_conversations the newest) and
-- their ids bench.conv_uuid(-j). The search section measures this user as its heaviest.
CREATE FUNCTION bench.generate_heavy_messages(p_j_lo bigint, p_j_hi bigint)
RETURNS bigint
LANGUAGE plpgsql
AS $$
DECLARE
    v_rows bigint;
    v_n bigint := bench.param('heavy_conversations')::bigint;
    v_size integer := bench.param('heavy_conversation_size')::integer;
BEGIN
    IF v_n = 0 OR p_j_lo > p_j_hi THEN
        RETURN 0;
    END IF;
    INSERT INTO bench.src (k, i, user_id, conversation_id, created_at, role, content, agent, intent, confidence,
                           latency_ms)
    SELECT -c.j, m.i,
           bench.user_uuid(bench.param('users')::bigint + 1),
           bench.conv_uuid(-c.j),
           c.t_end - (v_size - m.i) * interval '1 minute' - (bench.h(c.j * 100019 + m.i) % 50) * interval '1 second',
           CASE WHEN m.i % 2 = 1 THEN 'user' ELSE 'assistant' END,
           t.content, NULL, NULL, NULL,
           CASE WHEN m.i % 2 = 0 THEN (300 + bench.h(c.j * 29 + m.i) % 4000)::int END
      FROM (SELECT j, bench.param('t_end')::timestamptz
                      - bench.param('history_days')::numeric * interval '1 day' * (1 - j::numeric / v_n)
                      - (bench.h(j * 5) % 600) * interval '1 second' AS t_end
              FROM generate_series(greatest(p_j_lo, 1), least(p_j_hi, v_n)) AS j) AS c
     CROSS JOIN LATERAL generate_series(1, v_size) AS m(i)
      JOIN bench.texts t
        ON t.id = CASE WHEN m.i % 2 = 1 THEN 1 + bench.h(c.j * 7000003 + m.i) % 10000
                       ELSE 10001 + bench.h(c.j * 7000003 + m.i) % 10000 END;
    GET DIAGNOSTICS v_rows = ROW_COUNT;
    RETURN v_rows;
END;
$$;

-- ---------------------------------------------------------------------------------------------
-- Baseline 1, the physical limit: a bare table, primary key only.
-- ---------------------------------------------------------------------------------------------
CREATE TABLE bench.bare_messages (
    id bigint GENERATED ALWAYS AS IDENTITY,
    conversation_id uuid NOT NULL,
    role text NOT NULL,
    content text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT bare_messages_pkey PRIMARY KEY (id)
);
COMMENT ON TABLE bench.bare_messages IS 'Baseline: the physical limit of storing a message (primary key only).';

-- ---------------------------------------------------------------------------------------------
-- Baseline 2, the peer: langchain-postgres' PostgresChatMessageHistory, as its create_tables
-- makes it, holding messages as message_to_dict() writes them.
-- ---------------------------------------------------------------------------------------------
CREATE TABLE bench.peer_messages (
    id serial PRIMARY KEY,
    session_id uuid NOT NULL,
    message jsonb NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX peer_messages_session_id_idx ON bench.peer_messages (session_id);
COMMENT ON TABLE bench.peer_messages IS 'Baseline: the chat-history table of langchain-postgres (PostgresChatMessageHistory).';

CREATE FUNCTION bench.peer_message(p_role text, p_content text)
RETURNS jsonb
LANGUAGE sql
IMMUTABLE
AS $$
    SELECT jsonb_build_object(
        'type', CASE p_role WHEN 'user' THEN 'human' WHEN 'assistant' THEN 'ai' ELSE p_role END,
        'data', jsonb_build_object(
            'content', p_content, 'additional_kwargs', '{}'::jsonb, 'response_metadata', '{}'::jsonb,
            'type', CASE p_role WHEN 'user' THEN 'human' WHEN 'assistant' THEN 'ai' ELSE p_role END,
            'name', NULL, 'id', NULL, 'example', false))
$$;

-- the search terms of the search test (websearch syntax for full-text, a substring for ILIKE)
CREATE TABLE bench.search_terms (
    id integer PRIMARY KEY,
    query text NOT NULL,
    pattern text NOT NULL
);
INSERT INTO bench.search_terms (id, query, pattern) VALUES
    (1, 'manutenção', '%manutenção%'),
    (2, 'combustível', '%combustível%'),
    (3, 'instrutor', '%instrutor%'),
    (4, 'simulador', '%simulador%'),
    (5, 'lâmpada de navegação', '%lâmpada de navegação%'),
    (6, 'turbulência', '%turbulência%'),
    (7, 'certificado médico', '%certificado médico%'),
    (8, 'checklist', '%checklist%');
-- the same searches being typed (prefix) and mistyped (typo): the prefix and typo paths
CREATE TABLE bench.search_variants (
    kind text NOT NULL,
    id integer NOT NULL,
    query text NOT NULL,
    PRIMARY KEY (kind, id)
);
INSERT INTO bench.search_variants (kind, id, query) VALUES
    ('prefix', 1, 'manut'), ('prefix', 2, 'combust'), ('prefix', 3, 'instru'), ('prefix', 4, 'simul'),
    ('prefix', 5, 'lâmpada de naveg'), ('prefix', 6, 'turbul'), ('prefix', 7, 'certificado méd'),
    ('prefix', 8, 'checkl'),
    ('typo', 1, 'manuntenção'), ('typo', 2, 'combustivle'), ('typo', 3, 'instrtor'), ('typo', 4, 'simualdor'),
    ('typo', 5, 'lâmpada de navegaçoa'), ('typo', 6, 'turbulênica'), ('typo', 7, 'certificado mésico'),
    ('typo', 8, 'chekclist');

GRANT USAGE ON SCHEMA bench TO assistant_app, assistant_service, assistant_readonly;
GRANT SELECT ON ALL TABLES IN SCHEMA bench TO assistant_app, assistant_service, assistant_readonly;
GRANT SELECT, INSERT ON bench.bare_messages, bench.peer_messages TO assistant_app, assistant_service;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA bench TO assistant_app, assistant_service;
