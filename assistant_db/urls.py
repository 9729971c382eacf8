"""Database URLs: parsed into libpq keywords (psycopg) and a yoyo URI, printed without the
password, and connection failures translated into the runner's exit codes."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

from .errors import EXIT_AUTH, EXIT_BAD_URL, EXIT_UNREACHABLE, RunnerError


@dataclass
class DatabaseTarget:
    """One database, as libpq keywords (for psycopg) and as a yoyo URI."""

    params: dict[str, str]
    display: str
    password: str | None = None
    extra_options: list[str] = field(default_factory=list)

    @classmethod
    def parse(cls, url: str) -> "DatabaseTarget":
        if not url or not url.strip():
            raise RunnerError("no database given", EXIT_BAD_URL,
                              "Set DATABASE_URL or pass --database postgresql://user@host:5432/dbname.")
        try:
            parts = urlsplit(url.strip())
            port = parts.port
        except ValueError as exc:
            raise RunnerError(f"malformed database URL {mask_url(url)}: {exc}", EXIT_BAD_URL,
                              "Expected postgresql://user[:password]@host[:port]/dbname[?param=value].")
        scheme = parts.scheme.lower()
        if scheme not in ("postgres", "postgresql", "postgresql+psycopg"):
            raise RunnerError(
                f"malformed database URL {mask_url(url)}: scheme must be postgresql://, "
                f"not {parts.scheme or 'missing'}", EXIT_BAD_URL,
                "Expected postgresql://user[:password]@host[:port]/dbname[?param=value].")
        dbname = unquote(parts.path.lstrip("/"))
        if not dbname:
            raise RunnerError(f"malformed database URL {mask_url(url)}: no database name", EXIT_BAD_URL,
                              "Add the database name after the host: postgresql://host:5432/dbname.")
        params: dict[str, str] = {"dbname": dbname}
        if parts.hostname:
            params["host"] = unquote(parts.hostname)
        if port:
            params["port"] = str(port)
        if parts.username:
            params["user"] = unquote(parts.username)
        password = unquote(parts.password) if parts.password is not None else None
        for key, value in parse_qsl(parts.query, keep_blank_values=True):
            params[key] = value
        if password is not None:
            params["password"] = password
        return cls(params=params, display=mask_url(url), password=password)

    def conninfo(self, **overrides: str) -> dict[str, str]:
        params = dict(self.params)
        params.update(overrides)
        options = " ".join(filter(None, [params.get("options", "")] + self.extra_options))
        if options:
            params["options"] = options
        return params

    def yoyo_uri(self) -> str:
        """yoyo's psycopg 3 backend takes a URL; every libpq keyword rides in the query string."""
        params = self.conninfo()
        netloc = ""
        user = params.pop("user", None)
        password = params.pop("password", None)
        if user:
            netloc = quote(user, safe="")
            if password is not None:
                netloc += ":" + quote(password, safe="")
            netloc += "@"
        dbname = params.pop("dbname")
        host = params.pop("host", "")
        port = params.pop("port", "")
        # a socket directory (or several hosts) cannot sit in the netloc; libpq takes it as a parameter
        if host and ("/" not in host and "," not in host):
            netloc += host + (f":{port}" if port else "")
        else:
            if host:
                params["host"] = host
            if port:
                params["port"] = port
        return urlunsplit(("postgresql+psycopg", netloc, "/" + quote(dbname), urlencode(params), ""))


def mask_url(url: str) -> str:
    """The URL with its password replaced, so it can be printed."""
    try:
        parts = urlsplit(url)
        if parts.password is None:
            return url
        netloc = parts.netloc.replace(":" + parts.password + "@", ":***@", 1)
        return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))
    except ValueError:
        return re.sub(r"(//[^:/@]*:)[^@]*@", r"\1***@", url)


def scrub(text: str, target: DatabaseTarget | None) -> str:
    if target and target.password:
        text = text.replace(target.password, "***")
    return text


def connect(target: DatabaseTarget, *, autocommit: bool = True, **overrides: str):
    """psycopg connection with connection failures translated into RunnerErrors."""
    import psycopg

    try:
        params = target.conninfo(**overrides)
        params.setdefault("connect_timeout", "10")
        return psycopg.connect(**params, autocommit=autocommit)
    except psycopg.OperationalError as exc:
        raise connection_error(exc, target) from None
    except psycopg.ProgrammingError as exc:  # e.g. an invalid URI parameter
        raise RunnerError(f"malformed database URL {target.display}: {scrub(str(exc), target)}",
                          EXIT_BAD_URL, "Check the parameters after '?' in the URL.") from None


def connection_error(exc: Exception, target: DatabaseTarget) -> RunnerError:
    text = scrub(str(exc).strip(), target)
    first = text.splitlines()[-1] if text else "connection failed"
    low = text.lower()
    if any(s in low for s in ("password authentication failed", "authentication failed",
                              "no password supplied", "no pg_hba.conf entry", "peer authentication")):
        return RunnerError(f"authentication failed for {target.display}: {first}", EXIT_AUTH,
                           "Check the user and password in DATABASE_URL (or ~/.pgpass) and pg_hba.conf.")
    if "does not exist" in low and ("role" in low or "database" in low):
        return RunnerError(f"cannot connect to {target.display}: {first}", EXIT_UNREACHABLE,
                           "Create the database/role first, or fix the name in DATABASE_URL.")
    if "invalid" in low and ("option" in low or "uri" in low or "connection" in low and "parameter" in low):
        return RunnerError(f"malformed database URL {target.display}: {first}", EXIT_BAD_URL,
                           "Check the parameters after '?' in the URL.")
    return RunnerError(f"server unreachable at {target.display}: {first}", EXIT_UNREACHABLE,
                       "Is PostgreSQL running and listening there? (make up starts a local one.)")
