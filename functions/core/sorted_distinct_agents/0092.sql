-- core.sorted_distinct_agents(text[]): the agents of a list, sorted and distinct. api.conversations
-- merges a conversation's agents with those of its pending deltas through it: Citus 13.2 refuses
-- a correlated subquery nested inside another subquery of a select list ("cannot push down this
-- subquery"), which 0024's inline ARRAY(SELECT DISTINCT … unnest(… ARRAY(SELECT …))) was.
-- PL/pgSQL, not SQL: a SQL function would be inlined back into that nested form.
CREATE OR REPLACE FUNCTION core.sorted_distinct_agents(p_agents text[])
RETURNS text[]
LANGUAGE plpgsql
IMMUTABLE
STRICT
PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    RETURN ARRAY(SELECT DISTINCT a FROM unnest(p_agents) AS a ORDER BY a);
END
$$;

COMMENT ON FUNCTION core.sorted_distinct_agents(text[]) IS
    'The agents of p_agents sorted and distinct; how api.conversations merges a conversation''s agents with its pending deltas'' (0092).';

REVOKE EXECUTE ON FUNCTION core.sorted_distinct_agents(text[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION core.sorted_distinct_agents(text[])
   TO assistant_app, assistant_service, assistant_personal_reader;
