-- maint.create_partition_table(regclass, text, text): a standalone table shaped like the parent,
-- in the parent's schema and tablespace, with its indexes, owner and privileges, ready to be
-- attached.
CREATE OR REPLACE FUNCTION maint.create_partition_table(p_parent regclass, p_name text, p_comment text)
RETURNS regclass
LANGUAGE plpgsql
VOLATILE
STRICT
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_schema name;
    v_tablespace name;
    v_new regclass;
BEGIN
    -- Why not CREATE TABLE ... PARTITION OF: it takes ACCESS EXCLUSIVE on the parent, which
    -- stops every insert and read until the transaction ends. A standalone table attached with
    -- ATTACH PARTITION needs a weaker lock on the parent (the pg_partman approach).
    SELECT n.nspname, t.spcname INTO STRICT v_schema, v_tablespace
      FROM pg_class c
      JOIN pg_namespace n ON n.oid = c.relnamespace
      LEFT JOIN pg_tablespace t ON t.oid = c.reltablespace
     WHERE c.oid = p_parent;

    IF to_regclass(format('%I.%I', v_schema, p_name)) IS NOT NULL THEN
        RAISE EXCEPTION 'relation %.% already exists and is not the partition maintenance expected for %',
                        v_schema, p_name, p_parent
              USING ERRCODE = '42P07',
                    HINT = 'Rename or drop that table (SELECT * FROM maint.partition_report shows what is attached), then run maintenance again.';
    END IF;

    -- CHECK and NOT NULL constraints must match the parent's for ATTACH, so they are copied.
    -- Indexes are copied too (INCLUDING INDEXES): built here on the empty table, in a
    -- transaction of its own, so that ATTACH adopts them instead of building them on the rows
    -- moved in while the parent is locked (the measured move is faster with them, too).
    -- Foreign keys are NOT created here: ATTACH adopting a foreign key drops the partition's
    -- own action triggers on the referenced table, which takes ACCESS EXCLUSIVE on it (reads of
    -- core.conversations would stop); cloning it at ATTACH takes only SHARE ROW EXCLUSIVE.
    EXECUTE format('CREATE TABLE %I.%I (LIKE %I.%I INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING GENERATED'
                   ' INCLUDING STORAGE INCLUDING COMPRESSION INCLUDING INDEXES)%s',
                   v_schema, p_name, v_schema, (SELECT relname FROM pg_class WHERE oid = p_parent),
                   CASE WHEN v_tablespace IS NOT NULL THEN format(' TABLESPACE %I', v_tablespace) ELSE '' END);
    v_new := format('%I.%I', v_schema, p_name)::regclass;
    EXECUTE format('COMMENT ON TABLE %I.%I IS %L', v_schema, p_name, p_comment);
    PERFORM maint.copy_parent_properties(p_parent, v_new);
    RETURN v_new;
END;
$$;

COMMENT ON FUNCTION maint.create_partition_table(regclass, text, text) IS
    'Creates, unattached, a table shaped like the partitioned parent (columns, defaults, constraints, storage, indexes; owner, privileges and RLS switch via maint.copy_parent_properties) in the parent''s schema and tablespace, so that ATTACH PARTITION adopts its indexes. Foreign keys are left for ATTACH to clone (adopting them would lock the referenced table ACCESS EXCLUSIVE). 42P07 when the name is taken.';
