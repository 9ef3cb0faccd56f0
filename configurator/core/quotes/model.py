"""A quote: customer, number and revision, dates, terms, discount, tax and currency (Qt-free, no SQL).

Numbering (DESIGN.md section 6): ``Q-<prefix>-<sequence>`` where the prefix is drawn once per
installation (store/quotes.py) and the sequence counts up in that installation's user database, so
two laptops offline never hand out the same number. Revisions are letters A, B, ..., Z, AA, AB, ...;
an issued revision is read-only and every change after issue is a new revision.

Money fields are Decimal (core/money.py): the discount and tax are percents, the exchange rate
converts catalog prices into the quote's currency and is kept on the quote so a re-printed quote
shows the figures the customer was given.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal

from configurator.core.errors import ConfiguratorError, InvalidInputError
from configurator.core.money import check_percent, to_decimal

DRAFT = "draft"
ISSUED = "issued"
STATUSES = (DRAFT, ISSUED)

# Payment terms a quote may offer: id -> the words printed on the quote.
PAYMENT_TERMS = {
    "net30": "Net 30 days from invoice date",
    "net60": "Net 60 days from invoice date",
    "po": "Against purchase order",
    "card": "Credit card on order",
}
DEFAULT_PAYMENT_TERMS = "net30"
DEFAULT_VALID_DAYS = 30
MAX_VALID_DAYS = 366

SALES_ENGINEER = "sales_engineer"
MANAGER = "manager"
ROLES = (SALES_ENGINEER, MANAGER)

_NUMBER = re.compile(r"^Q-([A-Z0-9]{2,12})-(\d{5,})(?:-([A-Z]{1,3}))?$")
_CURRENCY = re.compile(r"^[A-Z]{3}$")
_APPROVAL_CODE = re.compile(r"^[A-Za-z0-9:_.-]{1,400}$")
# Exchange rates between real currencies lie within 1e-6 (e.g. IRR per EUR is ~2e-5) and 1e6; anything
# outside is a typo such as 1e-30, never a rate.
MIN_RATE = Decimal("0.000001")
MAX_RATE = Decimal(1000000)


class QuoteError(ConfiguratorError):
    pass


class QuoteLockedError(QuoteError):
    """An issued revision was about to change: make a new revision instead."""


def revision_letter(index: int) -> str:
    """0 -> 'A', 25 -> 'Z', 26 -> 'AA', 27 -> 'AB' (spreadsheet-column letters)."""
    if index < 0:
        raise InvalidInputError(f"revision index {index} is negative")
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def revision_index(letter: str) -> int:
    if not letter or not letter.isalpha() or not letter.isupper():
        raise InvalidInputError(f"revision '{letter}' is not a letter A-Z")
    index = 0
    for ch in letter:
        index = index * 26 + (ord(ch) - ord("A") + 1)
    return index - 1


def next_revision(letter: str) -> str:
    return revision_letter(revision_index(letter) + 1)


def format_number(prefix: str, sequence: int) -> str:
    return f"Q-{prefix}-{sequence:05d}"


def parse_label(text: str) -> tuple[str, int, str | None]:
    """'Q-7KQ3-00042-B' -> ('7KQ3', 42, 'B'); the revision is optional."""
    m = _NUMBER.match(text.strip().upper())
    if not m:
        raise QuoteError(f"'{text}' is not a quote number like Q-7KQ3-00042 or Q-7KQ3-00042-B")
    return m.group(1), int(m.group(2)), m.group(3)


@dataclass(frozen=True)
class Customer:
    name: str
    company: str = ""
    email: str = ""
    phone: str = ""
    address: str = ""  # several lines
    notes: str = ""  # internal: never printed on a quote
    id: int | None = None

    def printed_lines(self) -> list[str]:
        """What the customer block of a quote shows (never the notes)."""
        lines = [self.name, self.company, *self.address.splitlines(), self.email, self.phone]
        return [l.strip() for l in lines if l and l.strip()]


MIN_OPTIONS, MAX_OPTIONS = 2, 3  # a quote with options offers a choice: good/better/best at most


@dataclass(frozen=True)
class QuoteOption:
    """One alternative of a quote with options: a build (build-file JSON) under the name it is offered as."""

    name: str
    build_json: str


@dataclass(frozen=True)
class Quote:
    prefix: str
    sequence: int
    customer: Customer
    build_json: str  # the build in the build-file format, frozen with the revision
    issue_date: date
    valid_until: date
    revision: str = "A"
    status: str = DRAFT
    build_name: str = ""
    payment_terms: str = DEFAULT_PAYMENT_TERMS
    warranty: tuple[str, ...] = ()
    support: tuple[str, ...] = ()
    discount_percent: Decimal = Decimal(0)
    line_discounts: dict[str, Decimal] = field(default_factory=dict)
    approval_code: str = ""
    role: str = SALES_ENGINEER
    tax_percent: Decimal = Decimal(0)
    currency: str = "USD"
    exchange_rate: Decimal = Decimal(1)  # catalog currency -> quote currency
    notes: str = ""  # internal
    issued_at: str | None = None
    id: int | None = None
    # A quote with options offers 2-3 alternative builds, each priced on its own, the customer choosing one;
    # ``chosen_option`` (0-based) is None until then. A revision that records the choice keeps the options
    # for the record and quotes the chosen one alone (``build_json`` is then that option's build).
    options: tuple[QuoteOption, ...] = ()
    chosen_option: int | None = None
    # why the stored revision is not genuine ('' when its content matches its sealed hash): store/quotes.py
    altered: str = field(default="", compare=False)

    @property
    def number(self) -> str:
        return format_number(self.prefix, self.sequence)

    @property
    def label(self) -> str:
        return f"{self.number}-{self.revision}"

    @property
    def read_only(self) -> bool:
        return self.status == ISSUED

    @property
    def offers_options(self) -> bool:
        """A quote with options whose customer has not chosen yet: its document prints every option."""
        return bool(self.options) and self.chosen_option is None

    @property
    def chosen(self) -> QuoteOption | None:
        return self.options[self.chosen_option] if self.options and self.chosen_option is not None else None

    @property
    def payment_terms_text(self) -> str:
        return PAYMENT_TERMS[self.payment_terms]

    @property
    def max_discount_percent(self) -> Decimal:
        """The largest discount on any line: what the approval rule looks at."""
        return max([self.discount_percent, *self.line_discounts.values()])

    def changed(self, **changes) -> "Quote":
        """A copy with ``changes``; refused on an issued revision (QuoteLockedError)."""
        if self.read_only:
            raise QuoteLockedError(f"quote {self.label} is issued and read-only: make a new revision to change it")
        return validate(replace(self, **changes))


def check_rate(value) -> Decimal:
    """An exchange rate inside sane bounds (MIN_RATE to MAX_RATE), at most 8 decimal places."""
    rate = to_decimal(value, "exchange rate")
    if not MIN_RATE <= rate <= MAX_RATE:
        raise QuoteError(f"exchange rate {rate} is outside {MIN_RATE} to {MAX_RATE}")
    if rate != rate.quantize(Decimal("1e-8")):
        raise QuoteError(f"exchange rate {rate} has more than 8 decimal places")
    return rate


def valid_until_for(issue: date, days: int = DEFAULT_VALID_DAYS) -> date:
    if not 1 <= days <= MAX_VALID_DAYS:
        raise InvalidInputError(f"validity of {days} days is outside 1-{MAX_VALID_DAYS}")
    return issue + timedelta(days=days)


def validate(quote: Quote) -> Quote:
    """The quote with its numbers normalised to Decimal; a readable error for anything out of range."""
    if not quote.customer.name.strip():
        raise QuoteError("the customer needs a name")
    if quote.payment_terms not in PAYMENT_TERMS:
        raise QuoteError(f"unknown payment terms '{quote.payment_terms}' (one of {', '.join(PAYMENT_TERMS)})")
    if quote.role not in ROLES:
        raise QuoteError(f"unknown role '{quote.role}' (one of {', '.join(ROLES)})")
    if quote.status not in STATUSES:
        raise QuoteError(f"unknown quote status '{quote.status}'")
    currency = quote.currency.strip().upper()
    if not _CURRENCY.match(currency):
        raise QuoteError(f"currency '{quote.currency}' is not a three-letter code such as USD or EUR")
    rate = check_rate(quote.exchange_rate)
    if quote.valid_until < quote.issue_date:
        raise QuoteError(f"valid-until {quote.valid_until} is before the issue date {quote.issue_date}")
    revision_index(quote.revision)
    code = "".join(quote.approval_code.split()) if any(c in quote.approval_code for c in "\n\r\t") else \
        quote.approval_code.strip()
    if code and not _APPROVAL_CODE.match(code):
        raise QuoteError("an approval code is the token printed by `configurator approve` (letters, digits and "
                         ": . _ -, without spaces)")
    options = tuple(QuoteOption(" ".join(str(o.name).split()), o.build_json) for o in quote.options)
    if options and not MIN_OPTIONS <= len(options) <= MAX_OPTIONS:
        raise QuoteError(f"a quote with options offers {MIN_OPTIONS} or {MAX_OPTIONS} builds, not {len(options)}")
    if any(not o.name for o in options):
        raise QuoteError("every option of a quote needs a name")
    chosen = quote.chosen_option
    if chosen is not None:
        if isinstance(chosen, bool) or not isinstance(chosen, int) or not 0 <= chosen < len(options):
            raise QuoteError(f"option {chosen!r} is not one of the quote's {len(options)} options"
                             if options else "a quote without options has no chosen option")
        if quote.build_json != options[chosen].build_json:
            raise QuoteError("a revision that records the customer's choice quotes the chosen option's build")
    return replace(
        quote, currency=currency, exchange_rate=rate, approval_code=code, options=options,
        discount_percent=check_percent(quote.discount_percent, "discount"),
        tax_percent=check_percent(quote.tax_percent, "tax rate"),
        line_discounts={k: check_percent(v, f"discount on {k}") for k, v in quote.line_discounts.items()},
        warranty=tuple(l.strip() for l in quote.warranty if l.strip()),
        support=tuple(l.strip() for l in quote.support if l.strip()),
    )
