"""The server schema's migrations: an older schema is upgraded step by step, two inits at once apply each step
once, and the office's views answer what they promise."""

from __future__ import annotations

import threading

import psycopg

from configurator.team import schema
from configurator.team.admin import init_server
from tests.team.conftest import register


def test_an_older_schema_is_upgraded_and_init_is_idempotent(pg_server, monkeypatch):
    url = pg_server.create_database("upgrade")
    with monkeypatch.context() as m:
        m.setattr(schema, "MIGRATIONS", schema.MIGRATIONS[:1])  # the schema a first release created
        assert init_server(url) == (["m001_team"], "m001_team")
    assert init_server(url) == (["m002_office_views", "m003_branding"], "m003_branding")
    assert init_server(url) == ([], "m003_branding")
    with psycopg.connect(url) as conn:
        assert [r[0] for r in conn.execute("select name from team_migrations order by applied_at, name")] == \
            ["m001_team", "m002_office_views", "m003_branding"]


def test_two_inits_at_once_apply_each_step_once(pg_server):
    url = pg_server.create_database("twoinits")
    results, errors = [], []

    def init():
        try:
            results.append(init_server(url)[0])
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=init) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(results, key=len) == [[], [], [name for name, _ in schema.MIGRATIONS]]


def test_office_views_quote_requests_and_conflict_log(team_db, make_laptop):
    _, name, url = team_db
    visitor, sales = make_laptop("visitor"), make_laptop("sales")
    register(visitor, url, "Visitor Inc", edition="customer")
    register(sales, url, "Sales")
    visitor.issue("Visitor contact", n=1)
    sales.issue("Internal", n=1)
    visitor.sync()
    sales.sync()
    with psycopg.connect(url) as conn:
        rows = conn.execute("select installation, state, contact::jsonb->>'name' from quote_requests").fetchall()
        assert rows == [("Visitor Inc", "issued", "Visitor contact")]
        office = schema.group_role(name, "office")
        conn.execute(f'create role "{name}_shopkeeper" login password \'pw\' in role "{office}"')
    params = psycopg.conninfo.conninfo_to_dict(url)
    params.update(user=f"{name}_shopkeeper", password="pw")
    with psycopg.connect(**params) as conn:
        assert conn.execute("select count(*) from quote_requests").fetchone()[0] == 1
        assert conn.execute("select count(*) from customer_conflict_log").fetchone()[0] == 0
        assert conn.execute("select count(*) from quote_revisions").fetchone()[0] == 2
