"""The office's side: creating or upgrading the server schema, registering an installation (its own role and
the quote-number prefix the server assigns), publishing price lists, approver keys, policies, models and the
letterhead, and the orders list."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path

from configurator.team import local, schema
from configurator.team.connection import NotRegisteredError, TeamServerError, connect, server_errors, \
    without_credentials

EDITIONS = ("internal", "customer")


def init_server(url: str) -> tuple[list[str], str]:
    """(steps applied now, current schema version) after creating or upgrading the schema at ``url``."""
    conn = connect(url, autocommit=True)
    try:
        with server_errors(url, "creating the team schema"):
            applied = schema.migrate(conn)
            return applied, schema.current_version(conn)
    finally:
        conn.close()


def _require_schema(conn, url: str) -> None:
    with server_errors(url, "reading the team schema"):
        todo = schema.pending(conn)
    if todo:
        raise TeamServerError(f"the team server has no up-to-date team schema (missing {', '.join(todo)}): run "
                              f"`configurator team init --server URL` first; nothing was changed")


def register(userdb, url: str, name: str, edition: str = "internal") -> local.Registration:
    """Register the installation of ``userdb`` with the server at ``url`` (an account that may create roles: the
    office's enrolment account); the server assigns its quote-number prefix and creates its role. Registering
    again (same installation) keeps its prefix and gives its role a new password."""
    from psycopg import sql

    from configurator.store.installation import binding
    from configurator.store.quotes import PREFIX_ALPHABET, PREFIX_KEY, PREFIX_LENGTH, QuoteStore

    name = " ".join(name.split())
    if not name:
        raise TeamServerError("--name must name this installation (for example the sales engineer's name)")
    if edition not in EDITIONS:
        raise TeamServerError(f"--edition must be internal or customer, not '{edition}'")
    password = secrets.token_urlsafe(24)
    conn = connect(url, autocommit=True)  # first: an unreachable server changes nothing here
    try:
        _require_schema(conn, url)
        store = QuoteStore(userdb.db)
        local_id = store.installation_id()  # drawn now when this database never had one
        used = [r[0] for r in userdb.db.execute("select distinct prefix from quotes order by prefix")]
        with server_errors(url, "registering this installation"), conn.transaction(), conn.cursor() as cur:
            dbname = cur.execute("select current_database()").fetchone()[0]
            row = cur.execute("select id, prefix, role_name from installations where local_id = %s for update",
                              [local_id]).fetchone()
            if row is None:
                cur.execute("lock table prefixes in exclusive mode")  # the draw below sees every claimed prefix
                taken = {r[0] for r in cur.execute("select prefix from prefixes")}
                prefix = next(p for p in iter(lambda: "".join(secrets.choice(PREFIX_ALPHABET)
                                                               for _ in range(PREFIX_LENGTH)), None)
                              if p not in taken and p not in used)
                installation_id = cur.execute(
                    "insert into installations (local_id, name, edition, role_name, prefix) values (%s, %s, %s, "
                    "'pending-' || %s, %s) returning id", [local_id, name, edition, local_id, prefix]).fetchone()[0]
                role = schema.installation_role(dbname, installation_id)
                cur.execute("update installations set role_name = %s where id = %s", [role, installation_id])
                cur.execute(sql.SQL("create role {} login password {} in role {}").format(
                    sql.Identifier(role), sql.Literal(password),
                    sql.Identifier(schema.group_role(dbname, edition))))
            else:
                installation_id, prefix, role = row
                cur.execute("update installations set name = %s where id = %s", [name, installation_id])
                cur.execute(sql.SQL("alter role {} with login password {}").format(sql.Identifier(role),
                                                                                   sql.Literal(password)))
                edition = cur.execute("select edition from installations where id = %s",
                                      [installation_id]).fetchone()[0]
            for p in [prefix, *used]:
                owner = cur.execute("insert into prefixes (prefix, installation_id) values (%s, %s) on conflict "
                                    "(prefix) do update set prefix = excluded.prefix returning installation_id",
                                    [p, installation_id]).fetchone()[0]
                if owner != installation_id:
                    raise TeamServerError(f"quotes numbered Q-{p}-... were issued by another installation on this "
                                          f"server: this user database cannot be registered (nothing was changed)")
    finally:
        conn.close()
    reg = local.Registration(without_credentials(url), role, password, installation_id, edition, name,
                             binding(userdb.path))
    db = userdb.db
    with db.atomic():
        for key, value in ((local.SERVER_KEY, reg.server), (local.ROLE_KEY, role), (local.PASSWORD_KEY, password),
                           (local.INSTALLATION_KEY, installation_id), (local.EDITION_KEY, edition),
                           (local.NAME_KEY, name), (local.BINDING_KEY, reg.binding), (PREFIX_KEY, prefix)):
            local.put(db, key, value)
    return reg


def installation_prefix(userdb) -> str:
    from configurator.store.quotes import QuoteStore

    return QuoteStore(userdb.db).installation_prefix()


@dataclass(frozen=True)
class Publication:
    version: int
    published_at: str
    effective_date: str
    rows: int


def publish_prices(url: str, csv_path: Path, catalog_path: Path, effective: date | None = None) -> Publication:
    """Publish a price CSV (the import-prices format) as the next price list, checked against ``catalog_path``
    first: every row or none (a bad line refuses the whole file, nothing reaches the server)."""
    import sqlite3

    from configurator.catalog import schema as catalog_schema
    from configurator.catalog.prices import PriceImportError, parse_price_csv
    from configurator.core.database_errors import describe

    try:
        text = Path(csv_path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise PriceImportError(str(csv_path), [f"cannot read the file ({exc.__class__.__name__})"]) from None
    try:
        con = sqlite3.connect(f"file:{catalog_path}?mode=ro", uri=True)
        try:
            known = dict(con.execute("select id, currency from prices"))
            tables = {r[0] for r in con.execute("select name from sqlite_master where type = 'table'")}
        finally:
            con.close()
    except sqlite3.Error as exc:
        raise describe(exc, catalog_path, "parts catalog", "reading the part ids") from None
    currencies = set(known.values())
    currency = next(iter(currencies)) if len(currencies) == 1 else None
    rows = parse_price_csv(text, known, catalog_schema.COST_TABLE in tables, str(csv_path), currency)
    return publish_rows(url, [(r.id, r.list_price, r.cost, r.currency or known.get(r.id)) for r in rows],
                        effective, source=Path(csv_path).name, currency=currency)


def publish_rows(url: str, rows: list[tuple], effective: date | None = None, source: str = "",
                 currency: str | None = None) -> Publication:
    """Write one price list of (part id, list price, cost or None, currency) rows in one transaction."""
    conn = connect(url, autocommit=True)
    try:
        _require_schema(conn, url)
        with server_errors(url, "publishing the price list"), conn.transaction(), conn.cursor() as cur:
            version, published_at, effective_date = cur.execute(
                "insert into price_lists (effective_date, currency, row_count, source) values "
                "(coalesce(%s, current_date), %s, %s, %s) returning version, published_at, effective_date",
                [effective, currency, len(rows), source]).fetchone()
            with cur.copy("copy price_list_rows (version, part_id, list_price, cost, currency) from stdin") as copy:
                for part_id, price, cost, cur_code in rows:
                    copy.write_row((version, part_id, price, cost, cur_code))
    finally:
        conn.close()
    return Publication(version, published_at.isoformat(), effective_date.isoformat(), len(rows))


def publish_key(url: str, public_key: str) -> str:
    """Publish an approver's public key: every installation trusts it at its next sync; returns its id."""
    from configurator.core.quotes.approvals import key_id, parse_public_key

    text = parse_public_key(public_key)
    conn = connect(url, autocommit=True)
    try:
        _require_schema(conn, url)
        with server_errors(url, "publishing the approver key"), conn.cursor() as cur:
            cur.execute("insert into approver_keys (public_key, key_id) values (%s, %s) on conflict do nothing",
                        [text, key_id(text)])
    finally:
        conn.close()
    return key_id(text)


def publish_policy(url: str, installation: str, token: str) -> int:
    """Publish a signed installation policy (`configurator approver policy`) for the installation named
    ``installation`` (its name or quote-number prefix); it is stored at its next sync. Returns its server id."""
    conn = connect(url, autocommit=True)
    try:
        _require_schema(conn, url)
        with server_errors(url, "publishing the policy"), conn.transaction(), conn.cursor() as cur:
            found = cur.execute("select id from installations where name = %s or prefix = %s",
                                [installation, installation]).fetchall()
            if len(found) != 1:
                raise TeamServerError(f"{'no' if not found else 'more than one'} installation is named "
                                      f"'{installation}' on this server (give its quote-number prefix)")
            cur.execute("insert into policies (installation_id, token) values (%s, %s) on conflict (installation_id) "
                        "do update set token = excluded.token, published_at = now()", [found[0][0], "".join(token.split())])
            return found[0][0]
    finally:
        conn.close()


def publish_model(url: str, arch) -> str:
    """Publish an imported model architecture (a core ModelArch): every installation stores it at its next
    sync. Returns its id."""
    from configurator.core.buildfile.models import arch_to_dict

    conn = connect(url, autocommit=True)
    try:
        _require_schema(conn, url)
        with server_errors(url, "publishing the model"), conn.cursor() as cur:
            cur.execute("insert into models (id, arch_json) values (%s, %s) on conflict (id) do update set arch_json "
                        "= excluded.arch_json, published_at = now()",
                        [arch.id, json.dumps(arch_to_dict(arch), sort_keys=True)])
    finally:
        conn.close()
    return arch.id


def publish_branding(url: str, record) -> str:
    """Publish a letterhead (a store.branding BrandingRecord: its fields, logo bytes and logo file name) as the
    office's: every installation prints it from its next sync on. Replaces the one published before; returns
    the server time of the publication (ISO 8601, UTC)."""
    from configurator.store.branding import FIELDS

    fields = {k: record.data[k] for k in FIELDS if k in record.data}
    conn = connect(url, autocommit=True)
    try:
        _require_schema(conn, url)
        with server_errors(url, "publishing the branding"), conn.cursor() as cur:
            # clock_timestamp(), not now(): each publication gets its own instant, which the laptops compare
            published_at = cur.execute(
                "insert into branding (id, fields, logo, logo_name, published_at) values (1, %s, %s, %s, "
                "clock_timestamp()) on conflict (id) do update set fields = excluded.fields, logo = excluded.logo, "
                "logo_name = excluded.logo_name, published_at = excluded.published_at returning published_at",
                [json.dumps(fields, sort_keys=True), record.logo, record.logo_name or ""]).fetchone()[0]
    finally:
        conn.close()
    return published_at.astimezone(timezone.utc).isoformat()


# -- orders ---------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Order:
    number: str  # Q-PREFIX-NNNNN-R
    installation: str
    marked_at: str
    customer: dict
    build_name: str
    build_json: str
    currency: str | None
    total: str | None

    def as_dict(self) -> dict:
        return {"quote": self.number, "installation": self.installation, "marked_at": self.marked_at,
                "customer": self.customer, "build_name": self.build_name, "currency": self.currency,
                "total": self.total, "build": json.loads(self.build_json)}


def fetch_orders(url: str, user: str | None = None, password: str | None = None) -> list[Order]:
    """The orders the shop must build, oldest first (an internal installation's role, or the office's)."""
    from configurator.core.quotes.model import format_number

    conn = connect(url, user, password, autocommit=True)
    try:
        _require_schema(conn, url)
        with server_errors(url, "listing the orders"), conn.cursor() as cur:
            rows = cur.execute(
                "select o.prefix, o.sequence, o.revision, i.name, o.marked_at, q.content->>'customer_json', "
                "q.content->>'build_name', q.content->>'build_json', q.currency, q.total from orders o "
                "join quote_revisions q using (prefix, sequence, revision) join installations i on i.id = "
                "o.installation_id order by o.marked_at, o.prefix, o.sequence").fetchall()
    finally:
        conn.close()
    out = []
    for prefix, sequence, revision, inst, marked, customer, build_name, build_json, currency, total in rows:
        try:
            customer_dict = json.loads(customer or "{}")
        except ValueError:
            customer_dict = {}
        out.append(Order(f"{format_number(prefix, sequence)}-{revision}", inst, marked.astimezone(timezone.utc)
                         .isoformat(timespec="seconds"), {k: customer_dict.get(k, "") for k in ("name", "company",
                                                                                                  "email", "phone",
                                                                                                  "address")},
                         build_name or "", build_json or "{}", currency, None if total is None else str(total)))
    return out


def registered_or_url(userdb, url: str | None) -> tuple[str, str | None, str | None]:
    """(server URL, user, password) to connect with: this installation's own role when registered (at ``url``
    when given, else the remembered server), else ``url`` as given (an office account)."""
    reg = local.registration(userdb.db) if userdb is not None else None
    if reg is not None:
        return (url or reg.server), reg.role, reg.password
    if url:
        return url, None, None
    raise NotRegisteredError("this installation is not registered with a team server: run `configurator team "
                             "register --server URL --name NAME`, or give --server URL")


def now_utc() -> datetime:
    return datetime.now(timezone.utc)
