-- maint.format_actions(jsonb): the lines of a maintenance summary, one per table that had
-- anything done or to say, then one per stray report, skip, conflict or failure (three at most
-- per table).
CREATE OR REPLACE FUNCTION maint.format_actions(p_actions jsonb)
RETURNS SETOF text
LANGUAGE plpgsql
IMMUTABLE
STRICT
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_table record;
    v_clauses text[];
    v_issue record;
BEGIN
    FOR v_table IN
        WITH a AS (
            SELECT e.n, e.a ->> 'parent' AS parent, e.a ->> 'action' AS action, e.a ->> 'partition' AS partition,
                   e.a ->> 'detail' AS detail, (e.a ->> 'rows')::bigint AS rows
              FROM jsonb_array_elements(p_actions) WITH ORDINALITY AS e (a, n))
        SELECT a.parent,
               count(*) FILTER (WHERE a.action = 'create') AS created,
               (array_agg(a.partition ORDER BY a.n) FILTER (WHERE a.action = 'create'))[1:3] AS created_names,
               coalesce(sum(a.rows) FILTER (WHERE a.action = 'create'), 0) AS moved,
               count(*) FILTER (WHERE a.action IN ('drop', 'detach')) AS retired,
               (array_agg(a.action || ' ' || a.partition ORDER BY a.n) FILTER (WHERE a.action IN ('drop', 'detach')))[1:3] AS retired_names,
               string_agg(a.detail, '; ' ORDER BY a.n) FILTER (WHERE a.action = 'cleanup') AS cleanups
          FROM a
         GROUP BY a.parent
         ORDER BY min(a.n)
    LOOP
        v_clauses := '{}';
        IF v_table.created > 0 THEN
            v_clauses := v_clauses || format('created %s (%s%s)', v_table.created, array_to_string(v_table.created_names, ', '),
                                             CASE WHEN v_table.created > 3 THEN format(' and %s more', v_table.created - 3) ELSE '' END);
        END IF;
        IF v_table.moved > 0 THEN
            v_clauses := v_clauses || format('moved %s row%s out of the default partition', v_table.moved,
                                             CASE WHEN v_table.moved = 1 THEN '' ELSE 's' END);
        END IF;
        IF v_table.retired > 0 THEN
            v_clauses := v_clauses || format('retention: %s%s', array_to_string(v_table.retired_names, ', '),
                                             CASE WHEN v_table.retired > 3 THEN format(' and %s more', v_table.retired - 3) ELSE '' END);
        END IF;
        IF v_table.cleanups IS NOT NULL THEN
            v_clauses := v_clauses || v_table.cleanups;
        END IF;
        RETURN NEXT rtrim(format('  %s: %s', coalesce(v_table.parent, 'other cleanups'), array_to_string(v_clauses, '; ')));
        -- then what needs a look: stray rows, skips (retried next run), conflicts, failures
        FOR v_issue IN
            SELECT e.a ->> 'action' AS action, e.a ->> 'detail' AS detail,
                   row_number() OVER (ORDER BY e.n) AS k, count(*) OVER () AS total
              FROM jsonb_array_elements(p_actions) WITH ORDINALITY AS e (a, n)
             WHERE e.a ->> 'parent' IS NOT DISTINCT FROM v_table.parent
               AND e.a ->> 'action' IN ('stray', 'skip', 'conflict', 'fail')
             ORDER BY e.n
        LOOP
            IF v_issue.k <= 3 THEN
                RETURN NEXT format('    %s: %s', CASE v_issue.action WHEN 'skip' THEN 'skipped' WHEN 'fail' THEN 'FAILED'
                                                  ELSE v_issue.action END, v_issue.detail);
            ELSIF v_issue.k = 4 THEN
                RETURN NEXT format('    ... and %s more (SELECT actions FROM maint.maintenance_runs)', v_issue.total - 3);
            END IF;
        END LOOP;
    END LOOP;
END;
$$;

COMMENT ON FUNCTION maint.format_actions(jsonb) IS
    'Formats a run''s actions (maint.maintenance_runs.actions) for people: one line per table with what was created (rows moved), dropped or detached, then up to three indented lines for its stray rows, skips, conflicts and failures.';
