"""What a quote may say: the discount and exchange rate an installation may give, whether a quote can be
issued, and its prices.

Limits (DESIGN.md section 6): the installation's role (sales engineer or manager) and its discount
limit come from its protected settings, a policy signed by a trusted approver
(core/quotes/approvals.py, ``configurator approver policy``); without one the defaults below apply. A
quote whose largest discount is above the limit, or whose exchange rate is further than the tolerance
from the stored rate for its currency pair, needs an approval: a token an approver signed for this quote
number, discount and total. Without a valid one it still prints, marked "pending approval", and is no
binding offer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Iterable

from configurator.core.money import check_percent
from configurator.core.pricing import PriceSheet, price_build
from configurator.core.quotes.approvals import ApprovalError, verify_approval
from configurator.core.quotes.model import MANAGER, ROLES, SALES_ENGINEER, Quote, QuoteError, check_rate
from configurator.core.rules import Finding, has_errors

if TYPE_CHECKING:
    from configurator.core.configuration import Build

DEFAULT_SALES_ENGINEER_LIMIT = Decimal(10)
DEFAULT_MANAGER_LIMIT = Decimal(100)
# A rate within this many percent of the stored rate for the pair needs no approval: bank and card
# rates move about 1-2 % within a validity period (estimate; set per installation by its policy).
DEFAULT_RATE_TOLERANCE = Decimal(2)

WITHIN_LIMIT = "within_limit"
APPROVED = "approved"
PENDING = "pending"
PENDING_TEXT = "pending approval"


@dataclass(frozen=True)
class DiscountPolicy:
    sales_engineer_limit: Decimal = DEFAULT_SALES_ENGINEER_LIMIT
    manager_limit: Decimal = DEFAULT_MANAGER_LIMIT
    role: str = SALES_ENGINEER  # this installation's role
    rate_tolerance_percent: Decimal = DEFAULT_RATE_TOLERANCE
    rates: tuple[tuple[str, Decimal], ...] = ()  # ("USD/EUR", 0.92): stored catalog -> quote currency rates

    def __post_init__(self):
        object.__setattr__(self, "sales_engineer_limit",
                           check_percent(self.sales_engineer_limit, "sales-engineer discount limit"))
        object.__setattr__(self, "manager_limit", check_percent(self.manager_limit, "manager discount limit"))
        object.__setattr__(self, "rate_tolerance_percent",
                           check_percent(self.rate_tolerance_percent, "exchange-rate tolerance"))
        if self.role not in ROLES:
            raise QuoteError(f"unknown role '{self.role}' (one of {', '.join(ROLES)})")
        object.__setattr__(self, "rates", tuple((pair, check_rate(rate)) for pair, rate in self.rates))

    def limit(self, role: str | None = None) -> Decimal:
        return self.manager_limit if (role or self.role) == MANAGER else self.sales_engineer_limit

    def stored_rate(self, base: str, currency: str) -> Decimal | None:
        if base == currency:
            return Decimal(1)
        return dict(self.rates).get(f"{base}/{currency}")

    def rate_problem(self, base: str | None, currency: str, rate: Decimal) -> str:
        """Why this exchange rate needs approval ('' when it does not)."""
        if base is None:
            return ""
        stored = self.stored_rate(base, currency)
        if stored is None:
            return (f"there is no stored exchange rate for {base} to {currency}, so the rate {rate} needs "
                    f"approval")
        off = abs(rate / stored - 1) * 100
        if off > self.rate_tolerance_percent:
            return (f"the exchange rate {rate} is {off.quantize(Decimal('0.1'))}% away from the stored {base} to "
                    f"{currency} rate {stored} (tolerance {self.rate_tolerance_percent}%)")
        return ""


@dataclass(frozen=True)
class Approval:
    state: str  # WITHIN_LIMIT, APPROVED or PENDING
    limit: Decimal  # of the installation's role
    discount: Decimal  # the largest discount on the quote
    code: str = ""
    reason: str = ""  # why the quote needs an approval ('' within the limits)
    refused: str = ""  # why the approval code given was not accepted ('' when none was given or it holds)

    @property
    def pending(self) -> bool:
        return self.state == PENDING


def approval(quote: Quote, policy: DiscountPolicy, total: Decimal | None = None, base_currency: str | None = None,
             trusted: Iterable[str] = (), today: date | None = None) -> Approval:
    """Whether ``quote`` is within the installation's limits, approved by a valid token, or pending.

    ``total``: the quote's total after discount as printed (what an approval signs); without it no code can
    be checked. ``base_currency``: the catalog's currency, for the exchange-rate check.
    """
    limit = policy.limit()
    discount = quote.max_discount_percent
    reasons = []
    if discount > limit:
        reasons.append(f"the discount of {discount}% is above the {limit}% limit of a "
                       f"{policy.role.replace('_', ' ')}")
    rate_reason = policy.rate_problem(base_currency, quote.currency, quote.exchange_rate)
    if rate_reason:
        reasons.append(rate_reason)
    reason = "; ".join(reasons)
    if not reasons:
        return Approval(WITHIN_LIMIT, limit, discount)
    if not quote.approval_code:
        return Approval(PENDING, limit, discount, reason=reason)
    if total is None:
        return Approval(PENDING, limit, discount, quote.approval_code, reason,
                        "the approval code cannot be checked without the quote's total")
    try:
        verify_approval(quote.approval_code, trusted, quote.number, discount, quote.currency, total, today)
    except ApprovalError as exc:
        return Approval(PENDING, limit, discount, quote.approval_code, reason, str(exc))
    return Approval(APPROVED, limit, discount, quote.approval_code, reason)


def check_issuable(findings: list[Finding]) -> None:
    """Raise QuoteError naming the first error when the build cannot be quoted."""
    if has_errors(findings):
        errors = [f for f in findings if f.severity == "error"]
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        raise QuoteError(f"the build has compatibility errors and cannot be quoted: {errors[0].code}: "
                         f"{errors[0].message}{more}")


def quote_prices(quote: Quote, build: "Build") -> PriceSheet:
    """The build priced with the quote's discount, tax, currency and exchange rate (core pricing)."""
    return price_build(build, discount_percent=quote.discount_percent, line_discounts=quote.line_discounts,
                       tax_percent=quote.tax_percent, currency=quote.currency, rate=quote.exchange_rate)


def default_service_lines(build: "Build") -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(warranty lines, support lines) from the build's services, for a new quote."""
    warranty = tuple(f"{i.part.name}: {i.part.description}" for i in build.services if i.part.kind == "warranty")
    support = tuple(f"{i.part.name}: {i.part.description}" for i in build.services if i.part.kind == "support")
    if not warranty:
        warranty = ("Manufacturer warranties of the components apply; return-to-base service by us.",)
    if not support:
        support = ("Email support on business days for installation questions.",)
    return warranty, support

