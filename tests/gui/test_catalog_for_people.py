"""The catalog for people: key specs and the price at the default width, a sensible order, readable labels in
the part panel, a filter that matches spec values, and double-click adds the part. Real widgets offscreen."""

from __future__ import annotations

import dataclasses

import pytest
from PySide6.QtCore import Qt

from configurator.core import parts
from configurator.present.catalog import field_label
from configurator.ui.models.catalog_table_model import COLUMNS
from configurator.ui.roles import PART_ID_ROLE


@pytest.fixture
def window(qtbot, app_context):
    from configurator.ui.main_window import MainWindow

    w = MainWindow(app_context)
    qtbot.addWidget(w)
    w.resize(1366, 768)
    w.show()
    qtbot.waitExposed(w)
    yield w
    w.close()


def _visible_ids(proxy) -> list[str]:
    return [proxy.index(r, 0).data(PART_ID_ROLE) for r in range(proxy.rowCount())]


def _column(kind: str, field: str) -> int:
    return [f for f, _ in COLUMNS[kind]].index(field)


def test_gpu_key_specs_and_price_show_at_the_default_width(window, app_context):
    """At the dock's default width each GPU row shows its name over a whole line of memory, bandwidth and list
    price (the name elides when long; its tooltip is whole)."""
    tab = window.catalog_browser.tabs["gpus"]
    table = tab.table
    visible = min(table.columnWidth(0), table.viewport().width())
    metrics = table.fontMetrics()
    prices = app_context.catalog.prices()
    for row in range(tab.proxy.rowCount()):
        gpu = app_context.catalog.gpu(tab.proxy.index(row, 0).data(PART_ID_ROLE))
        name, line = tab.proxy.index(row, 0).data(Qt.ItemDataRole.DisplayRole).split("\n")
        assert name == gpu.name
        assert f"{gpu.memory_gb:g} GB" in line and f"{gpu.bandwidth_tb_s:g} TB/s" in line
        assert f"{prices[gpu.id].list_price:,.2f}" in line
        assert metrics.horizontalAdvance(line) + 8 <= visible, (line, visible)  # whole, with the cell padding
        assert gpu.name in tab.proxy.index(row, 0).data(Qt.ItemDataRole.ToolTipRole)
    assert table.rowHeight(0) >= 2 * metrics.lineSpacing()  # two lines tall


def test_kinds_open_sorted_smallest_first(window, app_context):
    gpus = window.catalog_browser.tabs["gpus"]
    memories = [app_context.catalog.gpu(i).memory_gb for i in _visible_ids(gpus.proxy)]
    assert memories == sorted(memories) and len(set(memories)) > 3
    psus = window.catalog_browser.tabs["psus"]
    watts = [app_context.catalog.psu(i).watts for i in _visible_ids(psus.proxy)]
    assert watts == sorted(watts)
    assert gpus.table.horizontalHeader().sortIndicatorSection() == _column("gpus", "memory_gb")


def test_a_high_line_psu_says_so_instead_of_zero_watts(window):
    tab = window.catalog_browser.tabs["psus"]
    col = _column("psus", "watts_at_120v")
    ids = _visible_ids(tab.proxy)
    row = ids.index("psu-crps-3300w")
    assert tab.proxy.index(row, col).data() == "does not run on 100-127 V"
    assert tab.proxy.index(ids.index("psu-crps-2000w"), col).data() == "1,000"


def test_the_part_panel_reads_labels_not_field_names(window, app_context):
    for kind in ("gpus", "chassis", "platforms", "psus", "network"):
        tab = window.catalog_browser.tabs[kind]
        window.catalog_browser.setCurrentWidget(tab)
        tab.table.selectRow(0)
        text = window.details.toPlainText()
        part = app_context.catalog.get(kind, tab.proxy.index(0, 0).data(PART_ID_ROLE))
        for f in dataclasses.fields(part):
            if "_" in f.name and f.name not in ("source", "notes"):
                assert f"\n{f.name}\n" not in f"\n{text}\n", (kind, f.name)
                assert field_label(f.name) in text, (kind, f.name)
        if kind == "chassis":
            assert "Takes CPU sockets" in text and "sockets_supported" not in text


def test_every_field_of_every_part_kind_has_a_readable_label():
    for cls in parts.PART_KINDS.values():
        for f in dataclasses.fields(cls):
            label = field_label(f.name)
            assert "_" not in label and (label[0].isupper() or label[0].isdigit()), (cls.__name__, f.name, label)


def _typed(qtbot, tab, text):
    tab.filter_edit.clear()
    qtbot.keyClicks(tab.filter_edit, text)
    return set(_visible_ids(tab.proxy))


def test_the_filter_matches_spec_values(qtbot, window, app_context):
    tab = window.catalog_browser.tabs["gpus"]
    gpus = app_context.catalog.gpus(True)
    found = _typed(qtbot, tab, "96")
    assert {g.id for g in gpus if g.memory_gb == 96} <= found  # the 96 GB cards, whose names do not say 96
    assert "rtx-pro-6000-maxq" in found
    found = _typed(qtbot, tab, "80 GB")
    assert found and {g.id for g in gpus if g.memory_gb == 80} <= found
    assert "h200-sxm" not in found  # 141 GB
    found = _typed(qtbot, tab, "nvlink")
    nvlink = {g.id for g in gpus if "nvlink" in g.nvlink.lower()}
    assert found == nvlink and "mi300x" not in found and "rtx-4090" not in found
    assert _typed(qtbot, tab, "h200 nvl") == {"h200-nvl"}  # "nvl" matches names, not every NVLink GPU
    tab.filter_edit.clear()
    assert tab.proxy.rowCount() == len(gpus)


def _double_click(qtbot, window, kind, part_id):
    tab = window.catalog_browser.tabs[kind]
    window.catalog_browser.setCurrentWidget(tab)
    row = _visible_ids(tab.proxy).index(part_id)
    rect = tab.table.visualRect(tab.proxy.index(row, 0))
    # a real double-click: press and release, then the second press arrives as a double-click
    qtbot.mouseClick(tab.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(tab.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_double_click_adds_the_part_and_undo_takes_it_back(qtbot, window):
    build = window.document.build
    assert build.chassis is None and not build.gpus  # the window opens on an empty build
    _double_click(qtbot, window, "chassis", "chassis-tower-ws")
    assert build.chassis is not None and build.chassis.id == "chassis-tower-ws"
    _double_click(qtbot, window, "gpus", "rtx-pro-6000-maxq")
    assert [p.gpu.id for p in build.gpus] == ["rtx-pro-6000-maxq"]
    window.document.undo_stack.undo()
    assert not build.gpus and build.chassis.id == "chassis-tower-ws"
    window.document.undo_stack.undo()
    assert build.chassis is None
