-- Demo data set, part 1 (make demo): the platforms' own demonstration of the conversational
-- core: three users (a pilot, an instructor, a mechanic) with their licences, five memories of
-- different tiers, and one conversation of five messages.
-- Idempotent: fixed ids and ON CONFLICT DO NOTHING; the messages are written only with their
-- conversation, so a second `make demo` adds nothing.

INSERT INTO core.users (id, name, email, roles, preferences) VALUES
    ('0190f3d4-de00-7000-8000-000000000001', 'Rafael Lima', 'rafael.lima@demo.assistant-db.example',
     '{pilot}', '{"language": "pt-BR", "units": "aviation"}'),
    ('0190f3d4-de00-7000-8000-000000000002', 'Carla Mendes', 'carla.mendes@demo.assistant-db.example',
     '{instructor,pilot}', '{"language": "pt-BR"}'),
    ('0190f3d4-de00-7000-8000-000000000003', 'João Alves', 'joao.alves@demo.assistant-db.example',
     '{mechanic}', '{"language": "pt-BR"}')
ON CONFLICT DO NOTHING;

INSERT INTO core.credentials (user_id, id, kind, title, number, issuer, valid_from, valid_until) VALUES
    ('0190f3d4-de00-7000-8000-000000000001', '0190f3d4-de00-7000-8000-000000000101', 'licence',
     'Piloto Comercial de Avião (PCA)', 'PCA-104233', 'ANAC', '2021-03-15', NULL),
    ('0190f3d4-de00-7000-8000-000000000001', '0190f3d4-de00-7000-8000-000000000102', 'medical',
     'Certificado Médico Aeronáutico, 1ª classe', 'CMA-88121', 'ANAC', '2026-02-01', '2027-02-01'),
    ('0190f3d4-de00-7000-8000-000000000002', '0190f3d4-de00-7000-8000-000000000103', 'licence',
     'Instrutor de Voo - Avião (INVA)', 'INVA-20771', 'ANAC', '2018-07-02', NULL),
    ('0190f3d4-de00-7000-8000-000000000003', '0190f3d4-de00-7000-8000-000000000104', 'licence',
     'Mecânico de Manutenção Aeronáutica - Grupo Motopropulsor', 'MMA-55310', 'ANAC', '2019-11-20', NULL)
ON CONFLICT DO NOTHING;

INSERT INTO core.memories (user_id, id, tier, content, importance) VALUES
    ('0190f3d4-de00-7000-8000-000000000001', '0190f3d4-de00-7000-8000-000000000201', 'short_term',
     'Hoje o Rafael voa o PR-ABC de SBSP para SBRJ às 14h.', 0.6),
    ('0190f3d4-de00-7000-8000-000000000001', '0190f3d4-de00-7000-8000-000000000202', 'medium_term',
     'O Rafael está se preparando para a verificação de proficiência IFR do próximo mês.', 0.7),
    ('0190f3d4-de00-7000-8000-000000000001', '0190f3d4-de00-7000-8000-000000000203', 'long_term',
     'O Rafael prefere briefings meteorológicos com METAR e TAF completos.', 0.8),
    ('0190f3d4-de00-7000-8000-000000000001', '0190f3d4-de00-7000-8000-000000000204', 'critical',
     'O Rafael é alérgico a dipirona.', 1.0),
    ('0190f3d4-de00-7000-8000-000000000003', '0190f3d4-de00-7000-8000-000000000205', 'medium_term',
     'O João acompanha a inspeção de 100 horas do PR-ABC, prevista para esta semana.', 0.7)
ON CONFLICT DO NOTHING;

WITH conversation AS (
    INSERT INTO core.conversations (user_id, id, name, started_at)
    VALUES ('0190f3d4-de00-7000-8000-000000000001', '0190f3d4-de00-7000-8000-000000000301',
            'Briefing do voo SBSP-SBRJ', now() - interval '10 minutes')
    ON CONFLICT DO NOTHING
    RETURNING user_id, id, started_at
)
INSERT INTO core.messages (user_id, conversation_id, created_at, role, content, intent, confidence, latency_ms, agent)
SELECT c.user_id, c.id, c.started_at + m.offset_s * interval '1 second', m.role::api.message_role, m.content,
       m.intent, m.confidence, m.latency_ms, m.agent
  FROM conversation AS c
 CROSS JOIN (VALUES
    (0,   'user',      'Bom dia! Como está o tempo em SBRJ para as 15h?', 'consultar_meteorologia', 0.94::real, NULL::integer, NULL),
    (2,   'assistant', 'Bom dia, Rafael. TAF de SBRJ: vento 150 graus 12 nós, visibilidade acima de 10 km, poucas nuvens a 3000 pés. Condições visuais.', NULL, NULL, 850, 'weather_agent'),
    (40,  'user',      'Agende uma revisão do PR-ABC com o João para sexta às 9h.', 'agendar_manutencao', 0.88, NULL, NULL),
    (43,  'assistant', 'Pronto: revisão do PR-ABC agendada com João Alves na sexta-feira às 9h. Quer um lembrete na véspera?', NULL, NULL, 1240, 'scheduler_agent'),
    (60,  'user',      'Sim, por favor. Obrigado!', 'agradecimento', 0.97, NULL, NULL)
 ) AS m(offset_s, role, content, intent, confidence, latency_ms, agent);
