"""A private PostgreSQL server for the team tests (tests/team/pgserver.py): started once per session, one fresh
database per test, stopped at the end. Laptops are real user databases (SQLite files) with their own catalogs."""

from __future__ import annotations

import itertools
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.team.pgserver import PgServer, find_bindir

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "resources" / "examples" / "hgx-8x-h200.json"
_names = itertools.count(1)


@pytest.fixture(scope="session")
def pg_server(tmp_path_factory):
    bindir = find_bindir()
    if bindir is None:
        pytest.skip("PostgreSQL 15+ (initdb, pg_ctl, postgres) is not installed: `.ci/setup test` installs it")
    try:
        import psycopg  # noqa: F401
    except ImportError:
        pytest.skip("psycopg is not installed: `.ci/setup test` installs it")
    server = PgServer(bindir).init()
    server.start()
    yield server
    server.destroy()


@pytest.fixture
def team_db(pg_server):
    """A fresh team database on the private server: (server, dbname, admin URL), schema created."""
    from configurator.team.admin import init_server

    name = f"team{next(_names)}"
    url = pg_server.create_database(name)
    init_server(url)
    return pg_server, name, url


@dataclass
class Laptop:
    path: Path
    catalog: Path
    userdb: object

    @property
    def db(self):
        return self.userdb.db

    def store(self):
        from configurator.store.quotes import QuoteStore

        return QuoteStore(self.userdb.db)

    def sync(self, **kw):
        from configurator.team.engine import SyncEngine

        return SyncEngine(self.userdb, self.catalog, **kw).run()

    def issue(self, customer_name: str = "Ada", n: int = 1, price_total: str = "1000.00"):
        """``n`` new quotes, each issued (revision A), with a price sheet."""
        from configurator.core.quotes.model import Customer

        store = self.store()
        out = []
        for i in range(n):
            q = store.create(Customer(customer_name, company="Lab"), EXAMPLE.read_text(), build_name=f"build {i}")
            out.append(store.issue(q, {"currency": "USD", "lines": [], "subtotal": price_total, "discount": "0",
                                       "tax": "0", "total": price_total}))
        return out

    def close(self):
        self.userdb.close()


@pytest.fixture
def make_laptop(tmp_path, catalog_path):
    from configurator.store.userdb import UserDatabase

    made = []

    def make(name: str = "laptop") -> Laptop:
        folder = tmp_path / f"{name}-{len(made)}"
        folder.mkdir()
        cat = folder / "catalog.sqlite"
        shutil.copy(catalog_path, cat)
        laptop = Laptop(folder / "user.sqlite", cat, UserDatabase(folder / "user.sqlite"))
        made.append(laptop)
        return laptop

    yield make
    for laptop in made:
        laptop.close()


def register(laptop: Laptop, url: str, name: str, edition: str = "internal"):
    from configurator.team.admin import register as do_register

    return do_register(laptop.userdb, url, name, edition)
