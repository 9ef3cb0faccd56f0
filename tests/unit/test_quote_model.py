"""Quote model and policy: numbering, revision letters, validation, discount approval by role."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from configurator.core.quotes import (
    APPROVED, MANAGER, PENDING, WITHIN_LIMIT, Customer, DiscountPolicy, Quote, QuoteError, QuoteLockedError,
    approval, check_issuable, format_number, next_revision, parse_label, revision_index, revision_letter,
    valid_until_for, validate,
)
from configurator.core.errors import ConfiguratorError
from configurator.core.rules import Finding


def quote(**changes) -> Quote:
    values = dict(prefix="7KQ3", sequence=42, customer=Customer("Jane Roe"), build_json="{}",
                  issue_date=date(2025, 1, 31), valid_until=valid_until_for(date(2025, 1, 31)))
    values.update(changes)
    return validate(Quote(**values))


def test_number_and_revision_labels():
    q = quote()
    assert q.number == "Q-7KQ3-00042" and q.label == "Q-7KQ3-00042-A"
    assert format_number("ABCD", 123456) == "Q-ABCD-123456"
    assert parse_label("q-7kq3-00042-b") == ("7KQ3", 42, "B")
    assert parse_label("Q-7KQ3-00042") == ("7KQ3", 42, None)
    with pytest.raises(QuoteError):
        parse_label("Q-42")


@pytest.mark.parametrize("index,letter", [(0, "A"), (1, "B"), (25, "Z"), (26, "AA"), (27, "AB"), (701, "ZZ"),
                                          (702, "AAA")])
def test_revision_letters_round_trip(index, letter):
    assert revision_letter(index) == letter
    assert revision_index(letter) == index
    assert next_revision(letter) == revision_letter(index + 1)


def test_defaults_valid_30_days_net_30():
    q = quote()
    assert q.valid_until == date(2025, 3, 2)
    assert q.payment_terms == "net30" and "Net 30" in q.payment_terms_text
    assert q.status == "draft" and not q.read_only


@pytest.mark.parametrize("changes,match", [
    ({"payment_terms": "net90"}, "payment terms"),
    ({"currency": "EURO"}, "currency"),
    ({"exchange_rate": Decimal(0)}, "exchange rate"),
    ({"discount_percent": Decimal(101)}, "discount"),
    ({"tax_percent": Decimal(-1)}, "tax"),
    ({"valid_until": date(2025, 1, 1)}, "before the issue date"),
    ({"customer": Customer("  ")}, "name"),
    ({"approval_code": "x y"}, "approval code"),
    ({"role": "intern"}, "role"),
])
def test_validation_names_the_problem(changes, match):
    with pytest.raises(ConfiguratorError, match=match):  # QuoteError or InvalidInputError: one line, exit 2
        quote(**changes)


def test_money_fields_normalise_to_decimal_and_floats_are_refused():
    q = quote(discount_percent="12.5", exchange_rate="0.92", currency="eur")
    assert q.discount_percent == Decimal("12.5") and q.exchange_rate == Decimal("0.92") and q.currency == "EUR"
    with pytest.raises(TypeError):
        quote(exchange_rate=0.92)


def test_issued_quote_is_read_only():
    issued = replace(quote(), status="issued")
    assert issued.read_only
    with pytest.raises(QuoteLockedError, match="new revision"):
        issued.changed(discount_percent=Decimal(5))
    assert quote().changed(discount_percent=Decimal(5)).discount_percent == 5


def test_discount_approval_by_role():
    policy = DiscountPolicy(sales_engineer_limit=Decimal(10))
    assert approval(quote(discount_percent=Decimal(10)), policy).state == WITHIN_LIMIT
    over = approval(quote(discount_percent=Decimal("10.01")), policy)
    assert over.state == PENDING and over.pending and over.limit == 10
    # any text is no approval: only a signed token verifies (tests/unit/test_approvals.py)
    made_up = approval(quote(discount_percent=Decimal(15), approval_code="MGR-1"), policy, total=Decimal(1))
    assert made_up.state == PENDING and "not an approval token" in made_up.refused
    # the role is the installation's policy, not a field of the quote
    assert approval(quote(discount_percent=Decimal(25), role=MANAGER), policy).state == PENDING
    assert approval(quote(discount_percent=Decimal(25)), DiscountPolicy(role=MANAGER)).state == WITHIN_LIMIT
    # a single line's discount counts too
    assert approval(quote(line_discounts={"h200-sxm": Decimal(20)}), policy).state == PENDING
    assert approval(quote(discount_percent=Decimal(12)), DiscountPolicy(Decimal(15))).state == WITHIN_LIMIT


def test_error_findings_block_issue():
    check_issuable([Finding("warning", "PSU_HEADROOM", "tight")])
    with pytest.raises(QuoteError, match="SXM_BOARD_COUNT"):
        check_issuable([Finding("error", "SXM_BOARD_COUNT", "six GPUs"), Finding("error", "X", "y")])
