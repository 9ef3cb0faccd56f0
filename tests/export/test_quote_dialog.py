"""The quote dialog (offscreen): approval status from the core, export through export/issue.py,
the customer edition without discount fields, and the print-preview painting path (QPrinter)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from tests.export.conftest import pdf_pages

pytest.importorskip("pytestqt")


@pytest.fixture
def dialog_for(qtbot, catalog, example, tmp_path):
    from configurator.store.userdb import UserDatabase
    from configurator.ui.views.quote_dialog import QuoteDialog

    opened = []

    def make(name: str, edition: str = "internal"):
        build, analysis = example(name)
        user_db = UserDatabase(tmp_path / "user.sqlite")
        opened.append(user_db)
        context = SimpleNamespace(catalog=catalog, edition=edition, settings=None, user_db=user_db)
        dialog = QuoteDialog(context, SimpleNamespace(build=build, analysis=analysis))
        qtbot.addWidget(dialog)
        return dialog

    yield make
    for db in opened:
        db.close()


def test_discount_above_limit_says_pending_and_export_issues_the_quote(dialog_for, tmp_path):
    dialog = dialog_for("ws-2x-rtxpro6000-maxq")
    assert not dialog.export_button.isEnabled()  # no customer name yet
    dialog.name.setText("Jane Roe")
    dialog.discount.setText("15")
    assert "pending approval" in dialog.status.text() and dialog.export_button.isEnabled()
    dialog.with_sheet.setChecked(True)
    dialog.with_bom.setChecked(True)
    quote = dialog.export_to(tmp_path / "q.pdf")
    assert quote is not None and quote.label.endswith("-00001-A") and quote.read_only
    assert "pending approval" in " ".join(pdf_pages(tmp_path / "q.pdf")).lower()
    assert (tmp_path / "q-build-sheet.pdf").exists() and (tmp_path / "q-bom.csv").exists()
    dialog.approval_code.setText("MGR-1234")  # any text is no approval: the dialog says why, export is refused
    assert "not an approval token" in dialog.status.text() and not dialog.export_button.isEnabled()
    dialog.approval_code.setText("")
    assert "-00002-A" in dialog.status.text()


def test_customer_edition_has_no_discount_fields_and_no_cost(dialog_for, tmp_path):
    dialog = dialog_for("hgx-8x-b200", edition="customer")
    assert dialog.discount.parent() is None and dialog.approval_code.parent() is None
    assert dialog.edition.count() == 1
    dialog.name.setText("Buyer")
    dialog.export_to(tmp_path / "q.pdf")
    text = " ".join(pdf_pages(tmp_path / "q.pdf")).lower()
    assert "cost" not in text and "margin" not in text


def test_build_with_errors_cannot_be_issued(dialog_for):
    dialog = dialog_for("invalid-sxm-6gpu")
    dialog.name.setText("Jane Roe")
    assert not dialog.export_button.isEnabled() and not dialog.preview_button.isEnabled()
    assert "compatibility errors" in dialog.status.text()


def test_preview_paints_on_a_printer(dialog_for, tmp_path):
    from PySide6.QtPrintSupport import QPrinter

    from configurator.export.pdf import default_chart_source, paint

    dialog = dialog_for("ws-2x-rtxpro6000-maxq")
    dialog.name.setText("Jane Roe")
    document, analysis = dialog.preview_document()
    assert document.banner.startswith("DRAFT")
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "preview.pdf"))
    pages = paint(document, printer, analysis, default_chart_source())
    text = " ".join(pdf_pages(tmp_path / "preview.pdf"))
    assert len(pdf_pages(tmp_path / "preview.pdf")) == pages and "Jane Roe" in text and "DRAFT" in text
