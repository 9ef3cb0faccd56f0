"""Quotes and customers in the user database; returns core dataclasses (core/quotes), never rows.

Numbers stay unique offline: the installation prefix is drawn once at random (4 characters of an
alphabet without look-alikes: 32^4 = ~1 M prefixes) and stored in ``settings``; the sequence is the
next free number under that prefix, taken inside the same transaction as the insert, and a unique
index on (prefix, sequence, revision) backs it up. An issued revision is never updated: ``revise``
copies it into the next letter as a draft.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import asdict, replace
from datetime import date, datetime, timezone
from decimal import Decimal

from sqlite_utils import Database

from configurator.core.money import check_percent
from configurator.core.quotes.model import (
    DRAFT, ISSUED, Customer, Quote, QuoteError, QuoteLockedError, next_revision, parse_label, revision_index,
    valid_until_for,
    validate,
)
from configurator.core.quotes.policy import DEFAULT_SALES_ENGINEER_LIMIT, DiscountPolicy

PREFIX_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I
PREFIX_LENGTH = 4
PREFIX_KEY = "quote_prefix"
LIMIT_KEY = "sales_engineer_discount_limit"


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class QuoteStore:
    def __init__(self, db: Database):
        self.db = db  # a UserDatabase's db: the migrations (m003, m004) are applied

    # -- settings ---------------------------------------------------------------------------------
    def _setting(self, key: str) -> str | None:
        row = self.db.execute("select value from settings where key = ?", [key]).fetchone()
        return row[0] if row else None

    def _set(self, key: str, value: str) -> None:
        with self.db.atomic():
            self.db["settings"].upsert({"key": key, "value": value}, pk="key")

    def installation_prefix(self) -> str:
        """This installation's quote-number prefix, drawn on first use."""
        with self.db.atomic():
            prefix = self._setting(PREFIX_KEY)
            if prefix is None:
                prefix = "".join(secrets.choice(PREFIX_ALPHABET) for _ in range(PREFIX_LENGTH))
                self.db["settings"].insert({"key": PREFIX_KEY, "value": prefix})
        return prefix

    def discount_policy(self) -> DiscountPolicy:
        stored = self._setting(LIMIT_KEY)
        return DiscountPolicy(Decimal(stored) if stored else DEFAULT_SALES_ENGINEER_LIMIT)

    def set_sales_engineer_limit(self, percent: Decimal | int | str) -> None:
        self._set(LIMIT_KEY, str(check_percent(percent, "sales-engineer discount limit")))

    # -- customers --------------------------------------------------------------------------------
    def save_customer(self, customer: Customer) -> Customer:
        if not customer.name.strip():
            raise QuoteError("the customer needs a name")
        row = {k: v for k, v in asdict(customer).items() if k != "id"}
        with self.db.atomic():
            if customer.id is None:
                new_id = self.db["customers"].insert({**row, "created_at": _now(), "updated_at": _now()}).last_pk
                return replace(customer, id=new_id)
            self.db["customers"].update(customer.id, {**row, "updated_at": _now()})
        return customer

    def customers(self) -> list[Customer]:
        rows = self.db.execute(
            "select id, name, company, email, phone, address, notes from customers order by name collate nocase")
        return [Customer(id=r[0], name=r[1], company=r[2] or "", email=r[3] or "", phone=r[4] or "",
                         address=r[5] or "", notes=r[6] or "") for r in rows]

    # -- quotes -----------------------------------------------------------------------------------
    def create(self, customer: Customer, build_json: str, build_name: str = "", today: date | None = None,
               valid_days: int = 30, **terms) -> Quote:
        """A new quote number, revision A, as a draft."""
        issue = today or date.today()
        with self.db.atomic():
            if customer.id is None:
                customer = self.save_customer(customer)
            prefix = self.installation_prefix()
            sequence = self.db.execute("select coalesce(max(sequence), 0) + 1 from quotes where prefix = ?",
                                       [prefix]).fetchone()[0]
            quote = validate(Quote(prefix=prefix, sequence=sequence, customer=customer, build_json=build_json,
                                   build_name=build_name, issue_date=issue,
                                   valid_until=valid_until_for(issue, valid_days), **terms))
            return self._insert(quote)

    def peek_sequence(self) -> int:
        """The number the next new quote will get (not reserved: for a print preview)."""
        return self.db.execute("select coalesce(max(sequence), 0) + 1 from quotes where prefix = ?",
                               [self.installation_prefix()]).fetchone()[0]

    def _insert(self, quote: Quote) -> Quote:
        new_id = self.db["quotes"].insert({**_to_row(quote), "created_at": _now()}).last_pk
        return replace(quote, id=new_id)

    def update(self, quote: Quote) -> Quote:
        """Save changes to a draft; an issued revision raises QuoteLockedError."""
        quote = validate(quote)
        with self.db.atomic():
            stored = self._by_id(quote.id)
            if stored.read_only:
                raise QuoteLockedError(f"quote {stored.label} is issued and read-only: make a new revision")
            quote = replace(quote, customer=self.save_customer(quote.customer))
            self.db["quotes"].update(quote.id, _to_row(replace(quote, status=DRAFT)))
        return replace(quote, status=DRAFT)

    def issue(self, quote: Quote, price: dict | None = None) -> Quote:
        """Freeze a draft (the caller checked the build has no error findings). ``price``: the
        PriceSheet.as_dict() printed, kept for listings (list prices only: no cost)."""
        quote = self.update(quote) if quote.id is not None else quote
        issued = replace(quote, status=ISSUED, issued_at=_now())
        with self.db.atomic():
            self.db["quotes"].update(issued.id, {"status": ISSUED, "issued_at": issued.issued_at,
                                                 "price_json": json.dumps(price) if price else None})
        return issued

    def revise(self, quote: Quote | str, today: date | None = None, valid_days: int = 30, **changes) -> Quote:
        """The next revision of a quote (from its latest revision) as a new draft with ``changes``."""
        label = quote if isinstance(quote, str) else quote.label
        prefix, sequence, _ = parse_label(label)
        with self.db.atomic():
            latest = self.revisions(f"Q-{prefix}-{sequence:05d}")[-1]
            issue = today or date.today()
            new = validate(replace(latest, id=None, revision=next_revision(latest.revision), status=DRAFT,
                                   issued_at=None, issue_date=issue, valid_until=valid_until_for(issue, valid_days),
                                   **changes))
            return self._insert(new)

    def get(self, label: str) -> Quote:
        """'Q-7KQ3-00042-B', or without the letter: the latest revision."""
        prefix, sequence, revision = parse_label(label)
        revs = self.revisions(f"Q-{prefix}-{sequence:05d}")
        if revision is None:
            return revs[-1]
        for q in revs:
            if q.revision == revision:
                return q
        raise QuoteError(f"no quote {label} in this installation's database")

    def revisions(self, number: str) -> list[Quote]:
        prefix, sequence, _ = parse_label(number)
        rows = list(self.db["quotes"].rows_where("prefix = ? and sequence = ?", [prefix, sequence]))
        if not rows:
            raise QuoteError(f"no quote {number} in this installation's database")
        return sorted((_from_row(r) for r in rows), key=lambda q: revision_index(q.revision))

    def latest(self, limit: int = 200) -> list[Quote]:
        """The newest revision of each quote, newest quote first."""
        rows = self.db.execute(
            "select q.id from quotes q where q.id = (select q2.id from quotes q2 where q2.prefix = q.prefix and "
            "q2.sequence = q.sequence order by length(q2.revision) desc, q2.revision desc limit 1) "
            "order by q.created_at desc, q.id desc limit ?", [limit]).fetchall()
        return [self._by_id(r[0]) for r in rows]

    def _by_id(self, quote_id: int | None) -> Quote:
        if quote_id is None:
            raise QuoteError("the quote was never saved")
        rows = list(self.db["quotes"].rows_where("id = ?", [quote_id]))
        if not rows:
            raise QuoteError(f"no quote with id {quote_id}")
        return _from_row(rows[0])


def _to_row(q: Quote) -> dict:
    customer = {k: v for k, v in asdict(q.customer).items()}
    return {
        "prefix": q.prefix, "sequence": q.sequence, "revision": q.revision, "status": q.status,
        "customer_id": q.customer.id, "customer_json": json.dumps(customer), "build_json": q.build_json,
        "build_name": q.build_name, "issue_date": q.issue_date.isoformat(), "valid_until": q.valid_until.isoformat(),
        "payment_terms": q.payment_terms, "warranty_json": json.dumps(list(q.warranty)),
        "support_json": json.dumps(list(q.support)), "discount_percent": str(q.discount_percent),
        "line_discounts_json": json.dumps({k: str(v) for k, v in q.line_discounts.items()}),
        "approval_code": q.approval_code, "role": q.role, "tax_percent": str(q.tax_percent),
        "currency": q.currency, "exchange_rate": str(q.exchange_rate), "notes": q.notes, "issued_at": q.issued_at,
    }


def _from_row(r: dict) -> Quote:
    return Quote(
        id=r["id"], prefix=r["prefix"], sequence=r["sequence"], revision=r["revision"], status=r["status"],
        customer=Customer(**json.loads(r["customer_json"])), build_json=r["build_json"],
        build_name=r["build_name"] or "", issue_date=date.fromisoformat(r["issue_date"]),
        valid_until=date.fromisoformat(r["valid_until"]), payment_terms=r["payment_terms"],
        warranty=tuple(json.loads(r["warranty_json"] or "[]")), support=tuple(json.loads(r["support_json"] or "[]")),
        discount_percent=Decimal(r["discount_percent"] or "0"),
        line_discounts={k: Decimal(v) for k, v in json.loads(r["line_discounts_json"] or "{}").items()},
        approval_code=r["approval_code"] or "", role=r["role"], tax_percent=Decimal(r["tax_percent"] or "0"),
        currency=r["currency"], exchange_rate=Decimal(r["exchange_rate"] or "1"), notes=r["notes"] or "",
        issued_at=r["issued_at"],
    )
