"""Check that a customer-edition catalog holds no dealer cost or margin data.

    python packaging/check_customer_catalog.py CATALOG.sqlite   check a built catalog
    python packaging/check_customer_catalog.py --build          build one with the command line first
                                                                (`configurator catalog build --edition
                                                                customer`) into a temporary file

Exit status 0 when clean, 1 listing every finding. Checked: the edition recorded in catalog_meta; no
table or column whose name mentions cost, margin or dealer; no cell, and no byte of the file (free
pages included), holding a dealer cost from db/costs.csv that is not also someone's list price, or the
text of a costs.csv source note; and no internal pricing text (cost, margin, dealer, markup, ...) in the
text the customer catalog ships about its prices (the prices table and the catalog notes). Used by
.ci/run, packaging/build_editions.sh and tests/packaging.
"""

from __future__ import annotations

import argparse
import csv
import re
import sqlite3
import subprocess
import sys
import tempfile
from decimal import Decimal, InvalidOperation
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN_NAMES = ("cost", "margin", "dealer")
# Words of internal pricing: none may appear in what the customer catalog says about its prices (a note such
# as "cost carried in hardware margin" tells a customer about the dealer's side of the price).
INTERNAL_PRICING = re.compile(r"\b(costs?|margins?|dealers?|mark-?ups?|distributors?|wholesale|rebates?|"
                              r"commissions?|purchase price|our price|internal)\b", re.IGNORECASE)
PRICE_TEXT_TABLES = ("prices", "price_imports", "catalog_meta")


def _money(text: str) -> str | None:
    try:
        return str(Decimal(text.strip()).quantize(Decimal("0.01")))
    except (InvalidOperation, AttributeError):
        return None


def internal_values(db_dir: Path = ROOT / "db") -> tuple[set[str], set[str]]:
    """(cost amounts that are not also a list price, costs.csv source notes) from the catalog sources."""
    with (db_dir / "costs.csv").open(newline="", encoding="utf-8") as fh:
        costs = list(csv.DictReader(fh))
    with (db_dir / "prices.csv").open(newline="", encoding="utf-8") as fh:
        list_prices = {_money(r["list_price"]) for r in csv.DictReader(fh)}
    amounts = {_money(r["cost"]) for r in costs} - list_prices - {None}
    notes = {r["source"].strip() for r in costs if r.get("source", "").strip()}
    return amounts, notes  # type: ignore[return-value]


def findings(catalog: Path, db_dir: Path = ROOT / "db") -> list[str]:
    amounts, notes = internal_values(db_dir)
    found: list[str] = []
    con = sqlite3.connect(f"file:{catalog}?mode=ro", uri=True)
    try:
        meta = dict(con.execute("select key, value from catalog_meta").fetchall())
        if meta.get("edition") != "customer":
            found.append(f"catalog_meta edition is {meta.get('edition')!r}, not 'customer'")
        tables = [r[0] for r in con.execute("select name from sqlite_master where type = 'table'")]
        for table in tables:
            if any(word in table.lower() for word in FORBIDDEN_NAMES):
                found.append(f"table {table}")
            columns = [r[1] for r in con.execute(f'pragma table_info("{table}")')]
            found += [f"column {table}.{c}" for c in columns if any(w in c.lower() for w in FORBIDDEN_NAMES)]
            for row in con.execute(f'select * from "{table}"'):
                for column, value in zip(columns, row):
                    if isinstance(value, str) and (_money(value) in amounts or value.strip() in notes):
                        found.append(f"value {value!r} in {table}.{column}")
                    elif table in PRICE_TEXT_TABLES and isinstance(value, str) and INTERNAL_PRICING.search(value):
                        word = INTERNAL_PRICING.search(value).group(0)
                        found.append(f"internal pricing text {word!r} in {table}.{column} of {row[0]!r}: {value[:60]!r}")
    finally:
        con.close()
    raw = catalog.read_bytes()
    found += [f"bytes {a!r} in the file" for a in sorted(amounts) if a.encode() in raw]
    found += [f"bytes of the note {n[:40]!r} in the file" for n in sorted(notes) if n.encode() in raw]
    return found


def build_customer_catalog(out: Path) -> None:
    """Through the command line, exactly as a release does."""
    subprocess.run([sys.executable, "-m", "configurator", "catalog", "build", "--edition", "customer", "-o",
                    str(out)], check=True, cwd=ROOT, stdout=subprocess.DEVNULL)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    what = parser.add_mutually_exclusive_group(required=True)
    what.add_argument("catalog", nargs="?", type=Path)
    what.add_argument("--build", action="store_true", help="build the customer catalog to a temporary file first")
    parser.add_argument("--db", type=Path, default=ROOT / "db", help="the db/ sources holding costs.csv")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        catalog = args.catalog
        if args.build:
            catalog = Path(tmp) / "catalog-customer.sqlite"
            build_customer_catalog(catalog)
        problems = findings(catalog, args.db)
        for problem in problems:
            print(f"{catalog}: cost data: {problem}", file=sys.stderr)
        if not problems:
            print(f"{catalog}: customer catalog holds no cost or margin data")
        return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
