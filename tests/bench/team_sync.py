"""Benchmark: one sync that pushes 1,000 new issued quote revisions and pulls a 5,000-row price list.

Starts a private PostgreSQL server (tests/team/pgserver.py: initdb in a temporary folder, a free loopback port,
run as the postgres user when started as root), creates the team schema, registers one laptop (a real user
database) whose catalog holds 5,000 priced parts, issues 1,000 quotes on it (not timed) and publishes a price
list of 5,000 rows with dealer costs (not timed). Times SyncEngine.run(): connect, push the 1,000 revisions (4
batches of 250, each one PostgreSQL and one SQLite transaction) and the customer, pull and apply the price list
to the catalog. Median of 3 runs, each on a fresh team database and laptop. Target: <= 2,000 ms.
Last line: sync_ms=<median>.
Run: python tests/bench/team_sync.py
"""

from __future__ import annotations

import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

N_QUOTES = 1_000
N_PRICES = 5_000
RUNS = 3
EXAMPLE = ROOT / "resources" / "examples" / "hgx-8x-h200.json"


def priced_catalog(folder: Path) -> tuple[Path, list[str]]:
    """The internal catalog plus synthetic priced ids up to 5,000 (prices and costs: what a price list touches)."""
    from configurator.catalog.build import build_catalog

    path = build_catalog(folder / "catalog.sqlite", edition="internal")
    con = sqlite3.connect(path)
    have = [r[0] for r in con.execute("select id from prices order by id")]
    extra = [f"bench-part-{i:05d}" for i in range(N_PRICES - len(have))]
    con.executemany("insert into prices (id, list_price, currency, price_basis, source) values (?, '100.00', 'USD', "
                    "'list', 'bench')", [(i,) for i in extra])
    con.executemany("insert into costs (id, cost, currency, source) values (?, '50.00', 'USD', 'bench')",
                    [(i,) for i in extra])
    con.commit()
    con.close()
    return path, have + extra


def one_run(server, n: int, base_catalog: Path, ids: list[str], work: Path) -> float:
    from configurator.core.quotes.model import Customer
    from configurator.store.quotes import QuoteStore
    from configurator.store.userdb import UserDatabase
    from configurator.team.admin import init_server, publish_rows, register
    from configurator.team.engine import SyncEngine

    url = server.create_database(f"bench{n}")
    init_server(url)
    folder = work / f"laptop{n}"
    folder.mkdir()
    catalog = folder / "catalog.sqlite"
    shutil.copy(base_catalog, catalog)
    userdb = UserDatabase(folder / "user.sqlite")
    try:
        register(userdb, url, f"bench laptop {n}")
        store = QuoteStore(userdb.db)
        build_json = EXAMPLE.read_text()
        price = {"currency": "USD", "lines": [], "subtotal": "1000.00", "discount": "0", "tax": "0",
                 "total": "1000.00"}
        with userdb.db.atomic():
            customer = store.save_customer(Customer("Bench customer", company="Bench Ltd"))
            for i in range(N_QUOTES):
                store.issue(store.create(customer, build_json, build_name=f"bench {i}"), price)
        publish_rows(url, [(pid, Decimal("120.00") + (i % 100), Decimal("60.00"), "USD") for i, pid in enumerate(ids)])
        start = time.perf_counter()
        result = SyncEngine(userdb, catalog).run()
        elapsed_ms = (time.perf_counter() - start) * 1000
        assert result.pushed["quotes"] == N_QUOTES, result.as_dict()
        assert result.pulled["price_rows"] == N_PRICES, result.as_dict()
        return elapsed_ms
    finally:
        userdb.close()


def main() -> None:
    from tests.team.pgserver import PgServer, find_bindir

    bindir = find_bindir()
    if bindir is None:
        raise SystemExit("team_sync: PostgreSQL 15+ is not installed (.ci/setup test installs it)")
    work = Path(tempfile.mkdtemp(prefix="team-bench-"))
    server = PgServer(bindir).init()
    server.start()
    try:
        base, ids = priced_catalog(work)
        times = [one_run(server, n, base, ids, work) for n in range(RUNS)]
    finally:
        server.destroy()
        shutil.rmtree(work, ignore_errors=True)
    print(f"runs_ms={','.join(f'{t:.0f}' for t in times)} quotes={N_QUOTES} price_rows={N_PRICES}")
    print(f"sync_ms={statistics.median(times):.0f}")


if __name__ == "__main__":
    main()
