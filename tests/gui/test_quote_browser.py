"""Saved quotes (issue 16 item 5) through the real browser and quote dialog: the list (number, revision,
customer, date, total, state), reopening a quote's build, a new revision of the same number, exporting an
issued revision again; issued revisions stay read-only."""

from __future__ import annotations

import sqlite3

import pytest
from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtWidgets import QApplication

from configurator.core.buildfile import loads, to_dict
from configurator.core.quotes import QuoteLockedError
from configurator.present import money
from configurator.store.quotes import QuoteStore
from tests.conftest import ROOT
from tests.export.conftest import pdf_pages

EXAMPLES = ROOT / "resources" / "examples"
WS = EXAMPLES / "ws-2x-rtxpro6000-maxq.json"
HGX = EXAMPLES / "hgx-8x-h200.json"


def _window(qtbot, context):
    from configurator.ui.main_window import MainWindow

    win = MainWindow(context, ask=lambda *_: True)
    qtbot.addWidget(win)
    win.show()
    return win


@pytest.fixture
def window(qtbot, app_context):
    win = _window(qtbot, app_context)
    yield win
    win.document.undo_stack.setClean()
    win.close()


def _issue(qtbot, window, build_file, customer, company, pdf):
    from configurator.ui.views.quote_dialog import QuoteDialog

    assert window.files.open(build_file)
    window.document.recompute()
    dialog = QuoteDialog(window.context, window.document, window)
    qtbot.addWidget(dialog)
    dialog.name.setText(customer)
    dialog.company.setText(company)
    quote = dialog.export_to(pdf)
    assert quote is not None, dialog.status.text()
    return quote


def _browser(qtbot, window):
    from configurator.ui.views.quote_browser import QuoteBrowser

    browser = QuoteBrowser(window.context, window, files=window.files, dialogs=window.dialogs)
    qtbot.addWidget(browser)
    return browser


def _cells(browser, row):
    return [browser.table.item(row, c).text() for c in range(browser.table.columnCount())]


def test_the_list_shows_every_quote_with_its_figures_and_filters(qtbot, window, tmp_path):
    first = _issue(qtbot, window, WS, "Jane Roe", "", tmp_path / "a.pdf")
    second = _issue(qtbot, window, HGX, "Max Mustermann", "Acme Compute", tmp_path / "b.pdf")
    store = QuoteStore(window.context.user_db.db)
    browser = _browser(qtbot, window)
    assert browser.table.rowCount() == 2
    newest = _cells(browser, 0)
    total, currency = store.issued_totals(second)
    assert newest == [second.number, "A", "Max Mustermann (Acme Compute)", second.issue_date.isoformat(),
                      money(total[0], currency), "issued (read-only)"]
    assert _cells(browser, 1)[0] == first.number
    qtbot.keyClicks(browser.filter, "acme")
    assert browser.table.isRowHidden(1) and not browser.table.isRowHidden(0)
    browser.filter.clear()
    assert not browser.table.isRowHidden(1)


def test_open_build_reopens_the_quotes_build_as_an_untitled_copy(qtbot, window, tmp_path):
    quote = _issue(qtbot, window, WS, "Jane Roe", "", tmp_path / "a.pdf")
    window.files.new()
    browser = _browser(qtbot, window)
    assert browser.select(quote.label)
    qtbot.mouseClick(browser.open_button, Qt.MouseButton.LeftButton)
    assert to_dict(window.document.build) == to_dict(loads(quote.build_json, window.context.catalog))
    assert window.document.path is None


def test_a_new_revision_keeps_the_number_and_leaves_the_issued_one_as_it_was(qtbot, window, tmp_path):
    quote = _issue(qtbot, window, WS, "Jane Roe", "Roe Labs", tmp_path / "a.pdf")
    store = QuoteStore(window.context.user_db.db)
    before = store.get(quote.label)
    browser = _browser(qtbot, window)
    assert browser.select(quote.label)
    seen = {}

    def revise():
        dialog = QApplication.activeModalWidget()
        try:
            seen["title"] = dialog.windowTitle()
            seen["name"], seen["company"] = dialog.name.text(), dialog.company.text()
            seen["status"] = dialog.status.text()
            window.document.place("svc-warranty-ext-5y")  # the customer asked for a longer warranty
            seen["issued"] = dialog.export_to(tmp_path / "b.pdf")
        finally:
            dialog.accept()

    QTimer.singleShot(0, revise)
    issued = browser.new_revision()  # exec(): the quote dialog for the next revision
    assert seen["title"] == f"New revision of {quote.number}"
    assert (seen["name"], seen["company"]) == ("Jane Roe", "Roe Labs")
    assert f"{quote.number}-B" in seen["status"]
    assert issued is not None and issued.label == f"{quote.number}-B" and issued.read_only
    assert "svc-warranty-ext-5y" in issued.build_json and "svc-warranty-ext-5y" not in quote.build_json
    assert f"{quote.number}-B" in " ".join(pdf_pages(tmp_path / "b.pdf"))
    # the list has both revisions; A is exactly as issued (its seal holds) and cannot be changed
    assert [_cells(browser, r)[1] for r in range(browser.table.rowCount())] == ["A", "B"]
    after = store.get(quote.label)
    assert after == before and after.altered == ""
    with pytest.raises(QuoteLockedError):
        store.update(after)
    assert browser.table.editTriggers() == browser.table.EditTrigger.NoEditTriggers


def test_export_again_writes_the_same_revision_without_a_new_number(qtbot, window, tmp_path):
    quote = _issue(qtbot, window, WS, "Jane Roe", "", tmp_path / "a.pdf")
    store = QuoteStore(window.context.user_db.db)
    next_number = store.peek_sequence()
    window.dialogs.chooser = lambda *a: str(tmp_path / "again.pdf")
    browser = _browser(qtbot, window)
    assert browser.select(quote.label)
    qtbot.mouseClick(browser.export_button, Qt.MouseButton.LeftButton)
    text = " ".join(pdf_pages(tmp_path / "again.pdf"))
    assert quote.label in text and "Jane Roe" in text and "DRAFT" not in text
    total, currency = store.issued_totals(quote)
    assert money(total[0], currency) in text
    assert store.peek_sequence() == next_number and len(store.summaries()) == 1
    assert "Exported" in browser.status.text()


def test_export_again_is_refused_when_prices_changed_since(qtbot, catalog, writable_catalog, tmp_path, qapp):
    from configurator.catalog import CatalogRepository
    from configurator.store.userdb import UserDatabase
    from configurator.ui.context import AppContext

    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    user_db = UserDatabase(tmp_path / "user.sqlite")
    repo = CatalogRepository(writable_catalog)
    context = AppContext(catalog=repo, edition="internal", settings=settings, user_db=user_db)
    window = _window(qtbot, context)
    try:
        quote = _issue(qtbot, window, WS, "Jane Roe", "", tmp_path / "a.pdf")
        con = sqlite3.connect(writable_catalog)
        with con:
            con.execute("update prices set list_price = '99999.00' where id = ?", [window.document.build.gpus[0].gpu.id])
        con.close()
        window.close()
        context.catalog = CatalogRepository(writable_catalog)  # a later start, with the new price list
        window = _window(qtbot, context)
        browser = _browser(qtbot, window)
        assert browser.select(quote.label)
        assert browser.export_again(tmp_path / "again.pdf") is None
        assert "prices changed since" in browser.status.text() and not (tmp_path / "again.pdf").exists()
    finally:
        window.document.undo_stack.setClean()
        window.close()
        context.catalog.close()
        repo.close()
        user_db.close()


def test_an_altered_revision_is_shown_so_and_neither_revised_nor_exported(qtbot, window, tmp_path):
    quote = _issue(qtbot, window, WS, "Jane Roe", "", tmp_path / "a.pdf")
    window.context.user_db.db.execute("update quotes set discount_percent = '40' where id = ?", [quote.id])
    window.context.user_db.db.conn.commit()
    browser = _browser(qtbot, window)
    assert browser.select(quote.label)
    assert _cells(browser, 0)[5].startswith("altered")
    assert not browser.revise_button.isEnabled() and not browser.export_button.isEnabled()
    assert browser.open_button.isEnabled()  # its build can still be looked at
