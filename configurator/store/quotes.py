"""Quotes and customers in the user database; returns core dataclasses (core/quotes), never rows.

Numbering. Numbers stay unique offline: the installation prefix is drawn at random, 10 characters of an
alphabet without look-alikes (32^10 = 1.1e15 prefixes: the chance that any two of 100,000 installations
draw the same one is 1 - exp(-1e10 / 2.25e15) = 4.4e-6), and bound to this machine and this file
(store/installation.py): a copied profile draws a new prefix. The sequence is the next free number under
the prefix, taken inside the transaction that issues the quote (BEGIN IMMEDIATE: parallel processes
queue); a unique index on (prefix, sequence, revision) backs it up.

Revisions. An issued revision is never updated: ``revise`` copies the latest into the next letter as a
draft. Each issued revision is sealed: ``content_hash`` is the SHA-256 of its content (every stored
field) chained to the previous issued revision's hash. A revision whose content, status or chain no longer
matches is returned with ``altered`` saying why, and is refused for revising and exporting.

Protected settings. The discount limit, role, exchange-rate tolerance and stored rates come from a policy
signed by a trusted approver and bound to this installation (core/quotes/approvals.py); an editable
settings row holds no limit any more.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import sqlite3
from dataclasses import asdict, dataclass, replace
from datetime import date, datetime, timezone
from decimal import Decimal, InvalidOperation
from pathlib import Path

from sqlite_utils import Database

from configurator.core.database_errors import DAMAGED
from configurator.core.durable import fsync_dir as _fsync_dir
from configurator.core.quotes.approvals import ApprovalError, key_id, parse_public_key, verify_policy
from configurator.core.quotes.model import (
    DRAFT, ISSUED, Customer, Quote, QuoteError, QuoteLockedError, QuoteOption, next_revision, parse_label,
    revision_index,
    valid_until_for, validate,
)
from configurator.core.quotes.policy import DiscountPolicy
from configurator.store.connection import database_path, translated
from configurator.store.installation import binding

PREFIX_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I
PREFIX_LENGTH = 10
PREFIX_KEY = "quote_prefix"
INSTALLATION_KEY = "installation_id"
BINDING_KEY = "installation_binding"
POLICY_KEY = "installation_policy"
# The columns a seal covers: everything a revision says (a column a later version adds is not covered, so
# adding one never breaks the seals of revisions issued before it).
CONTENT_COLUMNS = (
    "prefix", "sequence", "revision", "status", "customer_id", "customer_json", "build_json", "build_name",
    "issue_date", "valid_until", "payment_terms", "warranty_json", "support_json", "discount_percent",
    "line_discounts_json", "approval_code", "role", "tax_percent", "currency", "exchange_rate", "notes",
    "issued_at", "price_json",
)
# Columns a seal covers only when they hold a value (m008: the options of a quote with options): revisions
# without options keep the hashes they were sealed with, and a quote's options cannot be changed unseen.
OPTIONAL_CONTENT_COLUMNS = ("options_json", "chosen_option")


class QuoteTamperedError(QuoteError):
    """A stored revision no longer matches its seal: it is not treated as genuine."""


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def content_hash(row: dict, previous_hash: str) -> str:
    """SHA-256 (hex) of a quote row's content, chained to the previous revision's hash."""
    content = {k: row.get(k) for k in CONTENT_COLUMNS}
    content.update({k: row[k] for k in OPTIONAL_CONTENT_COLUMNS if row.get(k) is not None})
    text = json.dumps(content, sort_keys=True, ensure_ascii=True, separators=(",", ":"), default=str)
    return hashlib.sha256(f"{previous_hash}\n{text}".encode("ascii")).hexdigest()


def seal_existing(db: Database) -> None:
    """Seal every issued revision that has no hash yet (the migration that adds the seal)."""
    rows = [dict(r) for r in db["quotes"].rows_where("status = ?", [ISSUED], order_by="prefix, sequence, id")]
    last: dict[tuple, str] = {}
    for row in sorted(rows, key=lambda r: (r["prefix"], r["sequence"], revision_index(r["revision"]))):
        key = (row["prefix"], row["sequence"])
        previous = last.get(key, "")
        digest = content_hash(row, previous)
        db["quotes"].update(row["id"], {"content_hash": digest, "previous_hash": previous})
        last[key] = digest


class QuoteStore:
    def __init__(self, db: Database):
        self.db = db  # a UserDatabase's db: the migrations (m003, m004, m006) are applied
        self.path = database_path(db) or Path(":memory:")
        self._binding: str | None = None

    # -- settings ---------------------------------------------------------------------------------
    def _setting(self, key: str) -> str | None:
        row = self.db.execute("select value from settings where key = ?", [key]).fetchone()
        return row[0] if row else None

    def _set(self, key: str, value: str) -> None:
        with self.db.atomic():
            self.db["settings"].upsert({"key": key, "value": value}, pk="key")

    def _current_binding(self) -> str:
        if self._binding is None:
            self._binding = binding(None if str(self.path) == ":memory:" else self.path)
        return self._binding

    def _installation(self) -> tuple[str, str]:
        """(installation id, quote prefix), drawn on first use and again when the profile was copied."""
        with translated(self.path, "reading the installation id"), self.db.atomic():
            prefix = self._setting(PREFIX_KEY)
            installation = self._setting(INSTALLATION_KEY)
            bound = self._setting(BINDING_KEY)
            here = self._current_binding()
            valid = prefix is not None and len(prefix) == PREFIX_LENGTH and set(prefix) <= set(PREFIX_ALPHABET)
            if not valid or installation is None or bound != here:
                used = {r[0] for r in self.db.execute("select distinct prefix from quotes")}
                prefix = _draw_prefix(used)
                installation = secrets.token_hex(16)
                for key, value in ((PREFIX_KEY, prefix), (INSTALLATION_KEY, installation), (BINDING_KEY, here)):
                    self.db["settings"].upsert({"key": key, "value": value}, pk="key")
        return installation, prefix

    def installation_prefix(self) -> str:
        """This installation's quote-number prefix (10 characters)."""
        return self._installation()[1]

    def installation_id(self) -> str:
        return self._installation()[0]

    # -- approvers and the protected policy -------------------------------------------------------
    def trust(self, public_key: str) -> str:
        """Accept approvals signed by ``public_key`` (text as printed by `approver new-key`); returns its id."""
        text = parse_public_key(public_key)
        with translated(self.path, "trusting an approver key"), self.db.atomic():
            self.db["approver_keys"].upsert({"public_key": text, "key_id": key_id(text), "added_at": _now()},
                                            pk="public_key")
        return key_id(text)

    def trusted_keys(self) -> list[str]:
        with translated(self.path, "reading the approver keys"):
            return [r[0] for r in self.db.execute("select public_key from approver_keys order by added_at")]

    def set_policy(self, token: str) -> dict:
        """Store a signed installation policy after checking it; returns its settings."""
        settings = verify_policy(token, self.trusted_keys(), self.installation_id())
        policy_from_settings(settings)  # refuse a policy whose values are out of range before storing it
        with translated(self.path, "storing the installation policy"):
            self._set(POLICY_KEY, token)
        return settings

    def policy_problem(self) -> str:
        """Why a stored policy is not in force ('' when there is none or it holds)."""
        token = self._setting(POLICY_KEY)
        if not token:
            return ""
        try:
            policy_from_settings(verify_policy(token, self.trusted_keys(), self.installation_id()))
        except (ApprovalError, QuoteError) as exc:
            return str(exc)
        return ""

    def discount_policy(self) -> DiscountPolicy:
        """The installation's policy when a valid signed one is stored, else the defaults."""
        with translated(self.path, "reading the installation policy"):
            token = self._setting(POLICY_KEY)
            if not token:
                return DiscountPolicy()
            try:
                return policy_from_settings(verify_policy(token, self.trusted_keys(), self.installation_id()))
            except (ApprovalError, QuoteError):
                return DiscountPolicy()  # altered, copied or signed by a key no longer trusted: no privileges

    # -- customers --------------------------------------------------------------------------------
    def save_customer(self, customer: Customer) -> Customer:
        if not customer.name.strip():
            raise QuoteError("the customer needs a name")
        row = {k: v for k, v in asdict(customer).items() if k != "id"}
        with translated(self.path, "saving a customer"), self.db.atomic():
            if customer.id is None:
                new_id = self.db["customers"].insert({**row, "created_at": _now(), "updated_at": _now()}).last_pk
                return replace(customer, id=new_id)
            self.db["customers"].update(customer.id, {**row, "updated_at": _now()})
        return customer

    def customers(self) -> list[Customer]:
        with translated(self.path, "reading customers"):
            rows = self.db.execute(
                "select id, name, company, email, phone, address, notes from customers order by name collate nocase"
            ).fetchall()
        return [Customer(id=r[0], name=r[1] or "", company=r[2] or "", email=r[3] or "", phone=r[4] or "",
                         address=r[5] or "", notes=r[6] or "") for r in rows]

    # -- quotes -----------------------------------------------------------------------------------
    def create(self, customer: Customer, build_json: str, build_name: str = "", today: date | None = None,
               valid_days: int = 30, **terms) -> Quote:
        """A new quote number, revision A, as a draft."""
        issue = today or date.today()
        with translated(self.path, "creating a quote"), self.db.atomic():
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
        prefix = self.installation_prefix()
        with translated(self.path, "reading the next quote number"):
            return self.db.execute("select coalesce(max(sequence), 0) + 1 from quotes where prefix = ?",
                                   [prefix]).fetchone()[0]

    def _insert(self, quote: Quote) -> Quote:
        new_id = self.db["quotes"].insert({**_to_row(quote), "created_at": _now()}).last_pk
        return replace(quote, id=new_id)

    def update(self, quote: Quote) -> Quote:
        """Save changes to a draft; an issued revision raises QuoteLockedError."""
        quote = validate(quote)
        with translated(self.path, "saving a quote"), self.db.atomic():
            stored = self._by_id(quote.id)
            if stored.read_only:
                raise QuoteLockedError(f"quote {stored.label} is issued and read-only: make a new revision")
            quote = replace(quote, customer=self.save_customer(quote.customer))
            self.db["quotes"].update(quote.id, _to_row(replace(quote, status=DRAFT)))
        return replace(quote, status=DRAFT)

    def issue(self, quote: Quote, price: dict | None = None) -> Quote:
        """Freeze and seal a draft (the caller checked the build has no error findings). ``price``: the
        PriceSheet.as_dict() printed, kept for listings (list prices only: no cost)."""
        with translated(self.path, "issuing a quote"), self.db.atomic():
            quote = self.update(quote) if quote.id is not None else quote
            issued = replace(quote, status=ISSUED, issued_at=_now())
            self.db["quotes"].update(issued.id, {"status": ISSUED, "issued_at": issued.issued_at,
                                                 "price_json": json.dumps(price) if price else None})
            row = dict(self.db["quotes"].get(issued.id))
            previous = self._previous_seal(row)
            self.db["quotes"].update(issued.id, {"content_hash": content_hash(row, previous),
                                                 "previous_hash": previous})
        return issued

    def _previous_seal(self, row: dict) -> str:
        """The hash of the nearest earlier issued revision of the same quote ('' for the first)."""
        earlier = [r for r in self.db["quotes"].rows_where("prefix = ? and sequence = ? and status = ?",
                                                          [row["prefix"], row["sequence"], ISSUED])
                   if revision_index(r["revision"]) < revision_index(row["revision"])]
        if not earlier:
            return ""
        return max(earlier, key=lambda r: revision_index(r["revision"]))["content_hash"] or ""

    def revise(self, quote: Quote | str, today: date | None = None, valid_days: int = 30, **changes) -> Quote:
        """The next revision of a quote (from its latest revision) as a new draft with ``changes``; refused
        (QuoteTamperedError) when any stored revision of it was altered."""
        label = quote if isinstance(quote, str) else quote.label
        prefix, sequence, _ = parse_label(label)
        with translated(self.path, "revising a quote"), self.db.atomic():
            revisions = self.revisions(f"Q-{prefix}-{sequence:05d}")
            for r in revisions:
                if r.altered:
                    raise QuoteTamperedError(f"quote {r.label} was altered after it was issued ({r.altered}): it "
                                             f"is not genuine and is not revised")
            latest = revisions[-1]
            issue = today or date.today()
            new = validate(replace(latest, id=None, revision=next_revision(latest.revision), status=DRAFT,
                                   issued_at=None, issue_date=issue, valid_until=valid_until_for(issue, valid_days),
                                   altered="", **changes))
            return self._insert(new)

    def choice(self, quote: Quote | str, option: int) -> dict:
        """The changes that record the customer's choice of option ``option`` (0-based) of a quote with options,
        for ``revise``: the chosen option's build, quoted alone, the options kept for the record. Refused for a
        quote without options, one whose customer already chose, or an option it does not have."""
        prefix, sequence, _ = parse_label(quote if isinstance(quote, str) else quote.label)
        latest = self.revisions(f"Q-{prefix}-{sequence:05d}")[-1]
        if not latest.options:
            raise QuoteError(f"quote {latest.number} offers no options to choose from")
        if latest.chosen_option is not None:
            raise QuoteError(f"the customer already chose option {latest.chosen_option + 1} of {latest.number} "
                             f"(revision {latest.revision})")
        if isinstance(option, bool) or not isinstance(option, int) or not 0 <= option < len(latest.options):
            shown = option + 1 if isinstance(option, int) and not isinstance(option, bool) else option
            raise QuoteError(f"option {shown!r} is not one of the {len(latest.options)} options of {latest.number}")
        picked = latest.options[option]
        return {"chosen_option": option, "build_json": picked.build_json, "build_name": picked.name}

    def choose(self, quote: Quote | str, option: int, today: date | None = None, valid_days: int = 30,
               **changes) -> Quote:
        """Record the customer's choice as the next revision (a draft) quoting the chosen option alone; later
        revisions keep the choice."""
        label = quote if isinstance(quote, str) else quote.label
        return self.revise(label, today=today, valid_days=valid_days, **self.choice(label, option), **changes)

    def get(self, label: str, genuine: bool = False) -> Quote:
        """'Q-7KQ3H9XM2A-00042-B', or without the letter: the latest revision. ``genuine=True`` raises
        QuoteTamperedError for an altered revision (exporting it again); otherwise ``altered`` says so."""
        prefix, sequence, revision = parse_label(label)
        revs = self.revisions(f"Q-{prefix}-{sequence:05d}")
        found = revs[-1] if revision is None else next((q for q in revs if q.revision == revision), None)
        if found is None:
            raise QuoteError(f"no quote {label} in this installation's database")
        if genuine and found.altered:
            raise QuoteTamperedError(f"quote {found.label} was altered after it was issued ({found.altered}): it "
                                     f"is not genuine")
        return found

    def revisions(self, number: str) -> list[Quote]:
        """Every revision of a quote, in order, each checked against its seal (``altered``)."""
        prefix, sequence, _ = parse_label(number)
        with translated(self.path, "reading a quote"):
            rows = [dict(r) for r in self.db["quotes"].rows_where("prefix = ? and sequence = ?", [prefix, sequence])]
        if not rows:
            raise QuoteError(f"no quote {number} in this installation's database")
        rows.sort(key=lambda r: _revision_key(r, self.path))
        out, previous = [], ""
        for row in rows:
            altered = _seal_problem(row, previous)
            if row.get("status") == ISSUED:
                previous = row.get("content_hash") or ""
            out.append(replace(_from_row(row, self.path), altered=altered))
        return out

    def latest(self, limit: int = 200) -> list[Quote]:
        """The newest revision of each quote, newest quote first."""
        with translated(self.path, "listing quotes"):
            rows = self.db.execute(
                "select q.prefix, q.sequence from quotes q where q.id = (select q2.id from quotes q2 where "
                "q2.prefix = q.prefix and q2.sequence = q.sequence order by length(q2.revision) desc, "
                "q2.revision desc limit 1) order by q.created_at desc, q.id desc limit ?", [limit]).fetchall()
        return [self.revisions(f"Q-{p}-{s:05d}")[-1] for p, s in rows]

    def summaries(self, limit: int = 500) -> list["QuoteSummary"]:
        """Every revision of the newest ``limit`` quotes, for the saved-quotes browser: newest quote first, its
        revisions in order (A, B, ...), each with the total it was issued with and its seal checked."""
        with translated(self.path, "listing quotes"):
            numbers = self.db.execute(
                "select prefix, sequence from quotes group by prefix, sequence order by max(created_at) desc, "
                "max(id) desc limit ?", [limit]).fetchall()
            prices = {r[0]: r[1] for r in self.db.execute("select id, price_json from quotes")}
        out = []
        for prefix, sequence in numbers:
            for quote in self.revisions(f"Q-{prefix}-{sequence:05d}"):
                out.append(QuoteSummary(quote, *_issued_totals(prices.get(quote.id))))
        return out

    def issued_totals(self, quote: Quote) -> tuple[tuple[Decimal, ...], str]:
        """(totals, currency) a revision was issued with (one total, or one per option); ((), '') for a draft."""
        with translated(self.path, "reading a quote"):
            row = self.db.execute("select price_json from quotes where id = ?", [quote.id]).fetchone()
        return _issued_totals(row[0] if row else None)

    def _by_id(self, quote_id: int | None) -> Quote:
        if quote_id is None:
            raise QuoteError("the quote was never saved")
        rows = list(self.db["quotes"].rows_where("id = ?", [quote_id]))
        if not rows:
            raise QuoteError(f"no quote with id {quote_id}")
        return _from_row(rows[0], self.path)

    # -- documents: used number <=> whole documents ---------------------------------------------------
    def journal_documents(self, quote: Quote, files: list[tuple[Path, Path]]) -> list[int]:
        """Record (temporary file, final name) pairs in the issuing transaction; returns their ids."""
        ids = []
        for temp, final in files:
            ids.append(self.db["quote_documents"].insert(
                {"quote_id": quote.id, "temp_path": str(temp), "final_path": str(final), "state": "pending",
                 "created_at": _now()}).last_pk)
        return ids

    def finish_documents(self, ids: list[int] | None = None) -> list[str]:
        """Rename journaled documents into place (after their quote's commit); returns problems, one line each.

        Called right after the commit, and again at the next start or quote (``recover_documents``) when a
        process died between the commit and the renames: the files are complete and fsynced, only their
        final names are missing.
        """
        problems = []
        with translated(self.path, "finishing quote documents"):
            if ids is None:
                rows = self.db.execute("select id, temp_path, final_path from quote_documents where state = 'pending'"
                                       ).fetchall()
            else:
                rows = self.db.execute(
                    f"select id, temp_path, final_path from quote_documents where state = 'pending' and id in "
                    f"({','.join('?' * len(ids))})", ids).fetchall() if ids else []
        done, lost = [], []
        for doc_id, temp, final in rows:
            temp_path, final_path = Path(temp), Path(final)
            try:
                if temp_path.exists():
                    os.replace(temp_path, final_path)
                    _fsync_dir(final_path.parent)
                    done.append(doc_id)
                elif final_path.exists():
                    done.append(doc_id)  # renamed before a crash; the journal just did not hear of it
                else:
                    lost.append(doc_id)
                    problems.append(f"{final_path} of an issued quote was lost before it was renamed into place")
            except OSError as exc:
                problems.append(f"{final_path} could not be renamed into place ({exc.strerror or exc})")
        if done or lost:
            with translated(self.path, "finishing quote documents"), self.db.atomic():
                for doc_id in done:
                    self.db["quote_documents"].update(doc_id, {"state": "done"})
                for doc_id in lost:
                    self.db["quote_documents"].update(doc_id, {"state": "lost"})
        return problems

    def recover_documents(self) -> list[str]:
        return self.finish_documents(None)


@dataclass(frozen=True)
class QuoteSummary:
    """A revision as the saved-quotes browser lists it."""

    quote: Quote
    totals: tuple[Decimal, ...]  # as issued (the stored price sheet): one, or one per option; () for a draft
    currency: str


def _issued_totals(price_json: str | None) -> tuple[tuple[Decimal, ...], str]:
    """(totals, currency) of a stored price sheet (PriceSheet.as_dict, or {"options": [...]})."""
    if not price_json:
        return (), ""
    try:
        data = json.loads(price_json)
        sheets = data["options"] if isinstance(data, dict) and "options" in data else [data]
        return tuple(Decimal(str(s["total"])) for s in sheets), str(sheets[0]["currency"])
    except (ValueError, KeyError, TypeError, IndexError, InvalidOperation):
        return (), ""


def _draw_prefix(used: set[str]) -> str:
    while True:
        prefix = "".join(secrets.choice(PREFIX_ALPHABET) for _ in range(PREFIX_LENGTH))
        if prefix not in used:
            return prefix


def policy_from_settings(settings: dict) -> DiscountPolicy:
    """DiscountPolicy from a verified policy's settings (QuoteError or InvalidInputError for bad values)."""
    from configurator.core.quotes.model import MANAGER

    role = settings.get("role", "sales_engineer")
    limit = settings.get("limit")
    values: dict = {"role": role}
    if limit is not None:
        values["manager_limit" if role == MANAGER else "sales_engineer_limit"] = Decimal(str(limit))
    if settings.get("rate_tolerance") is not None:
        values["rate_tolerance_percent"] = Decimal(str(settings["rate_tolerance"]))
    rates = settings.get("rates") or {}
    if not isinstance(rates, dict):
        raise QuoteError("the policy's rates are not a table of currency pairs")
    values["rates"] = tuple(sorted((str(k), Decimal(str(v))) for k, v in rates.items()))
    try:
        return DiscountPolicy(**values)
    except InvalidOperation:
        raise QuoteError("the policy holds a value that is not a number") from None


def _revision_key(row: dict, path: Path) -> int:
    try:
        return revision_index(row["revision"])
    except Exception:
        raise _damaged(path, f"quote row {row.get('id')} has the revision {row.get('revision')!r}") from None


def _seal_problem(row: dict, previous: str) -> str:
    """Why ``row`` does not match its seal ('' when it does, and for a draft that was never issued)."""
    stored = row.get("content_hash")
    if row.get("status") != ISSUED:
        return "a revision that was issued is marked as a draft" if stored else ""
    if not stored:
        return "it has no seal"
    if (row.get("previous_hash") or "") != previous:
        return "the chain of revisions before it was changed"
    if content_hash(row, previous) != stored:
        return "its content no longer matches its seal"
    return ""


def _damaged(path: Path, detail: str):
    from configurator.store.userdb import UserDatabaseError

    return UserDatabaseError(f"the user database {path} is damaged ({detail}): start the app to move it aside "
                             f"and start with an empty one; nothing was changed", DAMAGED, path)


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
        "options_json": json.dumps([{"name": o.name, "build_json": o.build_json} for o in q.options])
        if q.options else None,
        "chosen_option": q.chosen_option,
    }


def _options(text: str | None) -> tuple[QuoteOption, ...]:
    """The options of a quote with options (a JSON list of {name, build_json}); () for a plain quote."""
    if not text:
        return ()
    items = json.loads(text)
    if not isinstance(items, list):
        raise ValueError("options_json is not a list")
    return tuple(QuoteOption(str(i["name"]), str(i["build_json"])) for i in items)


def _from_row(r: dict, path: Path = Path("user database")) -> Quote:
    """The Quote of a row; a damaged cell (bad JSON, a date or number that is not one) is a
    UserDatabaseError naming the row and the field, never a traceback."""
    where = f"quote row {r.get('id')}"
    try:
        customer = json.loads(r["customer_json"])
        if not isinstance(customer, dict):
            raise ValueError("customer_json is not an object")
        return Quote(
            id=r["id"], prefix=r["prefix"], sequence=int(r["sequence"]), revision=r["revision"], status=r["status"],
            customer=Customer(**customer), build_json=r["build_json"],
            build_name=r["build_name"] or "", issue_date=date.fromisoformat(r["issue_date"]),
            valid_until=date.fromisoformat(r["valid_until"]), payment_terms=r["payment_terms"],
            warranty=tuple(json.loads(r["warranty_json"] or "[]")),
            support=tuple(json.loads(r["support_json"] or "[]")),
            discount_percent=Decimal(r["discount_percent"] or "0"),
            line_discounts={k: Decimal(v) for k, v in json.loads(r["line_discounts_json"] or "{}").items()},
            approval_code=r["approval_code"] or "", role=r["role"], tax_percent=Decimal(r["tax_percent"] or "0"),
            currency=r["currency"], exchange_rate=Decimal(r["exchange_rate"] or "1"), notes=r["notes"] or "",
            issued_at=r["issued_at"], options=_options(r.get("options_json")),
            chosen_option=None if r.get("chosen_option") is None else int(r["chosen_option"]),
        )
    except (KeyError, TypeError, ValueError, InvalidOperation, AttributeError, sqlite3.Error) as exc:
        detail = f"{where}: {exc.__class__.__name__}: {' '.join(str(exc).split())[:80]}"
        raise _damaged(path, detail) from None
