"""What a quote may say: the discount a role may give, whether it can be issued, and its prices.

Discount limits by role: a sales engineer may give up to ``DiscountPolicy.sales_engineer_limit``
percent (configurable, stored in the user database); a manager up to ``manager_limit``. Above the
role's limit the quote needs an approval code; without one it still prints, marked "pending
approval", and is no binding offer. The app has no network, so a code cannot be checked against a
server: it is recorded on the quote (internal edition) for the approver to confirm.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from configurator.core.money import check_percent
from configurator.core.pricing import PriceSheet, price_build
from configurator.core.quotes.model import MANAGER, Quote, QuoteError
from configurator.core.rules import Finding, has_errors

if TYPE_CHECKING:
    from configurator.core.configuration import Build

DEFAULT_SALES_ENGINEER_LIMIT = Decimal(10)

WITHIN_LIMIT = "within_limit"
APPROVED = "approved"
PENDING = "pending"
PENDING_TEXT = "pending approval"


@dataclass(frozen=True)
class DiscountPolicy:
    sales_engineer_limit: Decimal = DEFAULT_SALES_ENGINEER_LIMIT
    manager_limit: Decimal = Decimal(100)

    def __post_init__(self):
        object.__setattr__(self, "sales_engineer_limit",
                           check_percent(self.sales_engineer_limit, "sales-engineer discount limit"))
        object.__setattr__(self, "manager_limit", check_percent(self.manager_limit, "manager discount limit"))

    def limit(self, role: str) -> Decimal:
        return self.manager_limit if role == MANAGER else self.sales_engineer_limit


@dataclass(frozen=True)
class Approval:
    state: str  # WITHIN_LIMIT, APPROVED or PENDING
    limit: Decimal  # of the quote's role
    discount: Decimal  # the largest discount on the quote
    code: str = ""

    @property
    def pending(self) -> bool:
        return self.state == PENDING


def approval(quote: Quote, policy: DiscountPolicy) -> Approval:
    limit = policy.limit(quote.role)
    discount = quote.max_discount_percent
    if discount <= limit:
        return Approval(WITHIN_LIMIT, limit, discount)
    if quote.approval_code:
        return Approval(APPROVED, limit, discount, quote.approval_code)
    return Approval(PENDING, limit, discount)


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

