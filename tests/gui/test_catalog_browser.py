"""The catalog browser: Qt models pass qtmodeltester, filter as you type, sort numerically, drag ids."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from PySide6.QtCore import QModelIndex, Qt

from configurator.ui.mime import PART_MIME
from configurator.ui.models.catalog_filter_model import CatalogFilterModel
from configurator.ui.models.catalog_table_model import COLUMNS, CatalogTableModel
from configurator.ui.roles import PART_ID_ROLE


def test_every_kind_model_passes_modeltester(qtmodeltester, catalog):
    prices = catalog.prices()
    for kind in COLUMNS:
        model = CatalogTableModel(kind, catalog.list(kind), prices)
        qtmodeltester.check(model, force_py=True)
        proxy = CatalogFilterModel()
        proxy.setSourceModel(model)
        proxy.set_filter_text("a")
        qtmodeltester.check(proxy, force_py=True)


def test_headers_carry_units(catalog):
    model = CatalogTableModel("gpus", catalog.gpus(), catalog.prices())
    headers = [model.headerData(c, Qt.Orientation.Horizontal).replace("\n", " ") for c in range(model.columnCount())]
    assert "Memory (GB)" in headers and "Bandwidth (TB/s)" in headers and "TDP (W)" in headers
    assert "List price (USD)" in headers


def _visible_ids(proxy) -> list[str]:
    return [proxy.index(r, 0).data(PART_ID_ROLE) for r in range(proxy.rowCount())]


def test_filter_box_filters_as_you_type(qtbot, app_context):
    from configurator.ui.views.catalog_browser import CatalogBrowser

    browser = CatalogBrowser(app_context)
    qtbot.addWidget(browser)
    tab = browser.tabs["gpus"]
    total = tab.proxy.rowCount()
    qtbot.keyClicks(tab.filter_edit, "h20")
    ids = _visible_ids(tab.proxy)
    assert ids and set(ids) == {g.id for g in app_context.catalog.gpus(True) if "h20" in f"{g.id} {g.name}".lower()}
    qtbot.keyClicks(tab.filter_edit, "0 nvl")
    assert _visible_ids(tab.proxy) == ["h200-nvl"]
    tab.filter_edit.clear()
    assert tab.proxy.rowCount() == total


def test_sorting_by_memory_is_numeric(qtbot, app_context):
    from configurator.ui.views.catalog_browser import CatalogBrowser

    browser = CatalogBrowser(app_context)
    qtbot.addWidget(browser)
    tab = browser.tabs["gpus"]
    column = [f for f, _ in COLUMNS["gpus"]].index("memory_gb")
    tab.table.sortByColumn(column, Qt.SortOrder.DescendingOrder)
    memories = [app_context.catalog.gpu(i).memory_gb for i in _visible_ids(tab.proxy)]
    assert memories == sorted(memories, reverse=True)
    assert memories[0] == 288


def test_drag_carries_part_ids(catalog):
    model = CatalogTableModel("gpus", catalog.gpus(), catalog.prices())
    row = next(r for r in range(model.rowCount()) if model.index(r, 0).data(PART_ID_ROLE) == "h200-sxm")
    mime = model.mimeData([model.index(row, 0), model.index(row, 1)])
    assert mime.hasFormat(PART_MIME)
    assert json.loads(bytes(mime.data(PART_MIME)).decode()) == ["h200-sxm"]
    assert model.flags(model.index(row, 0)) & Qt.ItemFlag.ItemIsDragEnabled
    assert model.flags(QModelIndex()) == Qt.ItemFlag.NoItemFlags


def test_main_window_shows_part_details(qtbot, app_context):
    from configurator.ui.main_window import MainWindow

    window = MainWindow(app_context)
    qtbot.addWidget(window)
    window.show()
    tab = window.catalog_browser.tabs["gpus"]
    tab.table.selectRow(0)
    text = window.details.toPlainText()
    first = app_context.catalog.gpu(tab.proxy.index(0, 0).data(PART_ID_ROLE))
    assert first.name in text and "Source." in text and "Dealer cost" in text
    window.close()


def test_customer_edition_screen_shows_no_cost(qtbot, app_context):
    from configurator.ui.main_window import MainWindow

    app_context.edition = "customer"
    window = MainWindow(app_context)
    qtbot.addWidget(window)
    window.catalog_browser.tabs["gpus"].table.selectRow(0)
    assert "cost" not in window.details.toPlainText().lower()
    window.close()


def test_smoke_prints_startup_ms(tmp_path):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_DATA_HOME": str(tmp_path / "d"),
           "XDG_CONFIG_HOME": str(tmp_path / "c")}
    proc = subprocess.run([sys.executable, "-m", "configurator", "--smoke"], capture_output=True, text=True,
                          timeout=120, env=env)
    assert proc.returncode == 0, proc.stderr
    last = proc.stdout.strip().splitlines()[-1]
    assert last.startswith("startup_ms=") and float(last.split("=")[1]) > 0
