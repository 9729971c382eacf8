#!/usr/bin/env python3
"""Schema documentation generated from the live catalog: docs/schema/.

    make docs                                   # throwaway cluster, every migration, then generate
    .venv/bin/python docs/generate.py --database URL --out DIR   # document an existing database
    .venv/bin/python docs/generate.py --check   # fail when docs/schema/ is not what make docs writes

Hand-written (under 1,000 lines) rather than tbls or SchemaSpy: neither installs from PyPI, Debian or
npm here (tbls ships as a Go binary from GitHub releases, SchemaSpy as a Java jar plus Graphviz),
and neither knows this package's conventions: the partition policies of maint.partition_policies,
the four assistant_* roles whose access each page must show, the per-area ER diagrams. Debian's
postgresql-autodoc writes HTML and Graphviz, not Markdown with Mermaid that GitHub renders.

What the output may contain, so that it is byte-for-byte reproducible on every fresh database
(any name, port, PostgreSQL 15 or 18):
- nothing that depends on the date, on oids, on sizes or row counts: concrete partitions
  (messages_p202611) are never listed, only the partitioning scheme and its policy row;
- catalog text only from functions whose output is the same on 15 and 18 (format_type,
  pg_get_expr, pg_get_constraintdef, pg_get_indexdef, pg_get_triggerdef), printed with
  search_path = pg_catalog so every project name is schema-qualified. A view's definition is left
  out (pg_get_viewdef drops column qualifications from 16 on): its page lists what it reads and
  links the migration that creates it;
- everything sorted in Python by name (never by the server's collation); columns by position.
"""
from __future__ import annotations

import argparse
import contextlib
import filecmp
import re
import shutil
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOCS_OUT = ROOT / "docs" / "schema"

SCHEMAS = ["util", "maint", "core", "ops", "api", "archive"]
ROLES = ["assistant_app", "assistant_readonly", "assistant_service", "assistant_owner"]
# Columns whose meaning the name says (as the catalog lint in tests/test_catalog.py): no comment needed.
OBVIOUS_COLUMNS = {"id", "created_at", "updated_at"}
# Detached partitions land in archive with date-dependent names: never documented.
PARTITION_NAME_RE = re.compile(r"_p\d{6}(\d{2})?$")

# ER diagram areas, in the order the index shows them: (slug, title, what it covers).
AREAS = [
    ("conversational-core", "Conversational core",
     "Users and their credentials, conversations and their messages."),
    ("agent-work-and-memory", "Agent work and memory",
     "What agents did and must still do (tasks, events, actions, reminders) and what the assistant remembers."),
    ("operations-and-analytics", "Operations and analytics",
     "Processes and their executions, metrics, alerts, analytics and dashboards."),
    ("audit-logs-and-configuration", "Audit, logs and configuration",
     "Audit trail, system logs, configuration, and the partition maintenance policies."),
]
# Which area a table belongs to: the first rule (schema, regex on the table name) that matches.
# Tables no rule matches land in the fallback area, shown in the index and warned about by
# `make docs` and the tests, so a new table is never left out of the diagrams.
AREA_RULES = [
    ("core", r"^(users?|credentials?|conversations?|messages?|attachments?|user_|conversation_|message_|identity_|imported_|search_)",
     "conversational-core"),
    ("core", r"^(tasks?|events?|actions?|reminders?|memor(y|ies)|agents?)(_|$)", "agent-work-and-memory"),
    ("ops", r"(^|_)(audit|logs?|config|configuration|settings?|feature_flags?|secrets?|parameters?)(_|$)",
     "audit-logs-and-configuration"),
    ("ops", r"(^|_)(process|processes|executions?|runs?|jobs?|metrics?|alerts?|analytics?|dashboards?|reports?|"
            r"health|usage|stats?|statistics|incidents?|kpis?|sessions?|costs?|latenc(y|ies)|errors?|tools?|endpoints?)(_|$)",
     "operations-and-analytics"),
    ("maint", r".", "audit-logs-and-configuration"),
    ("util", r".", "audit-logs-and-configuration"),
]
FALLBACK_AREA = ("other", "Other tables", "Tables no rule of AREA_RULES in docs/generate.py matches yet: give them an area there.")

RELKIND = {"r": "table", "p": "partitioned table", "v": "view", "m": "materialized view", "f": "foreign table"}
PROKIND = {"f": "function", "p": "procedure", "a": "aggregate", "w": "window function"}
VOLATILITY = {"i": "IMMUTABLE", "s": "STABLE", "v": "VOLATILE"}
PARALLEL = {"s": "PARALLEL SAFE", "r": "PARALLEL RESTRICTED", "u": "PARALLEL UNSAFE"}
POLCMD = {"r": "SELECT", "a": "INSERT", "w": "UPDATE", "d": "DELETE", "*": "ALL"}
FK_ACTION = {"a": "NO ACTION", "r": "RESTRICT", "c": "CASCADE", "n": "SET NULL", "d": "SET DEFAULT"}
TABLE_PRIVILEGES = ["SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE"]
COLUMN_PRIVILEGES = {"SELECT", "INSERT", "UPDATE"}


# --------------------------------------------------------------------------------------------
# Catalog model
# --------------------------------------------------------------------------------------------
@dataclass
class Column:
    num: int
    name: str
    type: str
    not_null: bool
    default: str | None
    generated: str  # '' | 's' (stored) | 'v' (virtual, PostgreSQL 18)
    identity: str  # '' | 'a' | 'd'
    comment: str | None


@dataclass
class Relation:
    oid: int
    schema: str
    name: str
    kind: str
    comment: str | None
    rls: bool
    rls_forced: bool
    options: list[str]
    partition_key: str | None
    default_partition: str | None
    columns: list[Column] = field(default_factory=list)
    constraints: list[dict] = field(default_factory=list)
    indexes: list[dict] = field(default_factory=list)
    triggers: list[dict] = field(default_factory=list)
    policies: list[dict] = field(default_factory=list)
    access: dict[str, dict] = field(default_factory=dict)
    policy_row: dict | None = None
    reads: list[tuple[str, str]] = field(default_factory=list)  # (kind, qualified name)
    read_by: list[str] = field(default_factory=list)
    referenced_by: list[dict] = field(default_factory=list)

    @property
    def qname(self) -> str:
        return f"{self.schema}.{self.name}"

    @property
    def is_view(self) -> bool:
        return self.kind in ("v", "m")


@dataclass
class Function:
    oid: int
    schema: str
    name: str
    kind: str
    identity_args: str
    args: str
    result: str | None
    language: str
    volatility: str
    strict: bool
    security_definer: bool
    leakproof: bool
    parallel: str
    config: list[str]
    comment: str | None
    returns_trigger: bool
    execute: dict[str, bool] = field(default_factory=dict)
    schema_usage: dict[str, bool] = field(default_factory=dict)
    trigger_of: list[str] = field(default_factory=list)

    @property
    def qname(self) -> str:
        return f"{self.schema}.{self.name}"

    @property
    def signature(self) -> str:
        return f"{self.schema}.{self.name}({self.identity_args})"


@dataclass
class Catalog:
    schemas: list[tuple[str, str | None]]
    relations: list[Relation]
    functions: list[Function]
    enums: list[dict]
    domains: list[dict]
    composites: list[dict]
    ts_configs: list[dict] = field(default_factory=list)

    def relation(self, qname: str) -> Relation | None:
        return next((r for r in self.relations if r.qname == qname), None)


def _rows(conn, query: str, params=None):
    return conn.execute(query, params).fetchall()


def read_catalog(conn) -> Catalog:
    """Everything the pages show, read in one REPEATABLE READ snapshot."""
    conn.execute("SET search_path = pg_catalog")  # every project name printed schema-qualified
    conn.execute("SET IntervalStyle = postgres")
    conn.execute("SET DateStyle = 'ISO, YMD'")
    present = {r[0] for r in _rows(conn, "SELECT nspname FROM pg_namespace WHERE nspname = ANY(%s)", (SCHEMAS,))}
    schemas = [s for s in SCHEMAS if s in present]

    schema_rows = {r[0]: r[1] for r in _rows(
        conn, "SELECT nspname, obj_description(oid, 'pg_namespace') FROM pg_namespace WHERE nspname = ANY(%s)",
        (schemas,))}

    not_extension = ("NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = {cls}::regclass "
                     "AND d.objid = {obj} AND d.deptype = 'e')")

    relations: dict[int, Relation] = {}
    for (oid, nsp, name, kind, comment, rls, forced, options, partkey, defpart) in _rows(conn, f"""
            SELECT c.oid, n.nspname, c.relname, c.relkind::text, obj_description(c.oid, 'pg_class'),
                   c.relrowsecurity, c.relforcerowsecurity, coalesce(c.reloptions, '{{}}'),
                   CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END,
                   CASE WHEN pt.partdefid <> 0 THEN pt.partdefid::regclass::text END
              FROM pg_class c
              JOIN pg_namespace n ON n.oid = c.relnamespace
              LEFT JOIN pg_partitioned_table pt ON pt.partrelid = c.oid
             WHERE n.nspname = ANY(%s) AND c.relkind IN ('r', 'p', 'v', 'm', 'f') AND NOT c.relispartition
               AND {not_extension.format(cls="'pg_class'", obj='c.oid')}""", (schemas,)):
        if nsp == "archive" and PARTITION_NAME_RE.search(name):
            continue
        relations[oid] = Relation(oid, nsp, name, kind, comment, rls, forced, sorted(options), partkey, defpart)
    oids = list(relations)

    for (relid, num, name, typ, notnull, default, generated, identity, comment) in _rows(conn, """
            SELECT a.attrelid, a.attnum, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
                   pg_get_expr(d.adbin, d.adrelid), a.attgenerated::text, a.attidentity::text,
                   col_description(a.attrelid, a.attnum)
              FROM pg_attribute a
              LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
             WHERE a.attrelid = ANY(%s) AND a.attnum > 0 AND NOT a.attisdropped""", (oids,)):
        relations[relid].columns.append(Column(num, name, typ, notnull, default, generated, identity, comment))
    for r in relations.values():
        r.columns.sort(key=lambda c: c.num)

    # conparentid = 0: a foreign key referencing a partitioned table has one hidden clone per
    # partition (date-named); contype 'n' (PostgreSQL 18's NOT NULL constraints) shows as NOT NULL.
    for (relid, name, contype, definition, conkey, frelid, fkey, deltype, updtype, deferrable, deferred,
         validated, comment) in _rows(conn, """
            SELECT co.conrelid, co.conname, co.contype::text, pg_get_constraintdef(co.oid, true),
                   co.conkey, co.confrelid, co.confkey, co.confdeltype::text, co.confupdtype::text,
                   co.condeferrable, co.condeferred, co.convalidated, obj_description(co.oid, 'pg_constraint')
              FROM pg_constraint co
             WHERE co.conrelid = ANY(%s) AND co.contype IN ('p', 'u', 'f', 'c', 'x') AND co.conparentid = 0""",
            (oids,)):
        rel = relations[relid]
        cols = [c.name for k in conkey or [] for c in rel.columns if c.num == k]
        relations[relid].constraints.append(dict(
            name=name, type=contype, definition=definition, columns=cols, ref_oid=frelid, ref_nums=fkey,
            on_delete=FK_ACTION.get(deltype), on_update=FK_ACTION.get(updtype), deferrable=deferrable,
            deferred=deferred, validated=validated, comment=comment))

    for (relid, name, definition, unique, primary, constraint, comment, predicate) in _rows(conn, """
            SELECT x.indrelid, i.relname, pg_get_indexdef(x.indexrelid), x.indisunique, x.indisprimary,
                   (SELECT co.conname FROM pg_constraint co WHERE co.conindid = x.indexrelid
                       AND co.conrelid = x.indrelid AND co.contype IN ('p', 'u', 'x')),
                   obj_description(x.indexrelid, 'pg_class'), x.indpred IS NOT NULL
              FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
             WHERE x.indrelid = ANY(%s)""", (oids,)):
        m = re.search(r" USING (.*)$", definition)
        relations[relid].indexes.append(dict(
            name=name, definition=m.group(1) if m else definition, unique=unique, primary=primary,
            constraint=constraint, comment=comment, partial=predicate))

    for (relid, name, definition, enabled, comment, func) in _rows(conn, """
            SELECT t.tgrelid, t.tgname, pg_get_triggerdef(t.oid, true), t.tgenabled::text,
                   obj_description(t.oid, 'pg_trigger'), t.tgfoid
              FROM pg_trigger t
             WHERE t.tgrelid = ANY(%s) AND NOT t.tgisinternal""", (oids,)):
        relations[relid].triggers.append(dict(name=name, definition=definition, enabled=enabled,
                                              comment=comment, function_oid=func))

    for (relid, name, cmd, permissive, roles, using, check, comment) in _rows(conn, """
            SELECT p.polrelid, p.polname, p.polcmd::text, p.polpermissive,
                   ARRAY(SELECT CASE WHEN r = 0 THEN 'public' ELSE r::regrole::text END
                           FROM unnest(p.polroles) r),
                   pg_get_expr(p.polqual, p.polrelid), pg_get_expr(p.polwithcheck, p.polrelid),
                   obj_description(p.oid, 'pg_policy')
              FROM pg_policy p WHERE p.polrelid = ANY(%s)""", (oids,)):
        relations[relid].policies.append(dict(name=name, command=POLCMD[cmd], permissive=permissive,
                                              roles=sorted(roles), using=using, check=check, comment=comment))

    # Access of each role: schema USAGE, table privileges, and column privileges where a role has
    # a privilege on some columns only (GRANT UPDATE (a, b) ...).
    for (relid, role, usage, *privs) in _rows(conn, """
            SELECT c.oid, r.rolname, has_schema_privilege(r.rolname, c.relnamespace, 'USAGE'),
                   has_table_privilege(r.rolname, c.oid, 'SELECT'), has_table_privilege(r.rolname, c.oid, 'INSERT'),
                   has_table_privilege(r.rolname, c.oid, 'UPDATE'), has_table_privilege(r.rolname, c.oid, 'DELETE'),
                   has_table_privilege(r.rolname, c.oid, 'TRUNCATE')
              FROM pg_class c CROSS JOIN pg_roles r
             WHERE c.oid = ANY(%s) AND r.rolname = ANY(%s)""", (oids, ROLES)):
        relations[relid].access[role] = dict(usage=usage, **{p: ("yes" if v else "no")
                                                             for p, v in zip(TABLE_PRIVILEGES, privs)})
    for (relid, role, priv, cols) in _rows(conn, """
            SELECT c.oid, r.rolname, p.priv,
                   array_agg(a.attname::text ORDER BY a.attnum)
              FROM pg_class c CROSS JOIN pg_roles r
             CROSS JOIN unnest(ARRAY['SELECT', 'INSERT', 'UPDATE']) p(priv)
              JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
             WHERE c.oid = ANY(%s) AND r.rolname = ANY(%s)
               AND NOT has_table_privilege(r.rolname, c.oid, p.priv)
               AND has_column_privilege(r.rolname, c.oid, a.attnum, p.priv)
             GROUP BY 1, 2, 3""", (oids, ROLES)):
        relations[relid].access[role][priv] = "columns: " + ", ".join(cols)

    if _rows(conn, "SELECT to_regclass('maint.partition_policies') IS NOT NULL")[0][0]:
        for (relid, interval, premake, retention, action) in _rows(conn, """
                SELECT parent::oid, partition_interval, premake, retention::text, retention_action
                  FROM maint.partition_policies"""):
            if relid in relations:
                relations[relid].policy_row = dict(interval=interval, premake=premake, retention=retention,
                                                   action=action)

    # What each view reads (relations and functions), from the dependencies of its rewrite rule.
    view_oids = [o for o, r in relations.items() if r.is_view]
    for (viewid, kind, name) in _rows(conn, """
            SELECT DISTINCT rw.ev_class,
                   CASE WHEN d.refclassid = 'pg_class'::regclass THEN 'relation' ELSE 'function' END,
                   CASE WHEN d.refclassid = 'pg_class'::regclass THEN d.refobjid::regclass::text
                        ELSE d.refobjid::regprocedure::text END
              FROM pg_rewrite rw
              JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = rw.oid
             WHERE rw.ev_class = ANY(%s) AND d.refobjid <> rw.ev_class
               AND d.refclassid IN ('pg_class'::regclass, 'pg_proc'::regclass)
               AND NOT (d.refclassid = 'pg_proc'::regclass AND d.refobjid < 16384)""", (view_oids,)):
        relations[viewid].reads.append((kind, name))
    by_qname = {r.qname: r for r in relations.values()}
    for r in relations.values():
        r.reads.sort()
        for kind, name in r.reads:
            if kind == "relation" and name in by_qname:
                by_qname[name].read_by.append(r.qname)
    for r in relations.values():
        r.read_by.sort()
        for con in r.constraints:
            if con["type"] == "f":
                target = relations.get(con["ref_oid"])
                con["ref_name"] = target.qname if target else _rows(
                    conn, "SELECT %s::oid::regclass::text", (con["ref_oid"],))[0][0]
                con["ref_columns"] = [c.name for k in con["ref_nums"] for c in (target.columns if target else [])
                                      if c.num == k]
                if target:
                    target.referenced_by.append(dict(table=r.qname, constraint=con["name"],
                                                     columns=con["columns"], ref_columns=con["ref_columns"]))
        r.constraints.sort(key=lambda c: c["name"])
        r.indexes.sort(key=lambda i: i["name"])
        r.triggers.sort(key=lambda t: t["name"])
        r.policies.sort(key=lambda p: p["name"])
    for r in relations.values():
        r.referenced_by.sort(key=lambda x: (x["table"], x["constraint"]))

    functions: dict[int, Function] = {}
    for row in _rows(conn, f"""
            SELECT p.oid, n.nspname, p.proname, p.prokind::text, pg_get_function_identity_arguments(p.oid),
                   pg_get_function_arguments(p.oid), pg_get_function_result(p.oid), l.lanname,
                   p.provolatile::text, p.proisstrict, p.prosecdef, p.proleakproof, p.proparallel::text,
                   coalesce(p.proconfig, '{{}}'), obj_description(p.oid, 'pg_proc'),
                   p.prorettype = 'trigger'::regtype
              FROM pg_proc p
              JOIN pg_namespace n ON n.oid = p.pronamespace
              JOIN pg_language l ON l.oid = p.prolang
             WHERE n.nspname = ANY(%s) AND {not_extension.format(cls="'pg_proc'", obj='p.oid')}""", (schemas,)):
        functions[row[0]] = Function(*row)
    for (fid, role, usage, execute) in _rows(conn, """
            SELECT p.oid, r.rolname, has_schema_privilege(r.rolname, p.pronamespace, 'USAGE'),
                   has_function_privilege(r.rolname, p.oid, 'EXECUTE')
              FROM pg_proc p CROSS JOIN pg_roles r WHERE p.oid = ANY(%s) AND r.rolname = ANY(%s)""",
            (list(functions), ROLES)):
        functions[fid].execute[role] = execute
        functions[fid].schema_usage[role] = usage
    for r in relations.values():
        for t in r.triggers:
            f = functions.get(t["function_oid"])
            t["function"] = f.signature if f else _rows(conn, "SELECT %s::oid::regprocedure::text",
                                                        (t["function_oid"],))[0][0]
            if f:
                f.trigger_of.append(f"{r.qname}.{t['name']}")
    for f in functions.values():
        f.trigger_of.sort()

    enums = [dict(name=n, values=list(v), comment=c) for n, v, c in _rows(conn, """
            SELECT t.oid::regtype::text, ARRAY(SELECT e.enumlabel::text FROM pg_enum e WHERE e.enumtypid = t.oid
                                               ORDER BY e.enumsortorder),
                   obj_description(t.oid, 'pg_type')
              FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
             WHERE n.nspname = ANY(%s) AND t.typtype = 'e'""", (schemas,))]
    domains = [dict(name=n, base=b, not_null=nn, default=d, checks=sorted(ch or []), comment=c)
               for n, b, nn, d, ch, c in _rows(conn, """
            SELECT t.oid::regtype::text, format_type(t.typbasetype, t.typtypmod), t.typnotnull, t.typdefault,
                   ARRAY(SELECT co.conname || ': ' || pg_get_constraintdef(co.oid, true) FROM pg_constraint co
                          WHERE co.contypid = t.oid AND co.contype = 'c'),
                   obj_description(t.oid, 'pg_type')
              FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
             WHERE n.nspname = ANY(%s) AND t.typtype = 'd'""", (schemas,))]
    composites = [dict(name=n, attributes=list(a), comment=c) for n, a, c in _rows(conn, """
            SELECT t.oid::regtype::text,
                   ARRAY(SELECT a.attname || ' ' || format_type(a.atttypid, a.atttypmod) FROM pg_attribute a
                          WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum),
                   obj_description(t.oid, 'pg_type')
              FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
              JOIN pg_class c ON c.oid = t.typrelid AND c.relkind = 'c'
             WHERE n.nspname = ANY(%s) AND t.typtype = 'c'""", (schemas,))]

    ts_configs = [dict(name=n, parser=p, comment=c) for n, p, c in _rows(conn, """
            SELECT cfg.oid::regconfig::text, prs.prsname, obj_description(cfg.oid, 'pg_ts_config')
              FROM pg_ts_config cfg JOIN pg_namespace n ON n.oid = cfg.cfgnamespace
              JOIN pg_ts_parser prs ON prs.oid = cfg.cfgparser
             WHERE n.nspname = ANY(%s)""", (schemas,))]

    return Catalog(
        ts_configs=sorted(ts_configs, key=lambda t: t["name"]),
        schemas=[(s, schema_rows.get(s)) for s in schemas],
        relations=sorted(relations.values(), key=lambda r: (r.schema, r.name)),
        functions=sorted(functions.values(), key=lambda f: (f.schema, f.name, f.identity_args)),
        enums=sorted(enums, key=lambda e: e["name"]),
        domains=sorted(domains, key=lambda d: d["name"]),
        composites=sorted(composites, key=lambda d: d["name"]))


def missing_comments(cat: Catalog) -> list[str]:
    """Tables, views, functions and columns without a COMMENT (columns named id, created_at,
    updated_at excepted, as in the catalog lint)."""
    out = []
    for r in cat.relations:
        if not r.comment:
            out.append(f"{RELKIND[r.kind]} {r.qname}")
        for c in r.columns:
            if not c.comment and c.name not in OBVIOUS_COLUMNS:
                out.append(f"column {r.qname}.{c.name}")
    for f in cat.functions:
        if not f.comment:
            out.append(f"{PROKIND.get(f.kind, 'function')} {f.signature}")
    for t in cat.enums + cat.domains + cat.composites:
        if not t["comment"]:
            out.append(f"type {t['name']}")
    return out


# --------------------------------------------------------------------------------------------
# Areas and Mermaid
# --------------------------------------------------------------------------------------------
def area_of(rel: Relation) -> str:
    for schema, pattern, slug in AREA_RULES:
        if rel.schema == schema and re.search(pattern, rel.name):
            return slug
    return FALLBACK_AREA[0]


def unassigned_tables(cat: Catalog) -> list[str]:
    return [r.qname for r in cat.relations if not r.is_view and area_of(r) == FALLBACK_AREA[0]]


def mermaid_id(qname: str) -> str:
    """An entity or attribute name Mermaid accepts: core.messages -> core_messages."""
    name = re.sub(r"[^A-Za-z0-9_]", "_", qname)
    return name if re.match(r"[A-Za-z_]", name) else "_" + name


def mermaid_type(typ: str) -> str:
    """A column type as a Mermaid attribute type: one word, schema prefix dropped."""
    short = {"timestamp with time zone": "timestamptz", "timestamp without time zone": "timestamp",
             "time with time zone": "timetz", "time without time zone": "time",
             "character varying": "varchar", "double precision": "float8", "bit varying": "varbit"}
    array = ""
    while typ.endswith("[]"):
        typ, array = typ[:-2], array + "[]"
    typ = re.sub(r"\(.*\)$", "", typ).split(".")[-1].strip('"')
    typ = short.get(typ, typ)
    return re.sub(r"[^A-Za-z0-9_]", "_", typ) + array


def mermaid_diagram(cat: Catalog, slug: str) -> str:
    tables = [r for r in cat.relations if not r.is_view and area_of(r) == slug]
    lines = ["erDiagram"]
    for r in tables:
        keys: dict[str, list[str]] = {}
        for con in r.constraints:
            tag = {"p": "PK", "f": "FK", "u": "UK"}.get(con["type"])
            if tag:
                for col in con["columns"]:
                    keys.setdefault(col, [])
                    if tag not in keys[col]:
                        keys[col].append(tag)
        if not r.columns:  # Mermaid refuses an empty attribute block
            lines.append(f"    {mermaid_id(r.qname)}")
            continue
        lines.append(f"    {mermaid_id(r.qname)} {{")
        for c in r.columns:
            tags = sorted(keys.get(c.name, []), key=["PK", "FK", "UK"].index)
            lines.append(f"        {mermaid_type(c.type)} {mermaid_id(c.name)}" + (" " + ", ".join(tags) if tags else ""))
        lines.append("    }")
    rels = []  # tables of other areas referenced here appear as bare entities
    for r in tables:
        for con in r.constraints:
            if con["type"] != "f":
                continue
            nullable = any(not c.not_null for c in r.columns if c.name in con["columns"])
            unique = any(set(o["columns"]) == set(con["columns"]) for o in r.constraints if o["type"] in "pu")
            parent = "|o" if nullable else "||"
            child = "o|" if unique else "o{"
            rels.append(f"    {mermaid_id(con['ref_name'])} {parent}--{child} {mermaid_id(r.qname)} : \"{con['name']}\"")
    lines.extend(sorted(rels))
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------------------------
# Markdown
# --------------------------------------------------------------------------------------------
def cell(text) -> str:
    """A Markdown table cell: one line, pipes escaped."""
    if text is None:
        return ""
    return re.sub(r"\s*\n\s*", " ", str(text)).replace("|", "\\|").strip()


def code(text) -> str:
    """Inline code in a table cell (backticks inside are replaced, pipes escaped)."""
    if text is None or text == "":
        return ""
    return "`" + cell(text).replace("`", "'") + "`"


def first_sentence(text: str | None) -> str:
    if not text:
        return ""
    m = re.match(r"(.+?\.)\s+(?=[A-Z])", text.strip())
    return cell(m.group(1) if m else text)


def table(header: list[str], rows: list[list[str]]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    out += ["| " + " | ".join(row) + " |" for row in rows]
    return out


def rel_path(r: Relation) -> str:
    return f"{'views' if r.is_view else 'tables'}/{r.qname}.md"


def fn_path(f: Function) -> str:
    return f"functions/{f.qname}.md"


GENERATED_NOTE = ("Generated by [`docs/generate.py`]({up}generate.py) from the catalog of a freshly migrated "
                  "database (`make docs`). Do not edit: change the migration (`COMMENT ON ...`) and run `make docs`.")


def link_relation(cat: Catalog, qname: str, up: str) -> str:
    r = cat.relation(qname)
    return f"[`{qname}`]({up}{rel_path(r)})" if r else f"`{qname}`"


def link_function(cat: Catalog, signature: str, up: str) -> str:
    f = next((f for f in cat.functions if f.signature == signature), None)
    return f"[`{signature}`]({up}{fn_path(f)})" if f else f"`{signature}`"


def access_rows(access: dict[str, dict], privileges: list[str]) -> list[list[str]]:
    rows = []
    for role in ROLES:
        a = access.get(role)
        if a is None:
            continue
        rows.append([f"`{role}`", "yes" if a["usage"] else "no"] + [cell(a[p]) for p in privileges])
    return rows


def source_migration(r: Relation) -> str | None:
    """The last migration that creates (or replaces) the relation, from the project's files."""
    kind = "VIEW" if r.is_view else "TABLE"
    pattern = re.compile(rf"CREATE\s+(OR\s+REPLACE\s+)?(MATERIALIZED\s+|UNLOGGED\s+|FOREIGN\s+)?{kind}\s+"
                         rf"(IF\s+NOT\s+EXISTS\s+)?{re.escape(r.schema)}\.{re.escape(r.name)}\b", re.IGNORECASE)
    found = None
    for path in sorted((ROOT / "migrations").glob("*.sql")):
        if not path.name.endswith(".rollback.sql") and pattern.search(path.read_text(encoding="utf-8")):
            found = f"migrations/{path.name}"
    return found


def relation_page(cat: Catalog, r: Relation) -> str:
    up = "../"
    out = [f"# {RELKIND[r.kind]} `{r.qname}`", "", GENERATED_NOTE.format(up="../../"), ""]
    out += [cell(r.comment) if r.comment else "_No comment._", ""]
    facts = []
    source = source_migration(r)
    if source:
        facts.append(f"- Created by: [`{source}`](../../../{source})")
    if not r.is_view:
        area = area_of(r)
        title = next((a[1] for a in AREAS if a[0] == area), FALLBACK_AREA[1])
        facts.append(f"- ER diagram: [{title}](../README.md#{area})")
    if r.options:
        facts.append("- Options: " + ", ".join(f"`{o}`" for o in r.options))
    if not r.is_view:
        facts.append("- Row-level security: " + (("enabled, forced" if r.rls_forced else "enabled")
                                                 if r.rls else "not enabled"))
    out += facts + ([""] if facts else [])

    out += ["## Columns", ""]
    rows = []
    for c in r.columns:
        default = c.default
        if c.generated:
            default = f"GENERATED ALWAYS AS ({c.default}) {'STORED' if c.generated == 's' else 'VIRTUAL'}"
        elif c.identity:
            default = f"GENERATED {'ALWAYS' if c.identity == 'a' else 'BY DEFAULT'} AS IDENTITY"
        rows.append([f"`{c.name}`", code(c.type), "" if c.not_null else "yes", code(default), cell(c.comment)])
    if r.is_view:  # a view's columns carry no NOT NULL, and rarely a default
        keep = [0, 1, 3, 4] if any(c.default for c in r.columns) else [0, 1, 4]
        out += table([["column", "type", "nullable", "default", "comment"][i] for i in keep],
                     [[row[i] for i in keep] for row in rows]) + [""]
    else:
        out += table(["column", "type", "nullable", "default", "comment"], rows) + [""]

    if r.is_view:
        if r.reads:
            out += ["## Reads", ""]
            out += [f"- {link_relation(cat, n, up) if k == 'relation' else link_function(cat, n, up)}"
                    for k, n in r.reads] + [""]
        # pg_get_viewdef's text is not the same on PostgreSQL 15 and 16+ (16 drops the table
        # qualification of columns when the view reads one table): the source file says it instead.

    pk = [c for c in r.constraints if c["type"] == "p"]
    uk = [c for c in r.constraints if c["type"] in ("u", "x")]
    fk = [c for c in r.constraints if c["type"] == "f"]
    ck = [c for c in r.constraints if c["type"] == "c"]
    if pk or uk:
        out += ["## Primary and unique keys", ""]
        out += table(["constraint", "kind", "definition", "comment"],
                     [[f"`{c['name']}`", {"p": "primary key", "u": "unique", "x": "exclusion"}[c["type"]],
                       code(c["definition"]), cell(c["comment"])] for c in pk + uk]) + [""]
    if fk:
        out += ["## Foreign keys", ""]
        out += table(["constraint", "columns", "references", "on delete", "on update", "definition"],
                     [[f"`{c['name']}`", code(", ".join(c["columns"])),
                       link_relation(cat, c["ref_name"], up) + f" ({', '.join(c['ref_columns'])})",
                       c["on_delete"], c["on_update"], code(c["definition"])] for c in fk]) + [""]
    if r.referenced_by:
        out += ["## Referenced by", ""]
        out += [f"- {link_relation(cat, x['table'], up)} ({', '.join(x['columns'])}) "
                f"via `{x['constraint']}`" for x in r.referenced_by] + [""]
    if ck:
        out += ["## Check constraints", ""]
        out += table(["constraint", "definition", "comment"],
                     [[f"`{c['name']}`", code(c["definition"]) + ("" if c["validated"] else " (NOT VALID)"),
                       cell(c["comment"])] for c in ck]) + [""]
    if r.indexes:
        out += ["## Indexes", ""]
        out += table(["index", "unique", "definition", "comment"],
                     [[f"`{i['name']}`", "yes" if i["unique"] else "",
                       code("USING " + i["definition"]),
                       cell(i["comment"] or (f"backs constraint `{i['constraint']}`" if i["constraint"] else ""))]
                      for i in r.indexes]) + [""]
    if r.triggers:
        out += ["## Triggers", ""]
        out += table(["trigger", "function", "definition", "comment"],
                     [[f"`{t['name']}`", link_function(cat, t["function"], up),
                       code(re.sub(r"^CREATE (CONSTRAINT )?TRIGGER \S+ ", "", t["definition"])),
                       cell(t["comment"]) + ("" if t["enabled"] == "O" else f" (enabled: {t['enabled']})")]
                      for t in r.triggers]) + [""]
    if r.kind == "p":
        out += ["## Partitioning", ""]
        out += [f"- Partition key: `{r.partition_key}`"]
        out += [f"- Default partition: `{r.default_partition}`" if r.default_partition
                else "- Default partition: none"]
        if r.policy_row:
            p = r.policy_row
            scheme = {"day": f"{r.name}_pYYYYMMDD", "month": f"{r.name}_pYYYYMM"}.get(p["interval"], "")
            out += ["- Policy ([`maint.partition_policies`](../tables/maint.partition_policies.md)):",
                    f"  - interval: `{p['interval']}`" + (f", partitions named `{r.schema}.{scheme}`" if scheme else ""),
                    f"  - premake: {p['premake']} future partitions kept ready",
                    f"  - retention: `{p['retention']}`, then `{p['action']}`" if p["retention"]
                    else "  - retention: none (every partition is kept)"]
        else:
            out += ["- Policy: not registered in `maint.partition_policies` (partitions are not maintained)"]
        out += ["", "The partitions themselves depend on the date and are not listed here: "
                "`make partitions` (view `maint.partition_report`) shows them.", ""]
    if r.policies or r.rls:
        out += ["## Row-level security policies", ""]
        if not r.policies:
            out += ["RLS is enabled and no policy exists: only the owner and superusers see rows.", ""]
        else:
            out += table(["policy", "command", "roles", "using", "with check", "comment"],
                         [[f"`{p['name']}`", p["command"] + ("" if p["permissive"] else " (restrictive)"),
                           ", ".join(f"`{x}`" for x in p["roles"]), code(p["using"]), code(p["check"]),
                           cell(p["comment"])] for p in r.policies]) + [""]
    if r.read_by:
        out += ["## Read by views", ""] + [f"- {link_relation(cat, v, up)}" for v in r.read_by] + [""]

    out += ["## Access", "",
            "What each role may do here: `has_schema_privilege(..., 'USAGE')` on the schema and "
            "`has_table_privilege` / `has_column_privilege` on the relation"
            + (" (row-level security then filters the rows)." if r.rls else "."), ""]
    out += table(["role", "schema usage"] + TABLE_PRIVILEGES, access_rows(r.access, TABLE_PRIVILEGES))
    return "\n".join(out) + "\n"


def function_page(cat: Catalog, name: str, overloads: list[Function]) -> str:
    up = "../"
    f0 = overloads[0]
    kinds = sorted({("trigger function" if f.returns_trigger else PROKIND.get(f.kind, "function")) for f in overloads})
    out = [f"# {' / '.join(kinds)} `{name}`", "", GENERATED_NOTE.format(up="../../"), ""]
    # the newest version of its file: functions/<schema>/<name>/NNNN.sql
    versions = sorted((ROOT / "functions" / f0.schema / f0.name).glob("[0-9][0-9][0-9][0-9].sql"))
    if versions:
        src = versions[-1].relative_to(ROOT).as_posix()
        older = ", ".join(f"`{v.stem}`" for v in versions[:-1])
        out += [f"Source: [`{src}`](../../../{src})" + (f" (earlier versions: {older})" if older else ""), ""]
    for f in overloads:
        if len(overloads) > 1:
            out += [f"## `{f.signature}`", ""]
        out += [cell(f.comment) if f.comment else "_No comment._", ""]
        facts = [f"- Signature: `{f.signature}`"]
        if f.args != f.identity_args:
            facts.append(f"- Arguments: `{cell(f.args)}`")
        if f.result is not None:
            facts.append(f"- Returns: `{cell(f.result)}`")
        attrs = [f.language]
        if f.kind in ("f", "w"):
            attrs.append(VOLATILITY[f.volatility])
            if f.strict:
                attrs.append("STRICT")
            if f.leakproof:
                attrs.append("LEAKPROOF")
            attrs.append(PARALLEL[f.parallel])
        attrs.append("SECURITY DEFINER" if f.security_definer else "SECURITY INVOKER")
        facts.append("- Attributes: " + " ".join(f"`{a}`" for a in attrs))
        for setting in sorted(f.config):
            facts.append(f"- Setting: `SET {setting.split('=', 1)[0]} = {setting.split('=', 1)[1]}`")
        if f.trigger_of:
            facts.append("- Trigger function of: " + ", ".join(
                f"{link_relation(cat, t.rsplit('.', 1)[0], up)} (`{t.rsplit('.', 1)[1]}`)" for t in f.trigger_of))
        out += facts + [""]
        heading = "###" if len(overloads) > 1 else "##"
        out += [f"{heading} Access", "",
                "Who may call it: `has_schema_privilege(..., 'USAGE')` on the schema and "
                "`has_function_privilege(..., 'EXECUTE')`.", ""]
        out += table(["role", "schema usage", "EXECUTE"],
                     [[f"`{role}`", "yes" if f.schema_usage[role] else "no", "yes" if f.execute[role] else "no"]
                      for role in ROLES if role in f.execute]) + [""]
    return "\n".join(out).rstrip("\n") + "\n"


def types_page(cat: Catalog) -> str:
    out = ["# Types", "", GENERATED_NOTE.format(up="../"), ""]
    if cat.enums:
        out += ["## Enums", ""]
        out += table(["type", "values", "comment"],
                     [[f"`{e['name']}`", ", ".join(f"`{v}`" for v in e["values"]), cell(e["comment"])]
                      for e in cat.enums]) + [""]
    if cat.domains:
        out += ["## Domains", ""]
        out += table(["type", "base type", "not null", "default", "checks", "comment"],
                     [[f"`{d['name']}`", code(d["base"]), "yes" if d["not_null"] else "", code(d["default"]),
                       "<br>".join(code(c) for c in d["checks"]), cell(d["comment"])] for d in cat.domains]) + [""]
    if cat.composites:
        out += ["## Composite types", ""]
        out += table(["type", "attributes", "comment"],
                     [[f"`{t['name']}`", "<br>".join(code(a) for a in t["attributes"]), cell(t["comment"])]
                      for t in cat.composites]) + [""]
    if cat.ts_configs:
        out += ["## Text search configurations", ""]
        out += table(["configuration", "parser", "comment"],
                     [[f"`{t['name']}`", f"`{t['parser']}`", cell(t["comment"])] for t in cat.ts_configs]) + [""]
    if not (cat.enums or cat.domains or cat.composites or cat.ts_configs):
        out += ["No types of the project's own.", ""]
    return "\n".join(out).rstrip("\n") + "\n"


def index_page(cat: Catalog) -> str:
    out = ["# Schema reference", "", GENERATED_NOTE.format(up="../"), "",
           "The package's schemas, tables, views and functions as the catalog describes them, with one "
           "ER diagram per area (GitHub renders them). Each table, view and function has a page: columns, "
           "keys, indexes, checks, triggers, partitioning, row-level security, and which of the roles "
           + ", ".join(f"`{r}`" for r in ROLES) + " may read or write it.", "",
           "Kept in step: the test suite (`tests/docs/`) fails when this folder differs from what `make docs` "
           "writes or when an object lacks a comment; `make docs-check` renders every diagram with Mermaid "
           "in headless Chromium.", ""]
    areas = list(AREAS)
    if unassigned_tables(cat):
        areas.append(FALLBACK_AREA)
    out += ["## Diagrams", ""]
    out += [f"- [{title}](#{slug})" for slug, title, _ in areas]
    out += ["- [Schemas](#schemas), [Tables](#tables), [Views](#views), [Functions](#functions), "
            "[Types](types.md)", ""]
    for slug, title, about in areas:
        tables = [r for r in cat.relations if not r.is_view and area_of(r) == slug]
        out += [f"### {title}", "", about, ""]
        if not tables:
            out += ["_No tables yet._", ""]
            continue
        out += ["```mermaid", mermaid_diagram(cat, slug).rstrip("\n"), "```", ""]
        out += ["Tables: " + ", ".join(link_relation(cat, t.qname, "") for t in tables), ""]
    out += ["## Schemas", ""]
    out += table(["schema", "comment"], [[f"`{s}`", cell(c)] for s, c in cat.schemas]) + [""]
    out += ["## Tables", ""]
    titles = dict((a[0], a[1]) for a in areas)
    out += table(["table", "kind", "area", "comment"],
                 [[link_relation(cat, r.qname, ""), RELKIND[r.kind], f"[{titles[area_of(r)]}](#{area_of(r)})",
                   first_sentence(r.comment)] for r in cat.relations if not r.is_view]) + [""]
    out += ["## Views", ""]
    views = [r for r in cat.relations if r.is_view]
    out += (table(["view", "kind", "comment"],
                  [[link_relation(cat, r.qname, ""), RELKIND[r.kind], first_sentence(r.comment)] for r in views])
            if views else ["_No views._"]) + [""]
    out += ["## Functions", ""]
    rows = []
    for f in cat.functions:
        kind = "trigger function" if f.returns_trigger else PROKIND.get(f.kind, "function")
        rows.append([f"[`{f.signature}`]({fn_path(f)})", kind, first_sentence(f.comment)])
    out += (table(["function", "kind", "comment"], rows) if rows else ["_No functions._"]) + [""]
    return "\n".join(out).rstrip("\n") + "\n"


def render(cat: Catalog) -> dict[str, str]:
    """Every file of docs/schema/, by relative path."""
    files = {"README.md": index_page(cat), "types.md": types_page(cat)}
    for r in cat.relations:
        files[rel_path(r)] = relation_page(cat, r)
    by_name: dict[str, list[Function]] = {}
    for f in cat.functions:
        by_name.setdefault(f.qname, []).append(f)
    for name, overloads in by_name.items():
        files[fn_path(overloads[0])] = function_page(cat, name, overloads)
    return dict(sorted(files.items()))


def write(files: dict[str, str], out: Path) -> None:
    """Replace out/ with exactly these files (stale pages of dropped objects go)."""
    out = Path(out)
    if out.exists():
        shutil.rmtree(out)
    for relpath, text in files.items():
        path = out / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)


def generate(url: str) -> tuple[dict[str, str], Catalog]:
    import psycopg

    with psycopg.connect(url, autocommit=False) as conn:
        conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        cat = read_catalog(conn)
        conn.rollback()
    return render(cat), cat


def first_difference(expected: Path, actual: Path) -> str | None:
    """The first file (sorted) that differs between two trees, or None when they are identical."""
    def listing(base: Path) -> set[str]:
        return {p.relative_to(base).as_posix() for p in base.rglob("*") if p.is_file()} if base.exists() else set()

    a, b = listing(expected), listing(actual)
    for name in sorted(a | b):
        if name not in a:
            return f"{name} (missing from the committed docs)"
        if name not in b:
            return f"{name} (committed, but no longer generated)"
        if not filecmp.cmp(expected / name, actual / name, shallow=False):
            return name
    return None


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--database", help="document this database instead of a throwaway one migrated from scratch")
    ap.add_argument("--out", type=Path, default=DOCS_OUT, help="output directory (default docs/schema/)")
    ap.add_argument("--check", action="store_true",
                    help="write nothing: exit 1 when --out differs from what would be generated")
    args = ap.parse_args(argv)

    with contextlib.ExitStack() as stack:
        if args.database:
            url = args.database
        else:
            # a private server in a temporary directory, every migration and the default seeds
            # applied (as the test suite's template), stopped and removed when done
            sys.path.insert(0, str(ROOT))
            from assistant_db.cluster import pg_major
            from assistant_db.throwaway import throwaway_database

            try:
                db = stack.enter_context(throwaway_database("assistant_docs", seeds=True, prefix="assistant-db-docs-"))
            except Exception as exc:  # RunnerError carries the DBA-facing message and hint
                print(f"error: {exc}", file=sys.stderr)
                if getattr(exc, "hint", None):
                    print(f"  hint: {exc.hint}", file=sys.stderr)
                return getattr(exc, "code", 1) or 1
            print(f"docs: migrated a throwaway database (PostgreSQL {pg_major(db.bin)})", file=sys.stderr)
            url = db.socket_url()
        files, cat = generate(url)

    for name in unassigned_tables(cat):
        print(f"warning: {name} matches no ER diagram area (AREA_RULES in docs/generate.py): "
              f"shown under '{FALLBACK_AREA[1]}'", file=sys.stderr)
    for item in missing_comments(cat):
        print(f"warning: no comment on {item}", file=sys.stderr)

    if args.check:
        with tempfile.TemporaryDirectory() as tmp:
            write(files, Path(tmp))
            diff = first_difference(args.out, Path(tmp))
        if diff:
            print(f"error: {args.out} is out of date, first difference: {diff}; run make docs", file=sys.stderr)
            return 1
        print(f"docs: {args.out} is up to date ({len(files)} files)", file=sys.stderr)
        return 0
    write(files, args.out)
    print(f"docs: wrote {len(files)} files to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
