"""Two and more laptops (real user databases) syncing through a real PostgreSQL server started by the test."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import psycopg
import pytest

from tests.team.conftest import register


def _server_rows(url, sql, params=()):
    with psycopg.connect(url) as conn:
        return conn.execute(sql, params).fetchall()


def test_prefixes_assigned_by_the_server_never_collide(team_db, make_laptop):
    _, _, url = team_db
    laptops = [make_laptop(f"l{i}") for i in range(6)]
    for i, laptop in enumerate(laptops):
        laptop.issue(n=1)  # a quote under the prefix drawn before registering: claimed at registration
        register(laptop, url, f"engineer {i}")
    prefixes = [l.store().installation_prefix() for l in laptops]
    assert len(set(prefixes)) == len(prefixes)
    claimed = _server_rows(url, "select prefix, installation_id from prefixes")
    assert len(claimed) == 12 and len({p for p, _ in claimed}) == 12
    # new quotes use the server's prefix; registering again keeps it (the same installation)
    q = laptops[0].issue()[0]
    assert q.prefix == prefixes[0]
    register(laptops[0], url, "engineer 0, renamed")
    assert laptops[0].store().installation_prefix() == prefixes[0]
    assert _server_rows(url, "select count(*) from installations")[0][0] == 6


def test_issued_revisions_go_up_once_keyed_by_number_and_revision(team_db, make_laptop):
    _, _, url = team_db
    a, b = make_laptop("a"), make_laptop("b")
    register(a, url, "A")
    register(b, url, "B")
    qa = a.issue("Ada", n=3)
    qb = b.issue("Bea", n=2)
    store = a.store()
    rev_b = store.issue(store.revise(qa[0].label))  # revision B of the first quote
    assert a.sync().pushed["quotes"] == 4
    assert b.sync().pushed["quotes"] == 2
    assert a.sync().pushed["quotes"] == 0  # nothing new: nothing sent twice
    rows = _server_rows(url, "select prefix, sequence, revision, content_hash, content from quote_revisions "
                             "order by prefix, sequence, revision")
    keys = {(p, s, r) for p, s, r, _, _ in rows}
    assert keys == {(q.prefix, q.sequence, q.revision) for q in qa + qb + [rev_b]}
    # the server holds the sealed content: the local hash and the build travel with the revision
    local = {(r["prefix"], r["sequence"], r["revision"]): r["content_hash"] for r in a.db["quotes"].rows}
    for p, s, r, h, content in rows:
        if (p, s, r) in local:
            assert h == local[(p, s, r)] and content["build_json"] == qa[0].build_json
    # immutable on the server: even its owner cannot change an issued revision
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="immutable"):
        _server_rows(url, "update quote_revisions set content_hash = 'x' where revision = 'A'")


def test_an_altered_local_revision_is_not_sent_over_the_issued_one(team_db, make_laptop):
    _, _, url = team_db
    a = make_laptop("a")
    register(a, url, "A")
    q = a.issue(n=1)[0]
    a.sync()
    # someone edits the issued row in the SQLite file and re-seals it: the server keeps what was issued
    a.db.execute("update quotes set notes = 'changed', content_hash = 'f00d' where id = ?", [q.id])
    a.db.conn.commit()
    result = a.sync()
    assert result.pushed["quotes"] == 0 and len(result.refused) == 1 and q.label in result.refused[0]
    assert _server_rows(url, "select content->>'notes' from quote_revisions")[0][0] == ""


def _publish(url, rows, effective=None):
    from configurator.team.admin import publish_rows

    return publish_rows(url, rows, effective)


def _price(laptop, part_id):
    import sqlite3

    con = sqlite3.connect(laptop.catalog)
    try:
        return con.execute("select list_price from prices where id = ?", [part_id]).fetchone()[0]
    finally:
        con.close()


def _some_parts(laptop, n=3):
    import sqlite3

    con = sqlite3.connect(laptop.catalog)
    try:
        return [r[0] for r in con.execute("select id from prices order by id limit ?", [n])]
    finally:
        con.close()


def test_price_lists_come_down_as_dated_versions_and_quotes_keep_their_prices(team_db, make_laptop):
    _, _, url = team_db
    a, b = make_laptop("a"), make_laptop("b")
    register(a, url, "A")
    register(b, url, "B")
    parts = _some_parts(a)
    issued = a.issue(n=1, price_total="1234.50")[0]
    first = _publish(url, [(p, Decimal("1000.00") + i, None, "USD") for i, p in enumerate(parts)])
    later = _publish(url, [(parts[0], Decimal("2000.00"), Decimal("1500.00"), "USD")],
                     effective=datetime.now(timezone.utc).date() + timedelta(days=30))  # not in force yet
    assert later.version == first.version + 1
    for laptop in (a, b):
        result = laptop.sync()
        assert result.pulled["price_lists"] == 1 and result.pulled["price_rows"] == len(parts)
        assert result.price_list_version == first.version
        assert [_price(laptop, p) for p in parts] == [str(Decimal("1000.00") + i) for i in range(len(parts))]
        assert laptop.sync().pulled["price_rows"] == 0  # the same publication is applied once
    # the quote issued before keeps the price sheet it was issued with, and its seal
    again = a.store().get(issued.label)
    assert again.altered == "" and json.loads(a.db["quotes"].get(issued.id)["price_json"])["total"] == "1234.50"
    applied = list(a.db["team_price_lists"].rows)
    assert [(r["version"], r["effective_date"]) for r in applied] == [(first.version, first.effective_date)]


def test_customers_merge_field_by_field_later_edit_by_server_time_wins(team_db, make_laptop):
    _, _, url = team_db
    a, b = make_laptop("a"), make_laptop("b")
    register(a, url, "A")
    register(b, url, "B")
    from configurator.core.quotes.model import Customer

    cust = a.store().save_customer(Customer("Grace", company="Navy", email="g@navy.example", phone="1"))
    a.sync()
    b.sync()
    bcust = next(c for c in b.store().customers() if c.name == "Grace")
    # offline on both: A changes email and phone, B changes phone and company
    from dataclasses import replace

    a.store().save_customer(replace(cust, email="grace@new.example", phone="2"))
    b.store().save_customer(replace(bcust, phone="3", company="Harvard"))
    assert a.sync().conflicts == 0
    rb = b.sync()  # reaches the server later: its phone wins, A's phone goes to the conflict log
    assert rb.conflicts == 1
    a.sync()
    for laptop in (a, b):
        got = next(c for c in laptop.store().customers() if c.name == "Grace")
        assert (got.email, got.phone, got.company) == ("grace@new.example", "3", "Harvard")
    log = _server_rows(url, "select field, kept_value, lost_value, lost_by, won_by from customer_conflicts")
    ids = dict(_server_rows(url, "select name, id from installations"))
    assert log == [("phone", "3", "2", ids["A"], ids["B"])]


def test_a_laptop_with_a_wrong_clock_neither_wins_nor_loses_by_it(team_db, make_laptop):
    """A's clock runs a year ahead and its edit is stamped so; B edits later in real time: B wins."""
    _, _, url = team_db
    a, b = make_laptop("a"), make_laptop("b")
    register(a, url, "A")
    register(b, url, "B")
    from dataclasses import replace

    from configurator.core.quotes.model import Customer

    cust = a.store().save_customer(Customer("Linus", email="l@old.example"))
    a.sync()
    b.sync()
    ahead = lambda: datetime.now(timezone.utc) + timedelta(days=365)  # noqa: E731
    a.store().save_customer(replace(cust, email="from-a@example"))
    a.db.execute("update customers set updated_at = ? where id = ?", [ahead().isoformat(), cust.id])
    a.db.conn.commit()
    ra = a.sync(clock=ahead)
    assert ra.clock_offset_s < -364 * 86400  # measured: the server is a year behind this laptop's clock
    bc = next(c for c in b.store().customers() if c.name == "Linus")
    b.store().save_customer(replace(bc, email="from-b@example"))
    b.sync()
    a.sync(clock=ahead)
    for laptop in (a, b):
        assert next(c for c in laptop.store().customers() if c.name == "Linus").email == "from-b@example"
    # the last sync time shown is the server's, not the laptop's
    from configurator.team.local import last_sync

    assert abs(datetime.fromisoformat(last_sync(a.db)) - datetime.now(timezone.utc)) < timedelta(minutes=5)


def test_a_draft_is_never_overwritten_by_another_laptops_draft(team_db, make_laptop):
    _, _, url = team_db
    a, b = make_laptop("a"), make_laptop("b")
    register(a, url, "A")
    register(b, url, "B")
    from configurator.core.quotes.model import Customer

    qa = a.store().create(Customer("Ada"), "{}", build_name="A's draft")
    # B holds a draft under the very same number (a profile copied before registering, say)
    b.db["quotes"].insert({**{k: v for k, v in a.db["quotes"].get(qa.id).items() if k != "id"},
                           "build_name": "B's draft"})
    b.db.conn.commit()
    assert a.sync().pushed["drafts"] == 1
    assert b.sync().pushed["drafts"] == 1
    rows = _server_rows(url, "select i.name, d.content->>'build_name' from quote_drafts d join installations i on "
                             "i.id = d.installation_id order by i.name")
    assert rows == [("A", "A's draft"), ("B", "B's draft")]
    # A edits its draft: only A's row changes; when A issues it, its draft leaves the server
    from dataclasses import replace

    a.store().update(replace(qa, build_name="A's draft, v2"))
    a.sync()
    b.sync()
    rows = _server_rows(url, "select i.name, d.content->>'build_name' from quote_drafts d join installations i on "
                             "i.id = d.installation_id order by i.name")
    assert rows == [("A", "A's draft, v2"), ("B", "B's draft")]
    assert a.store().get(qa.label).build_name == "A's draft, v2"
    assert b.store().get(qa.label).build_name == "B's draft"
    a.store().issue(a.store().get(qa.label))
    r = a.sync()
    assert r.pushed["quotes"] == 1
    assert _server_rows(url, "select i.name from quote_drafts d join installations i on i.id = d.installation_id") \
        == [("B",)]


def test_orders_travel_up_for_the_shop(team_db, make_laptop):
    _, _, url = team_db
    a, shop = make_laptop("a"), make_laptop("shop")
    register(a, url, "Sales A")
    register(shop, url, "Shop")
    from configurator.team.admin import fetch_orders, registered_or_url
    from configurator.team.engine import mark_won

    q1, q2 = a.issue("Ada", n=2)
    mark_won(a.userdb, q2.label)
    assert a.sync().pushed["orders"] == 1
    assert a.sync().pushed["orders"] == 0
    orders = fetch_orders(*registered_or_url(shop.userdb, None))
    assert [o.number for o in orders] == [q2.label]
    assert orders[0].installation == "Sales A" and orders[0].customer["name"] == "Ada"
    assert json.loads(orders[0].build_json) == json.loads(q2.build_json)


def test_approver_keys_policy_and_models_come_down(team_db, make_laptop):
    from configurator.catalog.hf_import import arch_from_config
    from configurator.core.quotes.approvals import generate_key, load_private_key, sign_policy
    from configurator.team.admin import publish_key, publish_model, publish_policy
    from tests.catalog.test_import_model import QWEN3_8B

    _, _, url = team_db
    a, b = make_laptop("a"), make_laptop("b")
    register(a, url, "A")
    register(b, url, "B")
    pem, public = generate_key()
    publish_key(url, public)
    token = sign_policy(load_private_key(pem), a.store().installation_id(), {"role": "manager", "limit": 30})
    publish_policy(url, "A", token)
    publish_model(url, arch_from_config(QWEN3_8B, "team-qwen3-8b", "Qwen3 8B (team)"))
    ra, rb = a.sync(), b.sync()
    assert (ra.pulled["approver_keys"], ra.pulled["policies"], ra.pulled["models"]) == (1, 1, 1)
    assert (rb.pulled["approver_keys"], rb.pulled["policies"], rb.pulled["models"]) == (1, 0, 1)
    for laptop in (a, b):
        assert laptop.store().trusted_keys() == [public]
        assert laptop.userdb.imported_model("team-qwen3-8b").name == "Qwen3 8B (team)"
    assert a.store().discount_policy().role == "manager" and a.store().discount_policy().manager_limit == 30
    assert b.store().discount_policy().role == "sales_engineer"  # B's policy is its own (none published)
    assert a.sync().pulled == dict.fromkeys(a.sync().pulled, 0)  # nothing new: nothing stored again
