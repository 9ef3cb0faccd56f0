"""From the compare tray to one quote with options, through the real dialogs: the compare dialog's button opens
the quote dialog on the ticked builds, it issues one PDF with a section per option, and the customer's choice
is recorded from the same dialog as the next revision."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from configurator.store.quotes import QuoteStore
from tests.export.conftest import pdf_pages
from tests.unit.test_build_helpers import EXAMPLES

NAMES = ("ws-2x-rtxpro6000-maxq.json", "hgx-8x-h200.json", "hgx-8x-b200.json")


def compare_dialog(qtbot, app_context, names=NAMES):
    from configurator.ui.document import BuildDocument
    from configurator.ui.views.compare_dialog import CompareDialog

    doc = BuildDocument(app_context.catalog)
    doc.open(EXAMPLES / "hgx-8x-h200.json")
    doc.recompute()
    dialog = CompareDialog(app_context, doc)
    qtbot.addWidget(dialog)
    for n in names:
        assert dialog.add_file(str(EXAMPLES / n))
    return dialog, doc


def test_the_compare_button_opens_the_quote_dialog_on_the_ticked_builds(qtbot, app_context):
    dialog, _ = compare_dialog(qtbot, app_context)
    assert dialog.options_button.isEnabled()
    seen = {}

    def look_and_close():
        quote = QApplication.activeModalWidget()
        seen["title"] = quote.windowTitle()
        seen["checked"] = quote.options_panel.use.isChecked()
        seen["names"] = [n for n, _ in quote.options_panel.options]
        quote.reject()

    QTimer.singleShot(0, look_and_close)
    dialog.open_options_quote()  # exec(): the modal quote dialog, closed by the timer above
    assert seen == {"title": "Quote", "checked": True, "names": dialog.names}


def test_a_quote_with_three_options_and_the_customers_choice(qtbot, app_context, tmp_path):
    from configurator.ui.views.quote_dialog import QuoteDialog

    dialog, doc = compare_dialog(qtbot, app_context)
    quote = QuoteDialog(app_context, doc, options=dialog.option_builds())
    qtbot.addWidget(quote)
    quote.name.setText("Jane Roe")
    assert quote.options_panel.active and not quote.with_sheet.isEnabled()
    assert "with 3 options" in quote.status.text() and quote.export_button.isEnabled()
    assert quote.options_panel.summary.text().count("Option ") == 3
    issued = quote.export_to(tmp_path / "options.pdf")
    assert issued is not None and len(issued.options) == 3 and issued.chosen_option is None
    text = " ".join(pdf_pages(tmp_path / "options.pdf"))
    for i, name in enumerate(dialog.names, 1):
        assert f"Option {i}: {name}" in text and f"Option {i} total" in text
    assert quote.options_panel.choice_number.text() == issued.number

    chosen = quote.options_panel.record_choice(issued.number, 3, tmp_path / "chosen.pdf")
    assert chosen is not None and chosen.revision == "B" and chosen.chosen_option == 2
    assert chosen.build_name == dialog.names[2]
    assert f"Option 3 of 3, as chosen by the customer: {dialog.names[2]}" in " ".join(pdf_pages(tmp_path / "chosen.pdf"))
    store = QuoteStore(app_context.user_db.db)
    assert [q.revision for q in store.revisions(issued.number)] == ["A", "B"]
    # a second answer is refused in one line, and nothing is written
    assert quote.options_panel.record_choice(issued.number, 1, tmp_path / "again.pdf") is None
    assert "already chose option 3" in quote.status.text() and not (tmp_path / "again.pdf").exists()


def test_from_the_window_the_quote_dialog_offers_the_trays_ticked_builds(qtbot, app_context):
    from configurator.ui.views.quote_dialog import QuoteDialog

    dialog, doc = compare_dialog(qtbot, app_context, NAMES[:2])
    quote = QuoteDialog(app_context, doc)  # what Tools > Quote opens
    qtbot.addWidget(quote)
    panel = quote.options_panel
    assert panel.use.isEnabled() and not panel.use.isChecked() and not panel.active
    assert [n for n, _ in panel.options] == dialog.panel.ticked()
    quote.name.setText("Jane Roe")
    assert "with 2 options" not in quote.status.text()
    panel.use.setChecked(True)
    assert "with 2 options" in quote.status.text()
    dialog.panel.clear()
    empty = QuoteDialog(app_context, doc)
    qtbot.addWidget(empty)
    assert not empty.options_panel.use.isEnabled() and "compare tray" in empty.options_panel.use.text()
