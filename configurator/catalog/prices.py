"""Price-list import: ``configurator catalog import-prices FILE.csv``.

The file has the header ``id,list_price`` and optionally ``cost`` and ``currency`` columns. It is
applied whole or not at all: every bad line (unknown id, a price that is not a non-negative number,
a duplicate id, a wrong header) is reported with its line number and nothing changes.
"""

from __future__ import annotations

import csv
import io
import re
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timezone
from decimal import Decimal, InvalidOperation
from pathlib import Path

from sqlite_utils import Database

from configurator.catalog import schema
from configurator.core.errors import ConfiguratorError

REQUIRED = ("id", "list_price")
OPTIONAL = ("cost", "currency")
MAX_PRICE = Decimal("100000000")  # 100 M per unit: anything above is a typo, not a price
CURRENCY = re.compile(r"^[A-Z]{3}$")


class PriceImportError(ConfiguratorError):
    def __init__(self, path: str, problems: list[str]):
        self.problems = problems
        message = f"{path}: nothing imported; " + "; ".join(problems)
        # one line, whatever a cell held (a quoted id may contain a line break)
        super().__init__(message.replace("\r", "\\r").replace("\n", "\\n"))


@dataclass(frozen=True)
class PriceRow:
    id: str
    list_price: Decimal
    cost: Decimal | None
    currency: str | None


def parse_decimal(text: str | None) -> Decimal | None:
    """A non-negative finite decimal with at most 2 places after the point, else None."""
    if text is None:
        return None
    cleaned = text.strip()
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        return None
    if not value.is_finite() or value < 0 or value > MAX_PRICE:
        return None
    if value.as_tuple().exponent < -2:  # type: ignore[operator]
        return None
    return value.quantize(Decimal("0.01"))


def parse_price_csv(text: str, known_ids: set[str], allow_cost: bool, label: str = "price list") -> list[PriceRow]:
    if not text.strip():
        raise PriceImportError(label, ["the file is empty"])
    # newline=None: universal newlines, as a file read with read_text; a lone CR ends a line
    reader = csv.reader(io.StringIO(text, newline=None))
    try:
        return _parse_rows(reader, known_ids, allow_cost, label)
    except csv.Error as exc:  # e.g. a cell past csv's field size limit
        raise PriceImportError(label, [f"line {reader.line_num}: not readable as CSV ({exc})"]) from None


def _parse_rows(reader, known_ids: set[str], allow_cost: bool, label: str) -> list[PriceRow]:
    problems: list[str] = []
    header = [h.strip() for h in next(reader)]
    if header[:2] != list(REQUIRED) or any(h not in OPTIONAL for h in header[2:]) or len(set(header)) != len(header):
        raise PriceImportError(
            label, [f"line 1: header must be 'id,list_price' optionally followed by cost,currency (got '{','.join(header)}')"]
        )
    if "cost" in header and not allow_cost:
        raise PriceImportError(label, ["line 1: this is a customer-edition catalog, it holds no dealer cost"])
    rows: list[PriceRow] = []
    seen: dict[str, int] = {}
    for line_no, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue  # blank lines are harmless
        if len(cells) != len(header):
            problems.append(f"line {line_no}: expected {len(header)} cells, got {len(cells)}")
            continue
        row = dict(zip(header, (c.strip() for c in cells)))
        part_id = row["id"]
        bad = []
        if part_id not in known_ids:
            bad.append(f"unknown part id '{part_id}'")
        if part_id in seen:
            bad.append(f"duplicate id '{part_id}' (first on line {seen[part_id]})")
        else:
            seen[part_id] = line_no
        price = parse_decimal(row["list_price"])
        if price is None:
            bad.append(f"list_price '{row['list_price']}' is not a non-negative amount")
        cost = None
        if row.get("cost"):
            cost = parse_decimal(row["cost"])
            if cost is None:
                bad.append(f"cost '{row['cost']}' is not a non-negative amount")
        currency = row.get("currency") or None
        if currency is not None and not CURRENCY.match(currency):
            bad.append(f"currency '{currency}' is not a 3-letter code")
        if bad:
            problems.append(f"line {line_no}: " + ", ".join(bad))
        else:
            rows.append(PriceRow(part_id, price, cost, currency))  # type: ignore[arg-type]
    if problems:
        raise PriceImportError(label, problems)
    if not rows:
        raise PriceImportError(label, ["no price rows after the header"])
    return rows


def apply_rows(db: Database, rows: list[PriceRow]) -> None:
    has_costs = schema.COST_TABLE in db.table_names()
    now = datetime.now(timezone.utc).isoformat()
    with db.atomic():
        for r in rows:
            current = db[schema.PRICE_TABLE].get(r.id)
            db[schema.PRICE_TABLE].update(
                r.id, {"list_price": str(r.list_price), "currency": r.currency or current["currency"],
                       "price_basis": "list", "source": f"price import {now[:10]}"}
            )
            if has_costs and r.cost is not None:
                db[schema.COST_TABLE].upsert(
                    {"id": r.id, "cost": str(r.cost), "currency": r.currency or current["currency"],
                     "source": f"price import {now[:10]}"}, pk="id"
                )
            record = {"id": r.id, "list_price": str(r.list_price), "currency": r.currency, "imported_at": now}
            if has_costs:
                record["cost"] = str(r.cost) if r.cost is not None else None
            db["price_imports"].upsert(record, pk="id")


def import_prices(catalog_path: Path, csv_path: Path) -> int:
    """Apply a price CSV to a catalog file; returns the number of rows applied."""
    try:
        text = Path(csv_path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise PriceImportError(str(csv_path), [f"cannot read the file ({exc.__class__.__name__})"]) from None
    db = Database(catalog_path)
    try:
        known = {r[0] for r in db.execute("select id from prices")}
        rows = parse_price_csv(text, known, schema.COST_TABLE in db.table_names(), str(csv_path))
        apply_rows(db, rows)
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
    db = Database(new_catalog)
    try:
        known = {r[0] for r in db.execute("select id from prices")}
        rows = [
            PriceRow(r["id"], Decimal(r["list_price"]), Decimal(r["cost"]) if r.get("cost") else None, r["currency"])
            for r in imported
            if r["id"] in known
        ]
        if rows:
            apply_rows(db, rows)
    finally:
        db.close()
