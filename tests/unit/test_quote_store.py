"""Quotes in the user database: per-installation prefix, sequence, revisions, read-only issued quotes."""

from __future__ import annotations

import re
import sqlite3
from datetime import date
from decimal import Decimal

import pytest

from configurator.core.quotes import Customer, QuoteError, QuoteLockedError
from configurator.store.quotes import QuoteStore
from configurator.store.userdb import UserDatabase


@pytest.fixture
def store(tmp_path):
    db = UserDatabase(tmp_path / "user.sqlite")
    yield QuoteStore(db.db)
    db.close()


def test_prefix_is_drawn_once_per_installation(tmp_path):
    path = tmp_path / "user.sqlite"
    db = UserDatabase(path)
    prefix = QuoteStore(db.db).installation_prefix()
    db.close()
    assert re.fullmatch(r"[2-9A-HJ-NP-Z]{10}", prefix)
    db = UserDatabase(path)
    assert QuoteStore(db.db).installation_prefix() == prefix
    db.close()


def test_sequence_counts_up_and_numbers_are_unique(store):
    a = store.create(Customer("A"), "{}", today=date(2025, 1, 1))
    b = store.create(Customer("B"), "{}", today=date(2025, 1, 1))
    assert (a.sequence, b.sequence) == (1, 2)
    assert a.label == f"Q-{store.installation_prefix()}-00001-A"
    assert a.valid_until == date(2025, 1, 31)
    with pytest.raises(sqlite3.IntegrityError):  # the unique index backs the sequence up
        store.db["quotes"].insert({**store.db["quotes"].get(a.id), "id": None})


def test_issued_revision_is_read_only_and_a_change_makes_the_next_revision(store):
    draft = store.create(Customer("Jane Roe", company="Acme"), '{"schema": 1}', "Box",
                         discount_percent=Decimal(5), currency="EUR", exchange_rate=Decimal("0.92"))
    draft = store.update(draft.changed(tax_percent=Decimal(19)))
    issued = store.issue(draft, {"total": "1.00"})
    assert issued.read_only and issued.issued_at
    with pytest.raises(QuoteLockedError):
        store.update(issued)
    with pytest.raises(QuoteLockedError):
        issued.changed(discount_percent=Decimal(8))
    b = store.revise(issued, discount_percent=Decimal(8))
    assert b.label == issued.number + "-B" and b.status == "draft" and b.discount_percent == 8
    assert b.exchange_rate == Decimal("0.92") and b.currency == "EUR" and b.tax_percent == 19  # carried over
    store.issue(b)
    c = store.revise(issued.number)  # from the latest revision, not the one named
    assert c.revision == "C" and c.discount_percent == 8
    assert [q.revision for q in store.revisions(issued.number)] == ["A", "B", "C"]
    assert store.get(issued.number).revision == "C"
    a = store.get(issued.label)
    assert a.read_only and a.discount_percent == 5 and a.customer.company == "Acme"
    assert [q.label for q in store.latest()] == [c.label]


def test_rates_and_percents_round_trip_exactly(store):
    q = store.create(Customer("X"), "{}", discount_percent="7.25", tax_percent="19", exchange_rate="0.9213",
                     line_discounts={"h200-sxm": "12.5"}, warranty=("3 years",), support=("24/7",))
    back = store.get(q.label)
    assert back.discount_percent == Decimal("7.25") and back.exchange_rate == Decimal("0.9213")
    assert back.line_discounts == {"h200-sxm": Decimal("12.5")}
    assert back.warranty == ("3 years",) and back.support == ("24/7",)


def test_invalid_quote_uses_no_number(store):
    with pytest.raises(QuoteError):
        store.create(Customer("X"), "{}", currency="EURO")
    assert store.create(Customer("X"), "{}").sequence == 1


def test_customers_and_discount_limit_setting(store):
    saved = store.save_customer(Customer("Zed"))
    store.save_customer(Customer("amy", email="a@example.com"))
    assert [c.name for c in store.customers()] == ["amy", "Zed"]
    store.save_customer(Customer("Zed Ltd", id=saved.id))
    assert "Zed Ltd" in [c.name for c in store.customers()]
    assert store.discount_policy().sales_engineer_limit == 10
    # the limit is no editable settings row any more: only a signed policy changes it (test_approvals.py)
    store.db["settings"].upsert({"key": "sales_engineer_discount_limit", "value": "100"}, pk="key")
    assert store.discount_policy().sales_engineer_limit == 10
    with pytest.raises(QuoteError):
        store.get("Q-ZZZZ-00099")


def test_quote_migrations_are_appended(tmp_path):
    UserDatabase(tmp_path / "u.sqlite").close()
    con = sqlite3.connect(tmp_path / "u.sqlite")
    names = [r[0] for r in con.execute("select name from _sqlite_migrations order by rowid")]
    con.close()
    assert names[2:4] == ["m003_settings", "m004_customers_and_quotes"]
