"""The assembled window: drag from the catalog onto the build, keyboard add/remove, undo, title, examples."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QApplication

from configurator.core.buildfile import to_dict
from configurator.ui.roles import PART_ID_ROLE
from tests.conftest import ROOT

EXAMPLES = sorted((ROOT / "resources" / "examples").glob("*.json"))


@pytest.fixture
def window(qtbot, app_context):
    from configurator.ui.main_window import MainWindow

    win = MainWindow(app_context, ask=lambda *_: True)
    qtbot.addWidget(win)
    win.show()
    yield win
    win.document.undo_stack.setClean()
    win.close()


def _catalog_row(window, kind: str, part_id: str) -> int:
    tab = window.catalog_browser.tabs[kind]
    return next(r for r in range(tab.proxy.rowCount()) if tab.proxy.index(r, 0).data(PART_ID_ROLE) == part_id)


def _drag_from_catalog(window, kind: str, part_id: str) -> QMimeData:
    """The MIME data the catalog view would put on a drag of that row (through its proxy)."""
    tab = window.catalog_browser.tabs[kind]
    row = _catalog_row(window, kind, part_id)
    return tab.proxy.mimeData([tab.proxy.index(row, 0)])


def _drop(widget, mime: QMimeData, pos: QPoint) -> tuple[bool, bool, str]:
    actions = Qt.DropAction.CopyAction | Qt.DropAction.MoveAction
    enter = QDragEnterEvent(pos, actions, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, enter)
    move = QDragMoveEvent(pos, actions, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, move)
    accepted = move.isAccepted()
    reason = widget.hover_reason  # what the user reads while hovering
    drop = QDropEvent(QPointF(pos), actions, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, drop)
    return accepted, drop.isAccepted(), reason


def _slot_centre(view, slot: int) -> QPoint:
    rect = view.scene.slot_rect(slot) if hasattr(view.scene, "slot_rect") else None
    assert rect is not None, "build scene exposes slot geometry"
    return rect.center().toPoint()


def test_drag_gpu_from_catalog_onto_build(qtbot, window):
    window.files.open(ROOT / "resources" / "examples" / "ws-2x-rtxpro6000-maxq.json")
    window.document.recompute()
    before_price = window.document.analysis.price.total
    before_curve = window.document.analysis.inference.decode.per_user_tokens_per_s.copy()
    mime = _drag_from_catalog(window, "gpus", "rtx-pro-6000-maxq")
    positions = window.document.build.chassis.slot_positions
    free = [s for s in range(1, positions + 1) if window.document.can_place("rtx-pro-6000-maxq", s)]
    target = free[-1]  # not the first free one: the card must land where it is dropped
    hovered, dropped, reason = _drop(window.build_view, mime, _slot_centre(window.build_view, target))
    assert hovered and dropped and reason == ""
    assert [p.slot for p in window.document.build.gpus if p.gpu.id == "rtx-pro-6000-maxq"].count(target) == 1
    qtbot.waitUntil(lambda: window.document.analysis.system.gpus_per_node == 3, timeout=3000)
    assert window.document.analysis.price.total > before_price
    assert (window.document.analysis.inference.decode.per_user_tokens_per_s != before_curve).any()
    assert window.isWindowModified()
    window.document.undo_stack.undo()
    assert len(window.document.build.gpus) == 2


def test_invalid_drop_is_refused_with_reason(window):
    window.files.open(ROOT / "resources" / "examples" / "ws-2x-rtxpro6000-maxq.json")
    before = to_dict(window.document.build)
    mime = _drag_from_catalog(window, "gpus", "h200-sxm")
    hovered, dropped, reason = _drop(window.build_view, mime, _slot_centre(window.build_view, 3))
    assert not hovered and not dropped
    assert "SXM" in reason or "board" in reason.lower(), reason
    assert to_dict(window.document.build) == before


def test_keyboard_add_and_remove(qtbot, window):
    window.files.open(ROOT / "resources" / "examples" / "ws-2x-rtxpro6000-maxq.json")
    tab = window.catalog_browser.tabs["gpus"]
    window.catalog_dock.raise_()
    window.catalog_browser.setCurrentWidget(tab)
    tab.table.setFocus()
    tab.table.selectRow(_catalog_row(window, "gpus", "rtx-pro-6000-maxq"))
    qtbot.keyClick(tab.table, Qt.Key.Key_Insert)
    assert len(window.document.build.gpus) == 3
    window.build_view.setFocus()
    window.build_view.select_part("rtx-pro-6000-maxq", window.document.build.gpus[-1].slot)
    qtbot.keyClick(window.build_view, Qt.Key.Key_Delete)
    assert len(window.document.build.gpus) == 2
    assert window.document.undo_stack.count() == 2


@pytest.mark.parametrize("example", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_every_example_opens_draws_checks_and_charts(qtbot, window, example):
    assert window.files.open(example)
    analysis = window.document.recompute()
    assert window.findings.model.rowCount() == len(analysis.findings)
    assert analysis.inference is not None or analysis.training is not None
    image = window.grab()
    assert not image.isNull() and image.width() > 100
    assert example.name in window.windowTitle()


def test_presentation_mode_scales_fonts(qtbot, window):
    size = QApplication.font().pointSizeF()
    window.presentation_action.trigger()
    assert QApplication.font().pointSizeF() == pytest.approx(size * 1.5)
    window.presentation_action.trigger()
    assert QApplication.font().pointSizeF() == pytest.approx(size)


def test_smoke_with_a_build_file(tmp_path):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_DATA_HOME": str(tmp_path / "d"),
           "XDG_CONFIG_HOME": str(tmp_path / "c")}
    example = ROOT / "resources" / "examples" / "hgx-8x-h200.json"
    proc = subprocess.run([sys.executable, "-m", "configurator", "--smoke", str(example)], capture_output=True,
                          text=True, timeout=120, env=env)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().splitlines()[-1].startswith("startup_ms=")
    bad = tmp_path / "bad.json"
    bad.write_text("{")
    proc = subprocess.run([sys.executable, "-m", "configurator", "--smoke", str(bad)], capture_output=True,
                          text=True, timeout=120, env=env)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr


def _all_visible_text(widget) -> str:
    """Every text a person can read in the window: labels, buttons, table cells and headers, titles."""
    from PySide6.QtCore import QAbstractItemModel
    from PySide6.QtWidgets import QAbstractButton, QAbstractItemView, QDockWidget, QLabel, QTextEdit

    texts = [widget.windowTitle()]
    for child in widget.findChildren(QLabel):
        texts.append(child.text())
    for child in widget.findChildren(QAbstractButton):
        texts.append(child.text())
    for child in widget.findChildren(QTextEdit):
        texts.append(child.toPlainText())
    for child in widget.findChildren(QDockWidget):
        texts.append(child.windowTitle())
    for view in widget.findChildren(QAbstractItemView):
        model: QAbstractItemModel = view.model()
        if model is None:
            continue
        for c in range(model.columnCount()):
            texts.append(str(model.headerData(c, Qt.Orientation.Horizontal)))
        for r in range(min(model.rowCount(), 200)):
            for c in range(model.columnCount()):
                texts.append(str(model.index(r, c).data()))
    return "\n".join(t for t in texts if t)


def test_customer_edition_window_shows_no_cost_or_margin(qtbot, tmp_path):
    from PySide6.QtCore import QSettings

    from configurator.catalog import CatalogRepository
    from configurator.catalog.build import build_catalog
    from configurator.store.userdb import UserDatabase
    from configurator.ui.context import AppContext
    from configurator.ui.main_window import MainWindow

    repo = CatalogRepository(build_catalog(tmp_path / "customer.sqlite", edition="customer"))
    db = UserDatabase(tmp_path / "user.sqlite")
    context = AppContext(catalog=repo, edition="customer", user_db=db,
                         settings=QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    win = MainWindow(context, ask=lambda *_: True)
    qtbot.addWidget(win)
    win.show()
    for example in EXAMPLES:
        win.files.open(example)
        win.document.recompute()
        win.catalog_browser.tabs["gpus"].table.selectRow(0)
        text = _all_visible_text(win).lower()
        assert "cost" not in text.replace("cost of", "").replace("cumulative cost", ""), example.name
        assert "margin" not in text and "dealer" not in text, example.name
        assert f"{win.document.analysis.price.total:,.2f}" in text  # the list total is there
    win.close()
    repo.close()
    db.close()
