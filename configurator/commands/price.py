"""`configurator price BUILD.json [--json]`: line items and totals of a saved build at list prices.

Money is exact (Decimal, half-up to the cent per line; see core/money.py) and printed as decimal
strings in --json. ``--costs`` adds dealer cost and margin: only in the internal edition (the customer
edition refuses it whatever catalog it is pointed at) and only with a catalog that has costs. Numbers
are plain: a comma is an error.
"""

from __future__ import annotations

import json
from pathlib import Path

from configurator.core.errors import ConfiguratorError


def register(sub) -> None:
    p = sub.add_parser("price", help="price a build file: line items and totals")
    p.add_argument("build", type=Path, metavar="BUILD.json")
    p.add_argument("--json", action="store_true", help="print the line items and totals as JSON")
    p.add_argument("--discount", default="0", metavar="PCT", help="discount in percent on every line")
    p.add_argument("--tax", default="0", metavar="PCT", help="tax rate in percent on the net total")
    p.add_argument("--costs", action="store_true", help="add dealer cost and margin (internal edition only)")
    p.set_defaults(func=run)


def run(args) -> int:
    from configurator.catalog import open_catalog
    from configurator.core.buildfile import load
    from configurator.present import amount
    from configurator.core.pricing import price_build
    from configurator.paths import edition

    if args.costs and edition() != "internal":
        raise ConfiguratorError("this is the customer edition: it shows no dealer cost or margin (--costs)")
    catalog = open_catalog()
    try:
        if args.costs and not catalog.has_costs:
            raise ConfiguratorError("this catalog has no dealer costs (customer edition)")
        build = load(args.build, catalog)
        sheet = price_build(build, discount_percent=args.discount, tax_percent=args.tax)
    finally:
        catalog.close()
    if args.json:
        data = sheet.as_dict()
        if args.costs:
            data["cost"] = None if sheet.cost is None else str(sheet.cost)
            data["margin"] = None if sheet.margin is None else str(sheet.margin)
        print(json.dumps(data, indent=2))
        return 0
    cur = sheet.currency
    for line in sheet.lines:
        print(f"{line.quantity:>5} x {line.name[:56]:56} {amount(line.unit_price):>14} "
              f"{amount(line.total):>16}")
    width = 5 + 3 + 56 + 1 + 14 + 1 + 16
    print("-" * width)
    rows = [("Subtotal", sheet.subtotal), ("Discount", -sheet.discount), ("Tax", sheet.tax),
            (f"Total ({cur})", sheet.total)]
    if args.costs and sheet.cost is not None:
        rows += [("Dealer cost", sheet.cost), ("Margin", sheet.margin)]
    for label, value in rows:
        print(f"{label:>{width - 17}} {amount(value):>16}")
    return 0
