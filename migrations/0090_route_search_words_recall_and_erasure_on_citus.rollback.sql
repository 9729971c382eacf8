-- Undo 0090_route_search_words_recall_and_erasure_on_citus: the runner re-loads the earlier
-- versions of core.tg__collect_search_words (0040), api.erase_user (0037) and
-- api.recall_memories (0080) after this file; the two wrappers 0090 created go here.
DROP FUNCTION ops.text_array_as_text(text[]);
DROP FUNCTION ops.text_as_text_array(text);
