"""Approvals that cannot be forged (core/quotes/approvals.py), the signed installation policy, sealed
revisions and installation prefixes (store/quotes.py). Real Ed25519 keys, real SQLite files."""

from __future__ import annotations

import math
import shutil
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from configurator.core.quotes import PENDING, WITHIN_LIMIT, APPROVED, Customer, DiscountPolicy, Quote, approval
from configurator.core.quotes.approvals import (
    ApprovalError, generate_key, key_id, load_private_key, parse_public_key, sign_approval, sign_policy,
    verify_approval,
)
from configurator.store.quotes import PREFIX_ALPHABET, PREFIX_LENGTH, QuoteStore, QuoteTamperedError
from configurator.store.userdb import UserDatabase

TODAY = date(2026, 3, 2)
NUMBER = "Q-7KQ3H9XM2A-00042"
TOTAL = Decimal("22173.75")


@pytest.fixture(scope="module")
def keys():
    """Two approver keys: (private key, public text) each."""
    out = []
    for _ in range(2):
        pem, public = generate_key()
        out.append((load_private_key(pem), public))
    return out


def token(keys, number=NUMBER, discount=Decimal(25), total=TOTAL, expires=TODAY + timedelta(days=14), which=0,
          currency="USD"):
    return sign_approval(keys[which][0], number, discount, total, expires, currency, TODAY)


def verify(keys, text, number=NUMBER, discount=Decimal(25), total=TOTAL, currency="USD", today=TODAY, trusted=None):
    return verify_approval(text, [keys[0][1]] if trusted is None else trusted, number, discount, currency, total,
                           today)


def test_a_token_verifies_for_exactly_its_quote_discount_and_total(keys):
    t = token(keys)
    assert t.startswith("A1:Q-7KQ3H9XM2A-00042:25:USD:22173.75:2026-03-16:") and len(t) < 160
    assert verify(keys, t).number == NUMBER
    for kw, match in [({"number": "Q-7KQ3H9XM2A-00043"}, "is for quote Q-7KQ3H9XM2A-00042, not"),
                      ({"discount": Decimal(30)}, "approves a 25% discount; this quote gives 30%"),
                      ({"total": Decimal("22173.74")}, "approves a total of USD 22,173.75"),
                      ({"currency": "EUR"}, "in USD; this quote is in EUR"),
                      ({"today": TODAY + timedelta(days=15)}, "expired on 2026-03-16"),
                      ({"trusted": [keys[1][1]]}, f"signed by key {key_id(keys[0][1])}, which this installation"),
                      ({"trusted": []}, "trusts no approver key")]:
        with pytest.raises(ApprovalError, match=match):
            verify(keys, t, **kw)


def test_an_altered_token_is_refused(keys):
    t = token(keys)
    for old, new in [(":25:", ":50:"), (":22173.75:", ":100.00:"), ("00042", "00041"), ("2026-03-16", "2027-03-16")]:
        with pytest.raises(ApprovalError, match="signature does not match|is for quote"):
            verify(keys, t.replace(old, new), number=NUMBER.replace("00042", "00041") if new == "00041" else NUMBER,
                   discount=Decimal(50) if new == ":50:" else Decimal(25),
                   total=Decimal("100.00") if new == ":100.00:" else TOTAL)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_fuzz_malformed_and_mutated_tokens_never_verify_and_never_crash(keys, data):
    """300 inputs: random text, and the real token with one character replaced, inserted or deleted, or cut."""
    t = token(keys)
    kind = data.draw(st.sampled_from(["text", "replace", "insert", "delete", "cut"]))
    if kind == "text":
        bad = data.draw(st.text(max_size=200))
    else:
        i = data.draw(st.integers(min_value=0, max_value=len(t) - 1))
        c = data.draw(st.characters(blacklist_categories=("Cs",)))
        bad = {"replace": t[:i] + c + t[i + 1:], "insert": t[:i] + c + t[i:], "delete": t[:i] + t[i + 1:],
               "cut": t[:i]}[kind]
    if "".join(bad.split()) == t:
        return  # a whitespace change: the same token
    with pytest.raises(ApprovalError) as exc:
        verify(keys, bad)
    assert str(exc.value) and "\n" not in str(exc.value)


def test_public_keys_are_checked(keys):
    assert parse_public_key(" " + keys[0][1] + "\n") == keys[0][1]
    assert len(keys[0][1]) == 64 and not keys[0][1].startswith("-")
    for bad in ["", "abc", keys[0][1][:-2], keys[0][1] + "aa", "!" * 64, "g" * 64]:
        with pytest.raises(ApprovalError):
            parse_public_key(bad)


def quote(**changes) -> Quote:
    values = dict(prefix="7KQ3H9XM2A", sequence=42, customer=Customer("Jane"), build_json="{}",
                  issue_date=TODAY, valid_until=TODAY + timedelta(days=30))
    values.update(changes)
    return Quote(**values)


def test_approval_needs_a_valid_token_above_the_limit_and_for_an_odd_exchange_rate(keys):
    policy = DiscountPolicy()
    trusted = [keys[0][1]]
    assert approval(quote(discount_percent=Decimal(10)), policy, TOTAL, "USD", trusted).state == WITHIN_LIMIT
    assert approval(quote(discount_percent=Decimal(25)), policy, TOTAL, "USD", trusted).state == PENDING
    good = approval(quote(discount_percent=Decimal(25), approval_code=token(keys)), policy, TOTAL, "USD", trusted,
                    TODAY)
    assert good.state == APPROVED and not good.refused
    forged = approval(quote(discount_percent=Decimal(100), approval_code="zzzz"), policy, Decimal(0), "USD", trusted)
    assert forged.state == PENDING and forged.refused
    # the exchange rate is an unapproved discount: 0.01 USD->USD needs approval, 1.01 is within the tolerance
    cheap = approval(quote(exchange_rate=Decimal("0.01")), policy, Decimal("295.65"), "USD", trusted)
    assert cheap.state == PENDING and "exchange rate 0.01" in cheap.reason
    assert approval(quote(exchange_rate=Decimal("1.01")), policy, TOTAL, "USD", trusted).state == WITHIN_LIMIT
    eur = DiscountPolicy(rates=(("USD/EUR", Decimal("0.92")),))
    assert approval(quote(currency="EUR", exchange_rate=Decimal("0.92")), eur, TOTAL, "USD").state == WITHIN_LIMIT
    assert approval(quote(currency="EUR", exchange_rate=Decimal("0.50")), eur, TOTAL, "USD").state == PENDING
    assert approval(quote(currency="EUR", exchange_rate=Decimal("0.92")), policy, TOTAL, "USD").state == PENDING


@pytest.fixture
def store(tmp_path):
    db = UserDatabase(tmp_path / "user.sqlite")
    yield QuoteStore(db.db)
    db.close()


def test_the_policy_is_signed_bound_to_the_installation_and_an_edited_row_gives_no_privilege(store, keys, tmp_path):
    store.trust(keys[0][1])
    signed = sign_policy(keys[0][0], store.installation_id(), {"role": "manager", "limit": "30",
                                                              "rates": {"USD/EUR": "0.92"}})
    store.set_policy(signed)
    policy = store.discount_policy()
    assert policy.role == "manager" and policy.limit() == 30 and policy.stored_rate("USD", "EUR") == Decimal("0.92")
    # an untrusted key, another installation, or an edit of the stored row: refused / back to the defaults
    with pytest.raises(ApprovalError, match="not trusted"):
        store.set_policy(sign_policy(keys[1][0], store.installation_id(), {"role": "manager", "limit": "100"}))
    with pytest.raises(ApprovalError, match="another installation"):
        store.set_policy(sign_policy(keys[0][0], "someone-else", {"role": "manager", "limit": "100"}))
    import base64

    head, payload, kid, sig = signed.split(":")
    raised = base64.urlsafe_b64decode(payload + "==").replace(b'"30"', b'"99"')
    assert raised != base64.urlsafe_b64decode(payload + "==")
    edited = ":".join((head, base64.urlsafe_b64encode(raised).decode().rstrip("="), kid, sig))
    store.db["settings"].upsert({"key": "installation_policy", "value": edited}, pk="key")
    assert store.discount_policy() == DiscountPolicy() and "altered" in store.policy_problem()
    store.db["settings"].upsert({"key": "installation_policy", "value": signed}, pk="key")
    assert store.discount_policy().role == "manager"
    # a copied profile is another installation: the policy no longer holds there
    copy = tmp_path / "copy" / "user.sqlite"
    copy.parent.mkdir()
    store.db.conn.execute("pragma wal_checkpoint(truncate)")
    shutil.copy(tmp_path / "user.sqlite", copy)
    other = UserDatabase(copy)
    try:
        assert QuoteStore(other.db).discount_policy() == DiscountPolicy()
    finally:
        other.close()


def test_prefixes_have_entropy_for_a_fleet_of_100000(store):
    space = len(PREFIX_ALPHABET) ** PREFIX_LENGTH
    p_collision = 1 - math.exp(-(100_000 ** 2) / (2 * space))  # birthday bound
    assert p_collision < 1e-5
    assert len(store.installation_prefix()) == PREFIX_LENGTH


def test_a_copied_profile_draws_a_new_prefix_and_the_original_keeps_its_own(tmp_path, monkeypatch):
    path = tmp_path / "user.sqlite"
    db = UserDatabase(path)
    original = QuoteStore(db.db).installation_prefix()
    db.db.conn.execute("pragma wal_checkpoint(truncate)")
    copy = tmp_path / "elsewhere" / "user.sqlite"
    copy.parent.mkdir()
    shutil.copy(path, copy)
    db.close()
    for where in (path, path):
        db = UserDatabase(where)
        assert QuoteStore(db.db).installation_prefix() == original
        db.close()
    db = UserDatabase(copy)
    copied = QuoteStore(db.db).installation_prefix()
    db.close()
    assert copied != original
    monkeypatch.setenv("CONFIGURATOR_MACHINE_ID", "another-machine")  # the same file on another machine
    db = UserDatabase(path)
    assert QuoteStore(db.db).installation_prefix() not in (original, copied)
    db.close()


def test_an_old_four_character_prefix_is_replaced(store):
    store.db["settings"].upsert({"key": "quote_prefix", "value": "K7Q3"}, pk="key")
    assert len(store.installation_prefix()) == PREFIX_LENGTH


def issued(store, **terms):
    q = store.create(Customer("Jane"), '{"schema": 1}', "Box", **terms)
    return store.issue(q, {"total": "100.00"})


def test_an_issued_revision_edited_in_the_database_is_not_genuine(store):
    a = issued(store, discount_percent=Decimal(5))
    b = store.issue(store.revise(a.label, discount_percent=Decimal(8)), {"total": "98.00"})
    assert [r.altered for r in store.revisions(a.number)] == ["", ""]
    store.db.execute("update quotes set discount_percent = '50' where id = ?", [a.id])
    store.db.conn.commit()
    revs = store.revisions(a.number)
    assert "no longer matches" in revs[0].altered and revs[1].altered == ""
    with pytest.raises(QuoteTamperedError, match=f"{a.label} was altered"):
        store.revise(b.label)
    with pytest.raises(QuoteTamperedError):
        store.get(a.label, genuine=True)
    assert store.get(b.label, genuine=True).label == b.label


@pytest.mark.parametrize("edit", [
    "update quotes set status = 'draft' where revision = 'A'",  # unlock it to edit it as a draft
    "update quotes set content_hash = null where revision = 'A'",
    "update quotes set previous_hash = 'x' where revision = 'B'",
    "delete from quotes where revision = 'A'",  # the chain of B no longer starts at nothing
])
def test_every_way_around_the_seal_is_seen(store, edit):
    a = issued(store)
    store.issue(store.revise(a.label), {"total": "100.00"})
    store.db.execute(edit)
    store.db.conn.commit()
    assert any(r.altered for r in store.revisions(a.number))
    with pytest.raises(QuoteTamperedError):
        store.revise(a.number)
