"""Who sees what, enforced by the server: connect as each installation's own role and try."""

from __future__ import annotations

import json
import uuid
from decimal import Decimal

import psycopg
import pytest

from configurator.team import local
from tests.team.conftest import register


def _as(laptop, url):
    """A connection to the team database as the laptop's own role (what its sync uses)."""
    reg = local.registration(laptop.db)
    params = psycopg.conninfo.conninfo_to_dict(url)
    params.update(user=reg.role, password=reg.password)
    return psycopg.connect(**params, autocommit=True)


@pytest.fixture
def office(team_db, make_laptop):
    """An internal laptop with quotes and a customer, a customer-edition laptop with its own quote request, and a
    published price list with dealer costs."""
    from configurator.team.admin import publish_rows

    _, _, url = team_db
    sales, visitor, other = make_laptop("sales"), make_laptop("visitor"), make_laptop("other")
    register(sales, url, "Sales")
    register(visitor, url, "Visitor Inc", edition="customer")
    register(other, url, "Other customer", edition="customer")
    sales.issue("Internal customer", n=2)
    visitor.issue("Visitor contact", n=1)
    other.issue("Someone else", n=1)
    publish_rows(url, [("p1", Decimal("100.00"), Decimal("60.00"), "USD"),
                       ("p2", Decimal("200.00"), Decimal("150.00"), "USD")])
    for laptop in (sales, visitor, other):
        laptop.sync()
    return url, sales, visitor, other


def test_customer_role_cannot_read_dealer_cost(office):
    url, _, visitor, _ = office
    with _as(visitor, url) as conn:
        rows = conn.execute("select part_id, list_price from price_list_rows order by part_id").fetchall()
        assert rows == [("p1", Decimal("100.00")), ("p2", Decimal("200.00"))]
        for sql in ("select cost from price_list_rows", "select * from price_list_rows",
                    "select sum(cost) from price_list_rows"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(sql)


def test_customer_role_sees_only_its_own_quotes_and_customers(office):
    url, sales, visitor, other = office
    with _as(visitor, url) as conn:
        quotes = conn.execute("select prefix from quote_revisions").fetchall()
        assert quotes == [(visitor.store().installation_prefix(),)]
        names = [r[0] for r in conn.execute("select name from customers")]
        assert names == ["Visitor contact"]
        drafts = conn.execute("select count(*) from quote_drafts").fetchone()[0]
        assert drafts == 0
        for sql in ("select * from installations", "select * from orders", "select * from customer_conflicts",
                    "select * from prefixes", "select * from quote_requests", "select * from customer_conflict_log",
                    "select * from sync_marks where false or true"):
            if "sync_marks" in sql:
                assert conn.execute(sql).fetchall()[0][0] == local.registration(visitor.db).installation_id
                continue
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(sql)
    # the internal role sees every installation's quotes (a manager's view); margins never leave the laptop
    with _as(sales, url) as conn:
        assert conn.execute("select count(*) from quote_revisions").fetchone()[0] == 4
        columns = {r[0] for r in conn.execute("select column_name from information_schema.columns where "
                                              "table_name = 'quote_revisions'")}
        assert not columns & {"cost", "margin", "dealer_cost"}


def test_no_role_writes_as_another_installation(office):
    url, sales, visitor, other = office
    other_prefix = other.store().installation_prefix()
    content = json.dumps({"note": "forged"})
    for laptop in (visitor, sales):
        with _as(laptop, url) as conn:
            # a revision under another installation's prefix, or in its name: refused by row-level security
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute("insert into quote_revisions (prefix, sequence, revision, content, content_hash) "
                             "values (%s, 99, 'A', %s, 'x')", [other_prefix, content])
            other_id = local.registration(other.db).installation_id
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute("insert into quote_revisions (prefix, sequence, revision, content, content_hash, "
                             "installation_id) values (%s, 98, 'A', %s, 'x', %s)",
                             [laptop.store().installation_prefix(), content, other_id])
    with _as(visitor, url) as conn:
        # a customer-edition role cannot change a customer another installation created
        with psycopg.connect(url) as admin:
            uid = admin.execute("select uid from customers where name = 'Someone else'").fetchone()[0]
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("select team_push_customer(%s, '{}', %s)", [uid, json.dumps({"name": "mine now"})])
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("update customers set name = 'x'")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("insert into price_lists (row_count) values (0)")
        # its own new customer is fine (a quote request's contact)
        conn.execute("select team_push_customer(%s, '{}', %s)", [str(uuid.uuid4()), json.dumps({"name": "New"})])


def test_customer_edition_sync_pulls_list_prices_only(office, tmp_path):
    import sqlite3

    url, _, visitor, _ = office
    con = sqlite3.connect(visitor.catalog)
    part = con.execute("select id from prices order by id limit 1").fetchone()[0]
    before_cost = con.execute("select cost from costs where id = ?", [part]).fetchone()
    con.close()
    from configurator.team.admin import publish_rows

    publish_rows(url, [(part, Decimal("4321.00"), Decimal("1.00"), "USD")])
    assert visitor.sync().pulled["price_rows"] == 1
    con = sqlite3.connect(visitor.catalog)
    assert con.execute("select list_price from prices where id = ?", [part]).fetchone()[0] == "4321.00"
    assert con.execute("select cost from costs where id = ?", [part]).fetchone() == before_cost
    con.close()
