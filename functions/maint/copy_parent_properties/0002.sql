-- maint.copy_parent_properties(regclass, regclass): give a new partition its parent's owner,
-- table privileges and row-level-security switch, before it is attached.
CREATE OR REPLACE FUNCTION maint.copy_parent_properties(p_parent regclass, p_partition regclass)
RETURNS void
LANGUAGE plpgsql
VOLATILE
STRICT
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_parent pg_class;
    v_part pg_class;
    v_name text;
    v_acl record;
BEGIN
    SELECT * INTO STRICT v_parent FROM pg_class WHERE oid = p_parent;
    SELECT * INTO STRICT v_part FROM pg_class WHERE oid = p_partition;
    v_name := format('%I.%I', (SELECT nspname FROM pg_namespace WHERE oid = v_part.relnamespace), v_part.relname);

    IF v_part.relowner <> v_parent.relowner THEN
        EXECUTE format('ALTER TABLE %s OWNER TO %I', v_name, pg_get_userbyid(v_parent.relowner));
    END IF;

    -- exactly the parent's grants: first drop what default privileges gave the new table
    FOR v_acl IN
        SELECT DISTINCT a.grantee
          FROM aclexplode(coalesce(v_part.relacl, acldefault('r', v_parent.relowner))) AS a
         WHERE a.grantee <> v_parent.relowner
    LOOP
        EXECUTE format('REVOKE ALL ON TABLE %s FROM %s', v_name,
                       CASE WHEN v_acl.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(v_acl.grantee)) END);
    END LOOP;
    FOR v_acl IN
        SELECT a.grantee, a.privilege_type, a.is_grantable
          FROM aclexplode(coalesce(v_parent.relacl, acldefault('r', v_parent.relowner))) AS a
         WHERE a.grantee <> v_parent.relowner
    LOOP
        EXECUTE format('GRANT %s ON TABLE %s TO %s%s', v_acl.privilege_type, v_name,
                       CASE WHEN v_acl.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(v_acl.grantee)) END,
                       CASE WHEN v_acl.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END);
    END LOOP;

    -- Queries through the parent apply the parent's policies only. A partition granted the
    -- parent's privileges but without RLS would let a role read every user's rows by naming the
    -- partition; RLS enabled with no policy of its own denies that direct path (the owner, who
    -- maintains partitions, is exempt because RLS is enabled, not forced).
    IF v_parent.relrowsecurity AND NOT v_part.relrowsecurity THEN
        EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', v_name);
    END IF;
END;
$$;

COMMENT ON FUNCTION maint.copy_parent_properties(regclass, regclass) IS
    'Gives a partition its parent''s owner, exactly its table privileges, and row-level security enabled when the parent has it (so naming the partition directly cannot bypass the parent''s policies). Column privileges are not copied.';
