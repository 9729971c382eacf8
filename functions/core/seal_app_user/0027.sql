-- core.seal_app_user(user_id): the seal api.act_as stores beside app.user_id: an HMAC, under a
-- random key of this database that no application role can read, of the user id, this backend
-- and this transaction's start. core.current_user_id() recomputes it: a seal made in an earlier
-- transaction (a session-level SET that a pooled connection carries to the next transaction),
-- by another backend, or by hand, does not match.
CREATE OR REPLACE FUNCTION core.seal_app_user(p_user_id uuid)
RETURNS text
LANGUAGE sql
STABLE
STRICT
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT encode(util.hmac_sha256_keyed(k.inner_pad, k.outer_pad,
                      convert_to(p_user_id::text || '|' || pg_backend_pid() || '|'
                                 || (extract(epoch FROM now()) * 1000000)::bigint, 'UTF8')), 'hex')
      FROM core.identity_keys AS k
     WHERE k.purpose = 'seal'
$$;

COMMENT ON FUNCTION core.seal_app_user(uuid) IS
    'HMAC of (user id, backend pid, transaction start) under this database''s seal key: the value api.act_as stores in app.user_seal and core.current_user_id() checks.';

REVOKE EXECUTE ON FUNCTION core.seal_app_user(uuid) FROM PUBLIC;
