"""File > Export build sheet / Export BOM in the window: documents without a customer or a quote number."""

from __future__ import annotations

import csv

import pytest
from PySide6.QtWidgets import QFileDialog, QMessageBox

from configurator.core.pricing import price_build
from configurator.store.quotes import QuoteStore
from tests.conftest import ROOT
from tests.export.conftest import pdf_pages, squeeze

EXAMPLE = ROOT / "resources" / "examples" / "hgx-8x-b200.json"
INVALID = ROOT / "resources" / "examples" / "invalid-sxm-6gpu.json"


@pytest.fixture
def window(qtbot, app_context):
    from configurator.ui.main_window import MainWindow

    win = MainWindow(app_context, ask=lambda *_: True)
    qtbot.addWidget(win)
    win.show()
    yield win
    win.document.undo_stack.setClean()
    win.close()


def _file_action(window, text: str):
    file_menu = next(a for a in window.menuBar().actions() if a.text() == "&File")
    found = [a for a in window.actions() if a.text().replace("&", "") == text]
    assert len(found) == 1 and found[0] in file_menu.menu().actions(), [a.text() for a in window.actions()]
    return found[0]


def _quote_state(window):
    db = window.context.user_db.db
    return ([dict(r) for r in db["quotes"].rows] if db["quotes"].exists() else []), QuoteStore(db).peek_sequence()


def test_menu_exports_build_sheet_and_bom_without_a_quote_number(window, tmp_path, monkeypatch):
    assert window.files.open(EXAMPLE)
    before = _quote_state(window)
    suggested = []

    def save_dialog(parent, title, start, filter_):
        suggested.append(start)
        return str(tmp_path / ("sheet" if "build sheet" in title else "bom")), filter_  # no suffix typed

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_dialog)
    _file_action(window, "Export build sheet…").trigger()
    _file_action(window, "Export BOM…").trigger()
    sheet, bom = tmp_path / "sheet.pdf", tmp_path / "bom.csv"
    assert sheet.exists() and bom.exists()
    assert suggested[0].endswith("hgx-8x-b200-build-sheet.pdf") and suggested[1].endswith("hgx-8x-b200-bom.csv")
    assert _quote_state(window) == before

    build = window.document.build
    text = " ".join(pdf_pages(sheet))
    assert "Build sheet" in text and "Q-" not in text and "$" not in text
    # parts by name and manufacturer part number (catalog ids stay off paper)
    assert squeeze(build.chassis.name) in squeeze(text) and squeeze(build.gpus[0].gpu.name) in squeeze(text)
    assert build.chassis.mfr_part_number in squeeze(text) and build.chassis.id not in squeeze(text)
    rows = list(csv.DictReader(bom.open(encoding="utf-8", newline="")))
    expected = price_build(build)
    assert [(r["part_id"], r["amount"]) for r in rows if r["line"]] == [(l.id, str(l.total)) for l in expected.lines]
    assert rows[-1]["amount"] == str(expected.total) and "cost" not in rows[0]
    assert "BOM written" in window.statusBar().currentMessage()


def test_a_build_with_errors_still_gets_its_sheet(window, tmp_path):
    from configurator.ui.document_export import export_build_sheet

    assert window.files.open(INVALID)
    assert export_build_sheet(window, tmp_path / "s.pdf") == tmp_path / "s.pdf"
    assert "DO NOT BUILD" in pdf_pages(tmp_path / "s.pdf")[0]


def test_a_failed_export_is_a_message_and_writes_nothing(window, tmp_path, monkeypatch):
    from configurator.ui.document_export import export_bom, export_build_sheet

    warnings = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: warnings.append(a[2]))
    original = EXAMPLE.read_bytes()
    assert window.files.open(EXAMPLE)
    assert export_build_sheet(window, tmp_path / "missing" / "s.pdf") is None
    assert export_bom(window, EXAMPLE) is None  # never over the build file itself
    assert len(warnings) == 2 and "does not exist" in warnings[0] and "build file itself" in warnings[1]
    assert not (tmp_path / "missing").exists() and not list(tmp_path.glob("*.pdf"))
    assert EXAMPLE.read_bytes() == original
