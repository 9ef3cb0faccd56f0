"""A quote with options: good/better/best as alternative sections of one PDF (read back with pypdf), each with
its own line items and totals; the customer's choice is a revision that quotes the chosen option alone and
keeps it; the number, the seal and the approval rules of a plain quote hold for it too."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal

import pytest

from configurator.core.buildfile import dumps, load
from configurator.core.errors import ConfiguratorError
from configurator.core.quotes import Customer, QuoteError, quote_prices
from configurator.present import money
from tests.export.conftest import EXAMPLES, pdf_pages, squeeze

NAMES = {"Good": "ws-2x-rtxpro6000-maxq", "Better": "hgx-8x-h200", "Best": "hgx-8x-b200"}


@pytest.fixture
def store(tmp_path):
    from configurator.store.quotes import QuoteStore
    from configurator.store.userdb import UserDatabase

    db = UserDatabase(tmp_path / "user.sqlite")
    yield QuoteStore(db.db)
    db.close()


@pytest.fixture
def options(catalog):
    return [(tier, load(EXAMPLES / f"{name}.json", catalog)) for tier, name in NAMES.items()]


def terms(**more):
    return {"customer": Customer("Jane Roe", "Acme Research Ltd", address="1 Lab Road\nCambridge"),
            "tax_percent": Decimal(20), "valid_days": 30, **more}


def issue(store, options, catalog, branding, pdf, edition="customer", **more):
    from configurator.export.issue import issue_and_export_options

    return issue_and_export_options(store, options, catalog, branding, edition, pdf, create=terms(**more))


def test_three_options_export_as_one_pdf_with_three_sections_each_with_its_own_totals(
        tmp_path, store, options, catalog, branding):
    pdf = tmp_path / "options.pdf"
    done = issue(store, options, catalog, branding, pdf)
    quote = done.quote
    assert [o.name for o in quote.options] == list(NAMES) and quote.chosen_option is None
    assert quote.read_only and done.pages == len(pdf_pages(pdf))
    text = " ".join(pdf_pages(pdf))
    # one section per option, in order, after the summary, and the terms after the last one
    totals = [text.index(f"Option {i} total") for i in (1, 2, 3)]
    heads = [text.rfind(f"Option {i}: {tier}", 0, t) for i, (tier, t) in enumerate(zip(NAMES, totals), 1)]
    summary = text.index("Your options")
    assert summary < heads[0] < totals[0] < heads[1] < totals[1] < heads[2] < totals[2]
    assert text.index("Terms and conditions") > totals[-1]
    for i, (tier, build) in enumerate(options):
        sheet = quote_prices(quote, build)  # the core's figures, with the quote's tax
        section = squeeze(text[heads[i]:totals[i]])
        for line in sheet.lines:  # its own line items, each part number inside its own section
            assert squeeze(line.name) in section, (tier, line.name)  # parts by name and part number, not id
        after = text[totals[i]:totals[i] + 60]
        assert after.split()[4] == money(sheet.total, sheet.currency), f"option {i + 1} total: {after}"
        assert money(sheet.tax, sheet.currency) in text[heads[i]:totals[i]]
    assert text.count("Option 1 total") == 1 and "Option 4" not in text
    # the customer chooses one; the sum of the alternatives is never printed on the customer's copy
    assert "Your choice" in text and "Customer" in text
    combined = sum((quote_prices(quote, b).total for _, b in options), Decimal(0))
    assert money(combined, "USD") not in text and "cost" not in text.lower()


def test_the_choice_is_a_revision_that_quotes_the_chosen_option_and_keeps_it(
        tmp_path, store, options, catalog, branding):
    from configurator.export.issue import issue_choice

    offered = issue(store, options, catalog, branding, tmp_path / "a.pdf").quote
    # a failed export of the choice leaves no revision behind: the choice can be made again
    with pytest.raises(ConfiguratorError):
        issue_choice(store, offered.number, 1, catalog, branding, "customer", tmp_path / "missing" / "b.pdf")
    assert [q.revision for q in store.revisions(offered.number)] == ["A"]
    pdf = tmp_path / "b.pdf"
    done = issue_choice(store, offered.number, 1, catalog, branding, "customer", pdf)
    chosen = done.quote
    assert chosen.revision == "B" and chosen.read_only and chosen.chosen_option == 1 and chosen.chosen.name == "Better"
    assert chosen.build_json == offered.options[1].build_json and chosen.options == offered.options
    text = " ".join(pdf_pages(pdf))
    assert "Option 2 of 3, as chosen by the customer: Better" in text
    assert done.sheet.total == quote_prices(chosen, options[1][1]).total
    assert money(done.sheet.total, done.sheet.currency) in text
    assert "Option 1" not in text and "Option 3" not in text  # only the chosen build is quoted
    for line in done.sheet.lines:
        assert squeeze(line.name) in squeeze(text)
    # a later revision keeps the choice; choosing again is refused
    later = store.revise(chosen.label, payment_terms="net60")
    assert later.revision == "C" and later.chosen_option == 1 and later.build_json == offered.options[1].build_json
    with pytest.raises(QuoteError, match="already chose option 2"):
        store.choose(offered.number, 0)
    plain = store.create(Customer("Ada"), dumps(options[0][1]))
    with pytest.raises(QuoteError, match="offers no options"):
        store.choose(plain.label, 0)
    with pytest.raises(QuoteError, match="not one of the 3 options"):
        store.choice(issue(store, options, catalog, branding, tmp_path / "c.pdf").quote.number, 3)


def test_options_keep_the_number_seal_and_refusals_of_a_plain_quote(tmp_path, store, options, catalog, branding):
    first = store.peek_sequence()
    bad = load(EXAMPLES / "invalid-sxm-6gpu.json", catalog)
    with pytest.raises(QuoteError, match="option 'Broken'"):
        issue(store, [options[0], ("Broken", bad)], catalog, branding, tmp_path / "x.pdf")
    with pytest.raises(QuoteError, match="2 or 3 builds, not 1"):
        issue(store, options[:1], catalog, branding, tmp_path / "x.pdf")
    with pytest.raises(QuoteError, match="not 4"):
        issue(store, options + options[:1], catalog, branding, tmp_path / "x.pdf")
    assert store.peek_sequence() == first and not (tmp_path / "x.pdf").exists()  # no number used, no file
    done = issue(store, options[:2], catalog, branding, tmp_path / "two.pdf")
    assert done.quote.sequence == first and len(done.quote.options) == 2
    assert store.get(done.quote.label).options == done.quote.options  # stored and read back
    assert store.get(done.quote.label).altered == ""
    # the seal covers the options: swapping an option's build in the database is found
    row = store.db.execute("select id, options_json from quotes where sequence = ?", [first]).fetchone()
    items = json.loads(row[1])
    items[0]["build_json"] = items[1]["build_json"]
    store.db.execute("update quotes set options_json = ? where id = ?", [json.dumps(items), row[0]])
    assert "no longer matches its seal" in store.get(done.quote.label).altered
    with pytest.raises(QuoteError, match="altered"):
        store.choose(done.quote.label, 0)


def test_a_discount_above_the_limit_is_pending_unless_approved_for_the_options_combined_total(
        tmp_path, store, options, catalog, branding):
    from configurator.core.quotes.approvals import generate_key, load_private_key, sign_approval
    from configurator.export.issue import option_contents
    from configurator.export.quote_content import options_total

    pending = issue(store, options, catalog, branding, tmp_path / "p.pdf", discount_percent=Decimal(15))
    assert pending.approval.pending
    assert "PENDING APPROVAL" in pdf_pages(tmp_path / "p.pdf")[0].upper()
    # an approver signs the number, the discount and the options' combined total (as the internal copy says)
    pem, public = generate_key()
    store.trust(public)
    number = f"Q-{store.installation_prefix()}-{store.peek_sequence():05d}"
    draft = store.create(**{k: v for k, v in terms(discount_percent=Decimal(15)).items() if k != "valid_days"},
                         build_json=dumps(options[0][1]))
    combined = options_total(option_contents(draft, options, catalog))
    store.db.execute("delete from quotes where id = ?", [draft.id])  # only to learn the prices: not issued
    token = sign_approval(load_private_key(pem), number, Decimal(15), combined, date.today() + timedelta(days=5))
    approved = issue(store, options, catalog, branding, tmp_path / "ok.pdf", edition="internal",
                     discount_percent=Decimal(15), approval_code=token)
    assert approved.quote.number == number and approved.approval.state == "approved"
    text = " ".join(pdf_pages(tmp_path / "ok.pdf"))
    assert "PENDING" not in text.upper().split("INTERNAL EDITION")[0]
    assert money(combined, "USD") in text  # the internal copy states what the approval signed
    assert text.count("dealer cost and margin") == 3
    # a token for another total is refused and uses no number
    before = store.peek_sequence()
    wrong = sign_approval(load_private_key(pem), f"Q-{store.installation_prefix()}-{before:05d}", Decimal(15),
                          combined - 1, date.today() + timedelta(days=5))
    with pytest.raises(ConfiguratorError, match="refused"):
        issue(store, options, catalog, branding, tmp_path / "no.pdf", discount_percent=Decimal(15),
              approval_code=wrong)
    assert store.peek_sequence() == before and not (tmp_path / "no.pdf").exists()


def test_revisions_sealed_before_quotes_had_options_stay_genuine(tmp_path, catalog, options):
    """m008 adds the options columns; a revision sealed before it keeps its hash (the seal covers the options
    columns only when they hold a value)."""
    from sqlite_utils import Database

    from configurator.store.quotes import QuoteStore, content_hash
    from configurator.store.userdb import UserDatabase, migrations

    path = tmp_path / "user.sqlite"
    old = Database(path)
    migrations.apply(old, stop_before="m008_quote_options")
    assert "options_json" not in old["quotes"].columns_dict
    row = {"prefix": "K7QH9XM2AB", "sequence": 1, "revision": "A", "status": "issued", "customer_id": None,
           "customer_json": json.dumps({"name": "Ada"}), "build_json": dumps(options[0][1]), "build_name": "Good",
           "issue_date": "2026-01-05", "valid_until": "2026-02-04", "payment_terms": "net30",
           "warranty_json": "[]", "support_json": "[]", "discount_percent": "0", "line_discounts_json": "{}",
           "approval_code": "", "role": "sales_engineer", "tax_percent": "0", "currency": "USD",
           "exchange_rate": "1", "notes": "", "issued_at": "2026-01-05T10:00:00+00:00", "price_json": None,
           "created_at": "2026-01-05"}
    old["quotes"].insert({**row, "content_hash": content_hash(row, ""), "previous_hash": ""})
    old.close()
    db = UserDatabase(path)  # applies m008
    try:
        quote = QuoteStore(db.db).get("Q-K7QH9XM2AB-00001-A")
        assert quote.altered == "" and quote.options == () and quote.chosen_option is None
    finally:
        db.close()
