"""Connecting to the team server: a libpq connection string or ``postgresql://`` URL (TLS, certificates and every
other libpq setting pass through: ``sslmode=verify-full sslrootcert=...``), and one readable line for every way
the server can fail (unreachable, refused, a missing schema, a dropped connection)."""

from __future__ import annotations

import contextlib
from typing import Iterator

from configurator.core.errors import ConfiguratorError

CONNECT_TIMEOUT_S = 10  # a laptop at a trade show: an unreachable office should fail fast, not hang the sync


class TeamServerError(ConfiguratorError):
    """The team server cannot be reached, refused, or failed during a request; the message is one line."""


class NotRegisteredError(TeamServerError):
    """This installation is not registered with a team server (or its registration belongs to another copy)."""


def parse_url(url: str) -> dict:
    """The libpq parameters of ``url``; TeamServerError when it is not a connection string."""
    import psycopg

    try:
        return psycopg.conninfo.conninfo_to_dict(url)
    except psycopg.ProgrammingError as exc:
        raise TeamServerError(f"'{_clip(url)}' is not a PostgreSQL URL or connection string ({_first_line(exc)})") \
            from None


def without_credentials(url: str) -> str:
    """``url`` without user and password: what a laptop remembers (it logs in as its own role)."""
    import psycopg

    params = {k: v for k, v in parse_url(url).items() if k not in ("user", "password", "passfile")}
    return psycopg.conninfo.make_conninfo(**params)


def where(url: str) -> str:
    """host:port/dbname of ``url``, for messages (never the password)."""
    try:
        p = parse_url(url)
    except TeamServerError:
        return "?"
    host = p.get("host") or p.get("hostaddr") or "localhost"
    return f"{host}:{p.get('port') or 5432}/{p.get('dbname') or p.get('user') or ''}"


def connect(url: str, user: str | None = None, password: str | None = None, autocommit: bool = False):
    """A psycopg connection to ``url``, as ``user`` when given; TeamServerError when it cannot be made."""
    import psycopg

    params = parse_url(url)
    if user:
        params["user"] = user
        params["password"] = password or ""
    params.setdefault("connect_timeout", str(CONNECT_TIMEOUT_S))
    params.setdefault("application_name", "configurator")
    try:
        return psycopg.connect(**params, autocommit=autocommit)
    except psycopg.Error as exc:
        # FATAL: the server answered and said no (a wrong password, a role that may not log in, no such database)
        head = f"the team server {where(url)} refused the connection" if "FATAL" in str(exc) else \
            f"cannot reach the team server {where(url)}"
        raise TeamServerError(f"{head} ({_first_line(exc)}); nothing was changed") from None


@contextlib.contextmanager
def server_errors(url: str, doing: str) -> Iterator[None]:
    """Turn a psycopg error raised while ``doing`` something into one TeamServerError line."""
    import psycopg

    try:
        yield
    except TeamServerError:
        raise
    except psycopg.errors.InsufficientPrivilege as exc:
        raise TeamServerError(f"the team server {where(url)} refused {doing} ({_first_line(exc)})") from None
    except psycopg.errors.UndefinedTable as exc:
        raise TeamServerError(f"the team server {where(url)} has no team schema yet ({_first_line(exc)}): run "
                              f"`configurator team init --server URL` first") from None
    except (psycopg.OperationalError, psycopg.InterfaceError) as exc:
        raise TeamServerError(f"the connection to the team server {where(url)} failed while {doing} "
                              f"({_first_line(exc)}); what was not finished is sent again at the next sync") from None
    except psycopg.Error as exc:
        raise TeamServerError(f"the team server {where(url)} refused {doing} ({_first_line(exc)})") from None


def _first_line(exc: BaseException) -> str:
    text = " ".join(str(exc).strip().splitlines()[:1]) if str(exc).strip() else exc.__class__.__name__
    return _clip(text, 200)


def _clip(text: str, n: int = 80) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= n else text[: n - 1] + "…"
