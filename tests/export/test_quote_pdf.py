"""The quote PDF read back with pypdf: totals, every line, repeated headers, editions, approval."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest
from pypdf import PdfReader

from configurator.core.money import cents
from configurator.core.pricing import LineItem, PriceSheet
from configurator.core.quotes import DiscountPolicy, QuoteError, approval, quote_prices
from configurator.export.formatting import ExportError
from configurator.present import money, tokens_per_s
from configurator.export.pdf import write_pdf
from configurator.export.quote_content import quote_document
from tests.export.conftest import pdf_pages, squeeze


def image_count(path) -> int:
    """Image XObjects in the PDF (counted, not decoded: pypdf would need Pillow to decode)."""
    count = 0
    for page in PdfReader(str(path)).pages:
        xobjects = page["/Resources"].get("/XObject", {})
        count += sum(1 for ref in xobjects.values() if ref.get_object().get("/Subtype") == "/Image")
    return count


def render(tmp_path, quote, build, analysis, branding, edition="customer", sheet=None, name="quote.pdf"):
    sheet = sheet or quote_prices(quote, build)
    doc = quote_document(quote, build, analysis, sheet, approval(quote, DiscountPolicy()), branding, edition)
    path = tmp_path / name
    write_pdf(doc, path, analysis)
    return path, sheet, pdf_pages(path)


def test_totals_equal_core_pricing_to_the_cent_and_every_line_is_present(tmp_path, example, make_quote, branding):
    build, analysis = example("hgx-8x-h200")
    quote = make_quote(build, discount_percent=Decimal("7.5"), currency="EUR", exchange_rate=Decimal("0.9213"))
    path, sheet, pages = render(tmp_path, quote, build, analysis, branding)
    text = " ".join(pages)
    assert sheet.total == sheet.net + sheet.tax and sheet.tax == cents(sheet.net * Decimal("0.20"))
    for label, amount in (("Subtotal", sheet.subtotal), ("Net", sheet.net), ("Total EUR", sheet.total)):
        assert f"{label} {money(amount, 'EUR')}" in text
    assert money(-sheet.discount, "EUR") in text and money(sheet.tax, "EUR") in text
    assert "€" in text and f"{sheet.total:,.2f}" in text  # 1,234,567.89 grouping
    flat = squeeze(text)
    for line in sheet.lines:  # the manufacturer part number (or the vendor where none is public), not the id
        assert squeeze(line.mfr_part_number or line.vendor) in flat and squeeze(line.name) in flat
        assert squeeze(line.id) not in flat
        assert f"{line.total:,.2f}" in text
    assert "Q-T3ST-00042-A" in text and "2025-07-02" in text  # valid until: 30 days
    assert "Net 30 days" in text and "Jane Roe" in text and "likes discounts" not in text


def test_workload_summary_charts_compatibility_and_terms(tmp_path, example, make_quote, branding):
    build, analysis = example("ws-2x-rtxpro6000-maxq")
    path, _, pages = render(tmp_path, make_quote(build), build, analysis, branding)
    text = " ".join(pages)
    r = analysis.inference.result
    for expected in ("Llama 3.1 70B", "Concurrent users 4", "8,192 tokens", "fits",
                     tokens_per_s(r.per_user_tokens_per_s), tokens_per_s(r.aggregate_tokens_per_s),
                     "Compatibility check passed", "Terms and conditions", "Warranty"):
        assert expected in text, expected
    assert image_count(path) >= 2  # memory and throughput charts


def test_fonts_are_embedded_and_currency_symbols_print(tmp_path, example, make_quote, branding):
    build, analysis = example("ws-2x-rtxpro6000-maxq")
    for currency, symbol in (("EUR", "€"), ("GBP", "£"), ("JPY", "¥")):
        quote = make_quote(build, currency=currency, exchange_rate=Decimal("1.1"))
        path, sheet, pages = render(tmp_path, quote, build, analysis, branding, name=f"{currency}.pdf")
        assert f"{symbol}{sheet.total:,.2f}" in " ".join(pages)
    reader = PdfReader(str(path))
    fonts = reader.pages[0]["/Resources"]["/Font"]
    for ref in fonts.values():
        font = ref.get_object()
        descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
        assert "/FontFile2" in descriptor, font["/BaseFont"]


def test_header_repeats_on_every_page_of_a_60_line_quote_and_no_row_splits(tmp_path, example, make_quote,
                                                                           branding):
    build, analysis = example("hgx-8x-h200")
    lines = []
    for i in range(1, 61):
        unit = Decimal("100.00") + i
        gross = cents(unit * i)
        lines.append(LineItem(f"drive-{i:03d}", f"Synthetic drive model {i:03d}", "storage", i, unit, Decimal(0),
                              gross, Decimal("0.00"), gross, vendor="Acme", mfr_part_number=f"SKU-{i:03d}"))
    sheet = PriceSheet("USD", tuple(lines), Decimal(20), False)
    quote = make_quote(build, currency="USD")
    _, _, pages = render(tmp_path, quote, build, analysis, branding, sheet=sheet)
    with_lines = [p for p in pages if "SKU-" in p]
    assert len(with_lines) >= 2
    for page in with_lines:
        assert "Vendor, part no. Description Qty Unit price (USD) Disc. Amount (USD)" in page
    for line in lines:  # the whole row (part number, name, amount) on one page
        holding = [p for p in pages if f" {line.mfr_part_number} " in f" {p} "]
        assert len(holding) == 1, line.mfr_part_number
        assert line.name in holding[0] and f"{line.total:,.2f}" in holding[0]
    assert "Line items (continued)" in with_lines[1]
    assert f"Total USD {money(sheet.total, 'USD')}" in " ".join(pages)


def test_customer_edition_has_no_cost_or_margin_internal_edition_has_both(tmp_path, example, make_quote, branding,
                                                                          catalog):
    assert catalog.has_costs  # the internal catalog: the customer PDF must leave its costs out
    build, analysis = example("hgx-8x-b200")
    quote = make_quote(build, discount_percent=Decimal(5))
    _, sheet, pages = render(tmp_path, quote, build, analysis, branding, "customer")
    text = " ".join(pages).lower()
    assert "cost" not in text and "margin" not in text and "dealer" not in text
    assert f"{sheet.cost:,.2f}" not in text and f"{sheet.margin:,.2f}" not in text
    _, _, internal = render(tmp_path, quote, build, analysis, branding, "internal", name="internal.pdf")
    text = " ".join(internal)
    assert "Dealer cost" in text and money(sheet.cost, "USD") in text and money(sheet.margin, "USD") in text
    assert "INTERNAL EDITION" in text


def test_customer_edition_guard_is_on_the_data_not_the_words(example, make_quote, branding):
    from configurator.core.quotes import Customer
    from configurator.export.blocks import Table

    build, analysis = example("hgx-8x-b200")
    quote = make_quote(build, warranty=("Parts at cost after year three",), customer=Customer("Cost Plus Drug Mart"))
    sheet = quote_prices(quote, build)
    assert sheet.cost is not None  # the internal catalog: the sheet holds dealer costs
    doc = quote_document(quote, build, analysis, sheet, approval(quote, DiscountPolicy()), branding, "customer")
    texts = " ".join(doc.texts())
    assert "Cost Plus Drug Mart" in texts and "Parts at cost after year three" in texts
    from configurator.present import amount

    listed = {amount(v) for l in sheet.lines for v in (l.unit_price, l.gross, l.total, l.discount)}
    costs = {amount(v) for l in sheet.lines for v in (l.cost, l.unit_cost)} - listed
    assert costs and not [c for c in costs if c in texts]
    assert not any("Cost" in c.title for b in doc.blocks if isinstance(b, Table) for c in b.columns)


def test_discount_above_the_limit_prints_pending_approval_unless_approved(tmp_path, example, make_quote, branding):
    build, analysis = example("ws-2x-rtxpro6000-maxq")
    _, _, pending = render(tmp_path, make_quote(build, discount_percent=Decimal(15)), build, analysis, branding)
    assert "pending approval" in " ".join(pending).lower()
    assert all("PENDING APPROVAL" in p for p in pending)  # the banner on every page
    from datetime import date, timedelta

    from configurator.core.quotes.approvals import generate_key, load_private_key, sign_approval

    pem, public = generate_key()
    total = quote_prices(make_quote(build, discount_percent=Decimal(15)), build).total
    token = sign_approval(load_private_key(pem), "Q-T3ST-00042", Decimal(15), total, date.today() + timedelta(days=5))
    approved = make_quote(build, discount_percent=Decimal(15), approval_code=token)
    state = approval(approved, DiscountPolicy(), total, "USD", [public])
    doc = quote_document(approved, build, analysis, quote_prices(approved, build), state, branding, "customer")
    write_pdf(doc, tmp_path / "ok.pdf", analysis)
    ok = pdf_pages(tmp_path / "ok.pdf")
    assert state.state == "approved" and "pending" not in " ".join(ok).lower() and token[:20] not in " ".join(ok)
    made_up = make_quote(build, discount_percent=Decimal(15), approval_code="MGR-2291")  # any text is no approval
    assert approval(made_up, DiscountPolicy(), total, "USD", [public]).pending
    _, _, within = render(tmp_path, make_quote(build, discount_percent=Decimal(10)), build, analysis, branding,
                          name="within.pdf")
    assert "pending" not in " ".join(within).lower()


def test_a_build_with_error_findings_cannot_be_quoted(example, make_quote, branding):
    build, analysis = example("invalid-sxm-6gpu")
    assert analysis.has_errors
    quote = make_quote(build)
    with pytest.raises(QuoteError, match="compatibility errors"):
        quote_document(quote, build, analysis, quote_prices(quote, build), approval(quote, DiscountPolicy()),
                       branding, "customer")


def test_draft_is_marked_and_an_unissued_quote_is_no_offer(tmp_path, example, make_quote, branding):
    build, analysis = example("ws-2x-rtxpro6000-maxq")
    _, _, pages = render(tmp_path, make_quote(build, status="draft"), build, analysis, branding)
    assert all("DRAFT" in p for p in pages)
    assert all(f"page {i} of {len(pages)}" in p for i, p in enumerate(pages, 1))


def test_a_failed_export_leaves_no_file(tmp_path, example, make_quote, branding):
    build, analysis = example("ws-2x-rtxpro6000-maxq")
    quote = make_quote(build)
    doc = quote_document(quote, build, analysis, quote_prices(quote, build), approval(quote, DiscountPolicy()),
                         branding)

    def broken_chart(*args):
        raise RuntimeError("chart failed")

    with pytest.raises(RuntimeError):
        write_pdf(doc, tmp_path / "q.pdf", analysis, charts=broken_chart)
    assert list(tmp_path.iterdir()) == []
    assert replace(quote, revision="B").label.endswith("-B")
