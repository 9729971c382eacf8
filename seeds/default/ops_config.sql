-- Default configuration of the platforms (their documents' values), loaded by `make up` and by
-- the test harness. Idempotent: an entry an operator has changed is left as it is.
-- Secrets get an entry (so operators see the slot, masked) but never a value here: values are
-- set with api.set_config_secret().

INSERT INTO ops.config (key, value, config_type, description, is_secret, updated_by) VALUES
    ('wake_word.sensitivity', '0.7', 'threshold',
     'Wake-word detector sensitivity, 0 (deaf) to 1 (hears everything).', false, 'seed'),
    ('tts.voice', '"pt_BR-faber-medium"', 'setting',
     'Text-to-speech voice (Piper model name).', false, 'seed'),
    ('brain.model', '"qwen2.5:3b"', 'setting',
     'Language model the assistant''s brain runs (Ollama tag).', false, 'seed'),
    ('brain.temperature', '0.7', 'setting',
     'Sampling temperature of the language model.', false, 'seed'),
    ('brain.max_tokens', '200', 'setting',
     'Most tokens the language model may generate for one answer.', false, 'seed'),
    ('logs.min_level', '"INFO"', 'setting',
     'Lowest level api.write_log() stores: DEBUG, INFO, WARN or ERROR.', false, 'seed'),
    ('processes.timeout_seconds', '300', 'threshold',
     'A process execution running longer than this is marked timeout by ops.mark_timed_out_processes().', false, 'seed'),
    ('erp.api_token', NULL, 'credentials',
     'Token the ERP gateway sends to the remote API. Secret: set it with api.set_config_secret().', true, 'seed')
ON CONFLICT (key) DO NOTHING;
