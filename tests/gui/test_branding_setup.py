"""Branding setup (issue 16 item 6) through the real dialogs: offered once at the first quote, kept in the user
database (logo bytes included), printed on quotes and build sheets; a quote with placeholder branding is issued
only after a confirmation that names what is missing."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QApplication

from configurator.store.branding import BrandingRecord, BrandingStore, read_branding
from configurator.store.quotes import QuoteStore
from tests.conftest import ROOT
from tests.export.conftest import pdf_pages

EXAMPLE = ROOT / "resources" / "examples" / "ws-2x-rtxpro6000-maxq.json"


@pytest.fixture
def context(catalog, tmp_path, qapp):
    """The app's context on the user's own user database (where every document reads the branding from)."""
    from configurator.store.userdb import UserDatabase, user_database_path
    from configurator.ui.context import AppContext

    user_db = UserDatabase(user_database_path())
    user_db.start_session()
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    yield AppContext(catalog=catalog, edition="internal", settings=settings, user_db=user_db)
    user_db.close()


@pytest.fixture
def window(qtbot, context):
    from configurator.ui.main_window import MainWindow

    questions: list[str] = []
    win = MainWindow(context, ask=lambda title, text: questions.append(text) or True)
    win.questions = questions
    qtbot.addWidget(win)
    win.show()
    assert win.files.open(EXAMPLE)
    yield win
    win.document.undo_stack.setClean()
    win.close()


def _logo(tmp_path: Path) -> Path:
    image = QImage(120, 40, QImage.Format.Format_RGB32)
    image.fill(QColor("#1060a0"))
    path = tmp_path / "acme-logo.png"
    assert image.save(str(path))
    return path


def _modal_steps(*steps):
    """Run each step on the modal dialog that is open when it comes (each exec() blocks until its step ends it)."""
    seen = []

    def run(i=0):
        widget = QApplication.activeModalWidget()
        if widget is None:
            QTimer.singleShot(20, lambda: run(i))
            return
        seen.append(type(widget).__name__)
        try:
            steps[i](widget)
        except BaseException as exc:  # a failing step closes its dialog: the test fails instead of hanging
            seen.append(exc)
            widget.reject()
            return
        if i + 1 < len(steps):
            QTimer.singleShot(20, lambda: run(i + 1))

    QTimer.singleShot(0, run)
    return seen


def _fill(dialog, tmp_path):
    dialog.company.setText("Acme Compute GmbH")
    dialog.address.setPlainText("Hauptstrasse 1\n10115 Berlin\nGermany")
    dialog.contact.setPlainText("sales@acme-compute.example\n+49 30 1234567")
    dialog.tax_id.setText("DE123456789")
    assert dialog.choose_logo(_logo(tmp_path))


def test_first_quote_offers_the_setup_then_the_quote_prints_it(qtbot, window, context, tmp_path):
    notes = {}

    def set_up(dialog):
        assert dialog.objectName() == "branding-dialog"
        _fill(dialog, tmp_path)
        dialog.buttons.button(dialog.buttons.StandardButton.Save).click()

    def look_at_quote(quote):
        notes["branding"] = quote.branding_note.text()
        notes["missing"] = quote.branding_placeholders()
        quote.name.setText("Jane Roe")
        notes["issued"] = quote.export_to(tmp_path / "q.pdf")
        quote.reject()

    seen = _modal_steps(set_up, look_at_quote)
    window.open_quote()
    assert seen == ["BrandingDialog", "QuoteDialog"]
    assert notes["missing"] == [] and "Acme Compute GmbH" in notes["branding"]
    record = BrandingStore(context.user_db.db).get()
    assert record.data["company"] == "Acme Compute GmbH" and record.data["tax_id"] == "DE123456789"
    assert record.logo == (tmp_path / "acme-logo.png").read_bytes() and record.logo_name == "acme-logo.png"
    text = " ".join(pdf_pages(tmp_path / "q.pdf"))
    assert "Acme Compute GmbH" in text and "DE123456789" in text and "Example AI Systems" not in text

    # the build sheet (File > Export build sheet, no quote) carries the same letterhead
    from configurator.ui.document_export import export_build_sheet

    sheet = export_build_sheet(window, tmp_path / "sheet.pdf")
    sheet_text = " ".join(pdf_pages(sheet))
    assert "Acme Compute GmbH" in sheet_text and "Example AI Systems" not in sheet_text

    # offered once: the next quote opens straight away
    seen = _modal_steps(lambda quote: quote.reject())
    window.open_quote()
    assert seen == ["QuoteDialog"]


def test_later_is_not_asked_again_and_tools_menu_still_opens_it(qtbot, window, context):
    seen = _modal_steps(lambda d: d.reject(), lambda quote: quote.reject())
    window.open_quote()
    assert seen == ["BrandingDialog", "QuoteDialog"]
    assert BrandingStore(context.user_db.db).get() is None and BrandingStore(context.user_db.db).offered()
    seen = _modal_steps(lambda quote: quote.reject())
    window.open_quote()
    assert seen == ["QuoteDialog"]
    seen = _modal_steps(lambda d: d.reject())
    window.open_branding()  # Tools > Company branding
    assert seen == ["BrandingDialog"]


def test_a_company_name_is_needed_to_save(qtbot, context):
    from configurator.ui.views.branding_dialog import BrandingDialog

    dialog = BrandingDialog(context.user_db)
    qtbot.addWidget(dialog)
    dialog.tax_id.setText("DE1")
    assert not dialog.save() and "company name" in dialog.problem.text()
    assert BrandingStore(context.user_db.db).get() is None
    assert not dialog.choose_logo(Path(__file__))  # not an SVG or PNG
    assert "SVG or PNG" in dialog.problem.text()


def _quote_dialog(qtbot, window, questions, answer):
    from configurator.ui.views.quote_dialog import QuoteDialog

    window.document.recompute()
    dialog = QuoteDialog(window.context, window.document, window,
                         ask=lambda title, text: questions.append(text) or answer, dialogs=window.dialogs)
    qtbot.addWidget(dialog)
    dialog.name.setText("Jane Roe")
    return dialog


def test_placeholder_branding_needs_a_confirmation_naming_what_is_missing(qtbot, window, context, tmp_path):
    store = QuoteStore(context.user_db.db)
    window.dialogs.chooser = lambda *a: str(tmp_path / "quote.pdf")
    questions: list[str] = []
    dialog = _quote_dialog(qtbot, window, questions, answer=False)
    assert "placeholder or missing company name, address, tax id, logo, contact details, terms" in \
        dialog.branding_note.text()
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    assert len(questions) == 1
    for words in ("company name", "address", "tax id", "logo", "terms"):
        assert words in questions[0]
    assert store.latest() == [] and not (tmp_path / "quote.pdf").exists()  # no number used
    assert dialog.status.text().startswith("Not issued")

    dialog = _quote_dialog(qtbot, window, questions, answer=True)
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    assert len(questions) == 2 and len(store.latest()) == 1
    assert "Example AI Systems" in " ".join(pdf_pages(tmp_path / "quote.pdf"))


def test_partial_branding_names_only_what_is_still_missing(qtbot, window, context, tmp_path):
    from configurator.ui.views.branding_dialog import BrandingDialog

    setup = BrandingDialog(context.user_db, window)
    qtbot.addWidget(setup)
    setup.company.setText("Acme Compute GmbH")
    setup.address.setPlainText("Hauptstrasse 1\n10115 Berlin")
    setup.contact.setPlainText("sales@acme-compute.example")
    assert setup.save()
    questions: list[str] = []
    dialog = _quote_dialog(qtbot, window, questions, answer=False)
    assert dialog.branding_placeholders() == ["tax id", "logo"]  # the sample terms, saved as theirs, count
    assert not dialog.confirm_branding()
    assert "tax id, logo" in questions[0] and "company name" not in questions[0]


def test_a_complete_branding_issues_without_a_question(qtbot, window, context, tmp_path):
    from configurator.ui.views.branding_dialog import BrandingDialog

    setup = BrandingDialog(context.user_db, window)
    qtbot.addWidget(setup)
    _fill(setup, tmp_path)
    assert setup.save()
    window.dialogs.chooser = lambda *a: str(tmp_path / "quote.pdf")
    questions: list[str] = []
    dialog = _quote_dialog(qtbot, window, questions, answer=False)
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    assert questions == [] and (tmp_path / "quote.pdf").exists()
    # setting it up again shows what was saved
    again = BrandingDialog(context.user_db, window)
    qtbot.addWidget(again)
    assert again.company.text() == "Acme Compute GmbH" and again.tax_id.text() == "DE123456789"
    assert again.address.toPlainText().splitlines()[0] == "Hauptstrasse 1"


def test_the_branding_is_read_without_writing_the_user_database(context, tmp_path):
    from configurator.export.branding import load_branding
    from configurator.store.userdb import user_database_path

    assert read_branding(tmp_path / "none.sqlite") is None and not (tmp_path / "none.sqlite").exists()
    BrandingStore(context.user_db.db).save(
        BrandingRecord({"company": "Acme Compute GmbH", "address": ["Hauptstrasse 1"], "tax_id": "DE123456789"}))
    branding = load_branding()
    assert branding.company == "Acme Compute GmbH" and branding.source == "user database"
    assert "DE123456789" in branding.footer
    assert read_branding(user_database_path()).data["company"] == "Acme Compute GmbH"
