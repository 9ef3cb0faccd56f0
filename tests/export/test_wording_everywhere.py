"""One analysis, the same words everywhere: the window (charts, price and checks panels), the quote PDF read
back, and the command line (`check`, `price`) show each figure as configurator.present formats it."""

from __future__ import annotations

from configurator import cli, present
from configurator.export.pdf import write_pdf
from configurator.export.quote_content import quote_document
from configurator.core.quotes import approval, quote_prices, DiscountPolicy
from tests.export.conftest import EXAMPLES, pdf_pages

NAME = "ws-2x-rtxpro6000-maxq"


def _window_texts(qtbot, catalog) -> tuple[object, list[str]]:
    from configurator.ui.document import BuildDocument
    from configurator.ui.views.chart_panel import ChartPanel
    from configurator.ui.views.findings_view import FindingsView
    from configurator.ui.views.price_summary import PriceSummary

    doc = BuildDocument(catalog)
    doc.open(EXAMPLES / f"{NAME}.json")
    doc.recompute()
    widgets = [ChartPanel(doc), PriceSummary(doc, "customer"), FindingsView(doc)]
    for w in widgets:
        qtbot.addWidget(w)
    panel, price, findings = widgets
    for w in widgets:
        w.show_analysis(doc.analysis)
    chart = panel.charts["memory"]
    return doc.analysis, [chart.headline_text, price.label.text(), findings.summary.text()]


def test_the_window_the_pdf_and_the_cli_print_the_same_figures(qtbot, catalog, catalog_path, monkeypatch, capsys,
                                                               tmp_path, example, make_quote, branding):
    analysis, window = _window_texts(qtbot, catalog)
    fit = present.memory_fit(analysis.inference.result.memory)
    rows = present.inference_rows(analysis)
    total = analysis.price.total

    # the window
    assert window[0] == fit
    assert present.money(total, analysis.price.currency) in window[1]
    assert present.count(0, "warning") in window[2] or present.count(1, "warning") in window[2]

    # the quote PDF, read back (a quote at list price: no discount, no tax)
    build, _ = example(NAME)
    quote = make_quote(build, tax_percent=0)
    sheet = quote_prices(quote, build)
    pdf = tmp_path / "quote.pdf"
    write_pdf(quote_document(quote, build, analysis, sheet, approval(quote, DiscountPolicy()), branding), pdf,
              analysis)
    paper = " ".join(pdf_pages(pdf))
    assert sheet.total == total
    for _, text in rows:
        assert text in paper, text
    assert present.money(total, "USD") in paper
    assert present.compatibility_line(analysis.findings) in paper

    # the command line
    monkeypatch.setenv("CONFIGURATOR_CATALOG", str(catalog_path))
    assert cli.run(["check", str(EXAMPLES / f"{NAME}.json")]) == 0
    out = capsys.readouterr().out
    assert present.findings_summary(analysis.findings) in out
    for label, text in rows:
        assert f"{label}: {text}" in out
    assert cli.run(["price", str(EXAMPLES / f"{NAME}.json")]) == 0
    assert present.amount(total) in capsys.readouterr().out

