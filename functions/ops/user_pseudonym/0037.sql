-- ops.user_pseudonym(user id): the one stable pseudonym that replaces an erased user's id
-- everywhere (audit rows, logs, other users' data that mention it).
--
-- A UUID (version 8, RFC 9562's custom layout) made of HMAC-SHA256(per-database key, id): the
-- same user always gets the same pseudonym, so an erasure is idempotent and the facts left behind
-- still say "these events were the same person"; without the key (ops.erasure_secrets, random,
-- readable by no role but the owner) the id cannot be recovered from it, nor a guessed id checked.
-- Internal: executable by its owner only.
CREATE OR REPLACE FUNCTION ops.user_pseudonym(p_user_id uuid)
RETURNS uuid
LANGUAGE plpgsql
STABLE
STRICT
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_bytes bytea;
BEGIN
    SELECT substr(util.hmac_sha256(s.pseudonym_key, convert_to('assistant-db erasure v1 pseudonym', 'UTF8') || uuid_send(p_user_id)), 1, 16)
      INTO v_bytes
      FROM ops.erasure_secrets AS s;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'ops.erasure_secrets holds no pseudonym key'
            USING ERRCODE = '55000', HINT = 'It is created by migration 0037_create_user_erasure; restore it from a backup of this database (a new key would give erased users new pseudonyms).';
    END IF;
    v_bytes := set_byte(v_bytes, 6, (get_byte(v_bytes, 6) & 15) | 128);   -- version 8
    v_bytes := set_byte(v_bytes, 8, (get_byte(v_bytes, 8) & 63) | 128);   -- RFC 9562 variant
    RETURN encode(v_bytes, 'hex')::uuid;
END;
$$;

COMMENT ON FUNCTION ops.user_pseudonym(uuid) IS
    'The stable pseudonym (UUID version 8) of a user id: HMAC-SHA256 under the per-database key of ops.erasure_secrets, so it cannot be reversed or checked without that key. Used by api.erase_user.';

REVOKE EXECUTE ON FUNCTION ops.user_pseudonym(uuid) FROM PUBLIC;
