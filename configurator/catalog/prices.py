"""Price-list import: ``configurator catalog import-prices FILE.csv``.

The file has the header ``id,list_price`` and optionally ``cost`` and ``currency`` columns. It is
applied whole or not at all: every bad line is reported with its line number and nothing changes.
A line is bad when its id is unknown or repeated, a price is not a plain amount (ASCII digits, an
optional point and at most two decimal places that are not zero: ``1599``, ``1599.5``, ``1599.000``;
never ``-0``, ``1_599``, ``1e3`` or Arabic-Indic digits), a cost is above the list price (a
loss on every sale is a typo), or the currency differs from the catalog's (a catalog holds one
currency; a part priced in another could not be quoted beside the rest).

Speed: 50,000 rows in well under a second (tests/bench/catalog_scale.py): the rows are parsed with one
regular expression each and written with three ``executemany`` statements inside one transaction. Every
import bumps ``catalog_meta.prices_version`` in the same transaction, so a running window or command
that holds the catalog open sees the new prices before its next price or quote (repository.py).
"""

from __future__ import annotations

import csv
import io
import re
import secrets
import sqlite3
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path
from typing import NamedTuple

from sqlite_utils import Database

from configurator.catalog import schema
from configurator.core.database_errors import describe
from configurator.core.errors import ConfiguratorError

REQUIRED = ("id", "list_price")
OPTIONAL = ("cost", "currency")
MAX_PRICE = Decimal("100000000")  # 100 M per unit: anything above is a typo, not a price
CURRENCY = re.compile(r"^[A-Z]{3}$")
# ASCII digits, an optional point; beyond the cents only zeros (1599.000 is 1599.00, 1.005 is refused)
_AMOUNT = re.compile(r"^([0-9]{1,12})(?:\.([0-9]{0,2})0*)?$")
BUSY_TIMEOUT_S = 30.0  # another import or a rebuild writing the same catalog
PRICES_VERSION_KEY = "prices_version"


class PriceImportError(ConfiguratorError):
    def __init__(self, path: str, problems: list[str]):
        self.problems = problems
        message = f"{path}: nothing imported; " + "; ".join(problems)
        # one line, whatever a cell held (a quoted id may contain a line break)
        super().__init__(message.replace("\r", "\\r").replace("\n", "\\n"))


class PriceRow(NamedTuple):
    id: str
    list_price: Decimal
    cost: Decimal | None
    currency: str | None


def parse_decimal(text: str | None) -> Decimal | None:
    """A plain non-negative amount with at most 2 significant places after the point, else None."""
    if text is None:
        return None
    m = _AMOUNT.match(text.strip())
    if not m:
        return None
    value = Decimal(m.group(1) + "." + (m.group(2) or "").ljust(2, "0"))
    return value if value <= MAX_PRICE else None


def _why_not_amount(text: str) -> str:
    t = text.strip()
    if t.startswith("-"):
        return "is negative"
    if "," in t:
        return "has a comma (write 1599.50, no thousands separator)"
    if any(c.isdigit() and not c.isascii() for c in t) or "_" in t or "e" in t.lower():
        return "is not written with the digits 0-9 and a point"
    if re.match(r"^[0-9]+\.[0-9]*[1-9][0-9]*$", t) and len(t.split(".")[1].rstrip("0")) > 2:
        return "has fractions of a cent"
    return "is not an amount"


def parse_price_csv(text: str, known_ids: set[str] | dict, allow_cost: bool, label: str = "price list",
                    catalog_currency: str | None = None) -> list[PriceRow]:
    if not text.strip():
        raise PriceImportError(label, ["the file is empty"])
    # newline=None: universal newlines, as a file read with read_text; a lone CR ends a line
    reader = csv.reader(io.StringIO(text, newline=None))
    try:
        return _parse_rows(reader, known_ids, allow_cost, label, catalog_currency)
    except csv.Error as exc:  # e.g. a cell past csv's field size limit
        raise PriceImportError(label, [f"line {reader.line_num}: not readable as CSV ({exc})"]) from None


def _parse_rows(reader, known_ids, allow_cost: bool, label: str, catalog_currency: str | None) -> list[PriceRow]:
    problems: list[str] = []
    header = [h.strip() for h in next(reader)]
    if header[:2] != list(REQUIRED) or any(h not in OPTIONAL for h in header[2:]) or len(set(header)) != len(header):
        raise PriceImportError(
            label, [f"line 1: header must be 'id,list_price' optionally followed by cost,currency (got '{','.join(header)}')"]
        )
    if "cost" in header and not allow_cost:
        raise PriceImportError(label, ["line 1: this is a customer-edition catalog, it holds no dealer cost"])
    width = len(header)
    i_cost = header.index("cost") if "cost" in header else None
    i_cur = header.index("currency") if "currency" in header else None
    rows: list[PriceRow] = []
    seen: dict[str, int] = {}
    amount = _AMOUNT.match
    append = rows.append
    new_row = tuple.__new__
    for line_no, cells in enumerate(reader, start=2):
        if len(cells) == width:  # the fast path: a good row, checked with no message built
            part_id = cells[0].strip()
            m = amount(cells[1].strip())
            raw_cost = cells[i_cost].strip() if i_cost is not None else ""
            mc = amount(raw_cost) if raw_cost else None
            currency = (cells[i_cur].strip() or None) if i_cur is not None else None
            if (m is not None and part_id in known_ids and part_id not in seen and (mc is not None or not raw_cost)
                    and (currency is None or currency == catalog_currency)):
                price = Decimal(f"{m.group(1)}.{(m.group(2) or '').ljust(2, '0')}")
                cost = None if mc is None else Decimal(f"{mc.group(1)}.{(mc.group(2) or '').ljust(2, '0')}")
                if price <= MAX_PRICE and (cost is None or cost <= price):
                    seen[part_id] = line_no
                    append(new_row(PriceRow, (part_id, price, cost, currency)))  # NamedTuple.__new__ is slow
                    continue
        if not any(c.strip() for c in cells):
            continue  # blank lines are harmless
        if len(cells) != width:
            problems.append(f"line {line_no}: expected {width} cells, got {len(cells)}")
            continue
        part_id = cells[0].strip()
        bad = []
        if part_id not in known_ids:
            bad.append(f"unknown part id '{part_id}'")
        if part_id in seen:
            bad.append(f"duplicate id '{part_id}' (first on line {seen[part_id]})")
        else:
            seen[part_id] = line_no
        raw_price = cells[1].strip()
        m = amount(raw_price)
        price = Decimal(m.group(1) + "." + (m.group(2) or "").ljust(2, "0")) if m else None
        if price is None or price > MAX_PRICE:
            price = None
            bad.append(f"list_price '{raw_price}' {_why_not_amount(raw_price) if not m else 'is above 100,000,000'}")
        cost = None
        raw_cost = cells[i_cost].strip() if i_cost is not None else ""
        if raw_cost:
            cost = parse_decimal(raw_cost)
            if cost is None:
                bad.append(f"cost '{raw_cost}' {_why_not_amount(raw_cost)}")
            elif price is not None and cost > price:
                bad.append(f"cost {cost} is above the list price {price}")
        currency = (cells[i_cur].strip() or None) if i_cur is not None else None
        if currency is not None:
            if not CURRENCY.match(currency):
                bad.append(f"currency '{currency}' is not a 3-letter code")
            elif catalog_currency is not None and currency != catalog_currency:
                bad.append(f"currency {currency} is not the catalog's currency {catalog_currency} (convert the price; "
                           f"a quote converts with its exchange rate)")
        if bad:
            problems.append(f"line {line_no}: " + ", ".join(bad))
        else:
            rows.append(PriceRow(part_id, price, cost, currency))  # type: ignore[arg-type]
    if problems:
        raise PriceImportError(label, problems)
    if not rows:
        raise PriceImportError(label, ["no price rows after the header"])
    return rows


def apply_rows(db: Database, rows: list[PriceRow], label: str | None = None) -> None:
    """Write ``rows`` in one transaction (the caller may already hold one) and bump the prices version.

    The rows go into a temporary table first; three set-based statements then update the prices, costs and
    the import record in one pass each (50,000 rows in about 0.2 s). With ``label`` (an import), a new list
    price below a dealer cost already in the catalog is refused like a bad line (PriceImportError)."""
    has_costs = schema.COST_TABLE in db.table_names()
    now = datetime.now(timezone.utc).isoformat()
    source = f"price import {now[:10]}"
    conn = db.conn
    own = not conn.in_transaction
    if own:
        conn.execute("BEGIN IMMEDIATE")
    try:
        conn.execute("pragma temp_store = memory")
        # no key: the ids are unique already (parse_price_csv), and each statement below scans this table once
        conn.execute("create temp table if not exists price_rows (id text, list_price text, cost text, currency text)")
        conn.execute("delete from temp.price_rows")
        conn.executemany("insert into temp.price_rows values (?, ?, ?, ?)",
                         [(r.id, str(r.list_price), None if r.cost is None else str(r.cost), r.currency) for r in rows])
        if label is not None and has_costs:
            below = conn.execute(
                "select r.id, r.list_price, c.cost from temp.price_rows r join costs c on c.id = r.id where r.cost is "
                "null and cast(c.cost as real) > cast(r.list_price as real)").fetchall()
            below = [(pid, price, cost) for pid, price, cost in below if Decimal(cost) > Decimal(price)]
            if below:
                raise PriceImportError(label, [f"{pid}: the list price {price} is below its dealer cost {cost} (give "
                                               f"the cost too)" for pid, price, cost in below])
        conn.execute("update prices set list_price = r.list_price, currency = coalesce(r.currency, prices.currency), "
                     "price_basis = 'list', source = ? from temp.price_rows r where prices.id = r.id", [source])
        if has_costs:
            conn.execute("insert into costs (id, cost, currency, source) select r.id, r.cost, p.currency, ? from "
                         "temp.price_rows r join prices p on p.id = r.id where r.cost is not null on conflict(id) do "
                         "update set cost = excluded.cost, currency = excluded.currency, source = excluded.source",
                         [source])
            conn.execute("insert into price_imports (id, list_price, cost, currency, imported_at) select id, list_price, "
                         "cost, currency, ? from temp.price_rows where true on conflict(id) do update set list_price = "
                         "excluded.list_price, cost = excluded.cost, currency = excluded.currency, imported_at = "
                         "excluded.imported_at", [now])
        else:
            conn.execute("insert into price_imports (id, list_price, currency, imported_at) select id, list_price, "
                         "currency, ? from temp.price_rows where true on conflict(id) do update set list_price = "
                         "excluded.list_price, currency = excluded.currency, imported_at = excluded.imported_at", [now])
        conn.execute("delete from temp.price_rows")
        conn.execute("insert into catalog_meta (key, value) values (?, ?) on conflict(key) do update set "
                     "value = excluded.value", [PRICES_VERSION_KEY, f"{now} {secrets.token_hex(4)}"])
        if own:
            conn.execute("COMMIT")
    except BaseException:
        if own and conn.in_transaction:
            conn.rollback()
        raise


def open_for_writing(catalog_path: Path) -> Database:
    conn = sqlite3.connect(str(catalog_path), timeout=BUSY_TIMEOUT_S)
    # a page cache large enough for a 50,000-row import (64 MB at most): without it SQLite spills dirty pages
    # to the file, journaling and syncing them, in the middle of the transaction
    conn.execute("pragma cache_size = -65536")
    return Database(conn)


def import_prices(catalog_path: Path, csv_path: Path) -> int:
    """Apply a price CSV to a catalog file; returns the number of rows applied."""
    try:
        text = Path(csv_path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise PriceImportError(str(csv_path), [f"cannot read the file ({exc.__class__.__name__})"]) from None
    try:
        db = open_for_writing(catalog_path)
    except sqlite3.Error as exc:
        raise describe(exc, catalog_path, "parts catalog", "importing prices") from None
    try:
        known = dict(db.conn.execute("select id, currency from prices"))
        currencies = set(known.values())
        catalog_currency = next(iter(currencies)) if len(currencies) == 1 else None
        rows = parse_price_csv(text, known, schema.COST_TABLE in db.table_names(), str(csv_path), catalog_currency)
        db.conn.execute("BEGIN IMMEDIATE")  # the costs checked in apply_rows stay as read until the commit
        try:
            apply_rows(db, rows, str(csv_path))
            db.conn.execute("COMMIT")
        except BaseException:
            if db.conn.in_transaction:
                db.conn.rollback()
            raise
    except sqlite3.Error as exc:
        raise describe(exc, catalog_path, "parts catalog", "importing prices") from None
    finally:
        db.close()
    return len(rows)


def carry_over_imports(old_catalog: Path, new_catalog: Path) -> None:
    """Re-apply the price imports recorded in an older catalog to a freshly built one."""
    try:
        old = Database(old_catalog)
        imported = list(old["price_imports"].rows) if "price_imports" in old.table_names() else []
        old.close()
    except sqlite3.DatabaseError:
        return  # a corrupt old catalog has nothing trustworthy to carry over
    db = open_for_writing(new_catalog)
    try:
        known = {r[0] for r in db.execute("select id from prices")}
        rows = []
        for r in imported:
            price, cost = parse_decimal(r.get("list_price")), parse_decimal(r.get("cost")) if r.get("cost") else None
            if r["id"] in known and price is not None:
                rows.append(PriceRow(r["id"], price, cost, r.get("currency")))
        if rows:
            apply_rows(db, rows)
    finally:
        db.close()
