"""`configurator orders [--server URL] [--json]`: the orders the shop must build (quote revisions marked won on any
internal installation, `configurator team won`), each with its build, from the team server.

Connects as this installation's own role when it is registered (a customer-edition installation may not read
orders), else with the account in ``--server URL``. ``--build-sheets DIR`` also writes each order's build sheet
PDF. Exit 2 with one line when the server cannot be reached or refuses.
"""

from __future__ import annotations

import json
from pathlib import Path

from configurator.core.errors import ConfiguratorError


def register(sub) -> None:
    p = sub.add_parser("orders", help="the orders the shop must build, from the team server")
    p.add_argument("--server", default=None, metavar="URL", help="the team server (default: the one registered)")
    p.add_argument("--json", action="store_true", help="print the orders with their builds as JSON")
    p.add_argument("--build-sheets", type=Path, default=None, metavar="DIR",
                   help="also write each order's build sheet PDF into DIR")
    p.set_defaults(func=run)


def run(args) -> int:
    from configurator.store.userdb import UserDatabase, user_database_path
    from configurator.team.admin import fetch_orders, registered_or_url

    if args.build_sheets is not None and not args.build_sheets.is_dir():
        raise ConfiguratorError(f"--build-sheets {args.build_sheets} is not a folder")
    userdb = UserDatabase(user_database_path())
    try:
        url, user, password = registered_or_url(userdb, args.server)
    finally:
        userdb.close()
    orders = fetch_orders(url, user, password)
    if args.build_sheets is not None:
        _write_sheets(orders, args.build_sheets)
    if args.json:
        print(json.dumps([o.as_dict() for o in orders], indent=2, sort_keys=True))
        return 0
    from configurator.present import count

    print(count(len(orders), "order"))
    for o in orders:
        who = " / ".join(x for x in (o.customer.get("name"), o.customer.get("company")) if x)
        print(f"  {o.number}  {o.build_name or '(unnamed build)'}  for {who or '?'}  (won {o.marked_at[:10]}, "
              f"{o.installation})")
    return 0


def _write_sheets(orders, folder: Path) -> None:
    """Each order's build sheet (its revision's build, checked against this installation's catalog)."""
    from configurator.catalog import open_catalog
    from configurator.commands.build_sheet import write_build_sheet
    from configurator.core.analysis import analyze
    from configurator.core.buildfile import loads

    catalog = open_catalog()
    try:
        for o in orders:
            build = loads(o.build_json, catalog)
            write_build_sheet(build, analyze(build, catalog), folder / f"{o.number}-build-sheet.pdf")
    finally:
        catalog.close()
