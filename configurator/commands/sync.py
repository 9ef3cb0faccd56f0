"""`configurator sync [--server URL] [--json]`: push this installation's quotes, customers, drafts and orders to
the team server and pull its price list, approver keys, policy, models and the office's letterhead
(configurator/team/engine.py).

``--server`` overrides the remembered server (the installation still logs in as its own role). ``--json``
prints the counts pushed and pulled per kind. Exit 2 with one line when the server cannot be reached or refuses:
nothing local changes then (a sync cut off half way keeps what the server confirmed, and the next one finishes).
"""

from __future__ import annotations

import json


def register(sub) -> None:
    p = sub.add_parser("sync", help="sync with the team server: push quotes and customers, pull price lists")
    p.add_argument("--server", default=None, metavar="URL", help="the team server (default: the one registered)")
    p.add_argument("--json", action="store_true", help="print the counts pushed and pulled per kind as JSON")
    p.set_defaults(func=run)


def run(args) -> int:
    from configurator.catalog.locate import ensure_catalog
    from configurator.present import count
    from configurator.store.userdb import UserDatabase, user_database_path
    from configurator.team.engine import SyncEngine

    catalog = ensure_catalog()
    userdb = UserDatabase(user_database_path())
    try:
        result = SyncEngine(userdb, catalog, server=args.server).run()
    finally:
        userdb.close()
    if args.json:
        print(json.dumps(result.as_dict(), indent=2, sort_keys=True))
        return 0
    up = ", ".join(count(n, noun) for noun, n in (("customer", result.pushed["customers"]),
                                                 ("quote revision", result.pushed["quotes"]),
                                                 ("draft", result.pushed["drafts"]),
                                                 ("order", result.pushed["orders"])))
    down = ", ".join(count(n, noun) for noun, n in (("customer", result.pulled["customers"]),
                                                   ("price row", result.pulled["price_rows"]),
                                                   ("approver key", result.pulled["approver_keys"]),
                                                   ("model", result.pulled["models"]),
                                                   ("letterhead", result.pulled["branding"])))
    print(f"synced at {result.server_time} (server time): sent {up}; received {down}")
    if result.conflicts:
        print(f"  {count(result.conflicts, 'customer field')} edited elsewhere too: the later edit kept, the other "
              f"in the server's conflict log")
    for line in result.refused:
        print(f"  not sent: {line}")
    return 0
