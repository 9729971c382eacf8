-- Undo 0082_summarise_conversations: drop the functions it created (a validated constraint
-- needs no undo: 0081's rollback drops the constraints).
DROP FUNCTION api.prompt_history(uuid, integer);
DROP FUNCTION api.add_summary(uuid, uuid, text, timestamptz, jsonb);
