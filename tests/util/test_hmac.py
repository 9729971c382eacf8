"""util.hmac_sha256 against the RFC 4231 test vectors (HMAC-SHA256)."""
import pytest

# (key hex, data, expected HMAC-SHA256 hex) — RFC 4231 test cases 1, 2, 3, 6 (a key longer than the block)
VECTORS = [
    ("0b" * 20, b"Hi There", "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
    ("4a656665", b"what do ya want for nothing?", "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
    ("aa" * 20, bytes.fromhex("dd" * 50), "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"),
    ("aa" * 131, b"Test Using Larger Than Block-Size Key - Hash Key First",
     "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"),
]


@pytest.mark.parametrize("key,data,expected", VECTORS)
def test_hmac_sha256_matches_rfc_4231(db, key, data, expected):
    got = db.execute("SELECT encode(util.hmac_sha256(decode(%s, 'hex'), %s), 'hex')", (key, data)).fetchone()[0]
    assert got == expected


@pytest.mark.parametrize("key,data,expected", VECTORS[:3])
def test_hmac_from_padded_keys_equals_hmac(db, key, data, expected):
    got = db.execute(
        "WITH k AS (SELECT rpad(%s, 128, '0') AS h) "
        "SELECT encode(util.hmac_sha256_keyed("
        "  decode((SELECT string_agg(lpad(to_hex(get_byte(decode(h, 'hex'), i) # 54), 2, '0'), '' ORDER BY i) FROM generate_series(0, 63) i), 'hex'),"
        "  decode((SELECT string_agg(lpad(to_hex(get_byte(decode(h, 'hex'), i) # 92), 2, '0'), '' ORDER BY i) FROM generate_series(0, 63) i), 'hex'),"
        "  %s), 'hex') FROM k", (key, data)).fetchone()[0]
    assert got == expected


def test_hmac_is_not_executable_by_the_app_roles(db):
    for role in ("assistant_app", "assistant_readonly", "assistant_service"):
        assert not db.execute("SELECT has_function_privilege(%s, 'util.hmac_sha256(bytea,bytea)', 'EXECUTE')",
                              (role,)).fetchone()[0]
