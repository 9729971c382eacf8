"""api.dba_largest_tables shows the size of plain tables as well as partitioned ones (it showed NULL
for every plain table, and sorted those first)."""


def sizes(db, name):
    return db.execute("SELECT is_partitioned, partitions, total_bytes, index_bytes, estimated_rows, total_size "
                      "FROM api.dba_largest_tables WHERE schema_name = 'ops' AND table_name = %s", (name,)).fetchall()


def test_plain_and_partitioned_tables_both_show_their_sizes(db):
    db.execute("CREATE TABLE ops.trust_plain (id bigint PRIMARY KEY, payload text)")
    db.execute("INSERT INTO ops.trust_plain SELECT g, repeat(md5(g::text), 4) FROM generate_series(1, 20000) g")
    db.execute("CREATE TABLE ops.trust_parted (id bigint, at date, payload text, PRIMARY KEY (id, at)) PARTITION BY RANGE (at)")
    db.execute("CREATE TABLE ops.trust_parted_p2025 PARTITION OF ops.trust_parted FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')")
    db.execute("CREATE TABLE ops.trust_parted_p2026 PARTITION OF ops.trust_parted FOR VALUES FROM ('2026-01-01') TO ('2027-01-01')")
    db.execute("INSERT INTO ops.trust_parted SELECT g, date '2025-01-01' + (g % 700), repeat(md5(g::text), 4) "
               "FROM generate_series(1, 30000) g")
    db.execute("ANALYZE ops.trust_plain, ops.trust_parted")
    db.commit()

    plain = db.execute("SELECT pg_total_relation_size('ops.trust_plain'), pg_indexes_size('ops.trust_plain')").fetchone()
    assert plain[0] > 1_000_000
    assert sizes(db, "trust_plain") == [(False, 0, plain[0], plain[1], 20000,
                                         db.execute("SELECT pg_size_pretty(%s::bigint)", (plain[0],)).fetchone()[0])]

    parts = db.execute("SELECT sum(pg_total_relation_size(c)), sum(pg_indexes_size(c)) FROM unnest("
                       "ARRAY['ops.trust_parted_p2025'::regclass, 'ops.trust_parted_p2026'::regclass]) c").fetchone()
    [(is_partitioned, n, total, index, rows, _)] = sizes(db, "trust_parted")
    assert (is_partitioned, n, total, index, rows) == (True, 2, parts[0], parts[1], 30000)

    # the largest come first: no table without a size ahead of them
    listed = db.execute("SELECT table_name, total_bytes FROM api.dba_largest_tables").fetchall()
    assert all(b is not None for _, b in listed)
    assert [b for _, b in listed] == sorted((b for _, b in listed), reverse=True)
    assert [t for t, _ in listed[:2]] == ["trust_parted", "trust_plain"]
