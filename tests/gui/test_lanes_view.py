"""The window's "Lanes & memory" panel: it draws the current build's lane map and DIMM population (the same drawing
as the build sheet), follows every change, and, tabbed out of sight, catches up when it comes into view."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication

from configurator.core.configuration.lanes import dimm_population, lane_map
from configurator.export import lane_drawing
from tests.conftest import ROOT
from tests.unit.test_build_helpers import WORKSTATION, make

EXAMPLES = ROOT / "resources" / "examples"


@pytest.fixture
def window(qtbot, app_context):
    from configurator.ui.main_window import MainWindow

    w = MainWindow(app_context, ask=lambda *_: True)  # closing discards the test's changes
    qtbot.addWidget(w)
    w.resize(1366, 768)
    w.show()
    return w


def _settle(window) -> None:
    window.document.recompute()
    QApplication.processEvents()


def _shown(window) -> list[str]:
    return window.lanes.canvas.texts()


def test_the_panel_shows_the_lane_line_of_the_current_build_and_follows_changes(window):
    window.lanes_dock.raise_()
    window.document.open(EXAMPLES / "ws-2x-rtxpro6000-maxq.json")
    _settle(window)
    build = window.document.build
    texts = _shown(window)
    for slot in lane_map(build).slots:
        assert slot.name in texts and slot.label in texts, slot.name
    gpu2 = lane_map(build).gpu(2)
    assert gpu2.label in texts
    # take the second card out: its slot is free now, and the drawing says so
    window.document.remove(gpu2.part_id, gpu2.position)
    _settle(window)
    after = lane_map(window.document.build)
    assert after.gpu(2) is None
    texts = _shown(window)
    assert gpu2.label not in texts
    assert all(s.label in texts for s in after.slots)
    assert next(s for s in after.slots if s.position == gpu2.position).label in texts


def _am5(catalog, *slots: int, dimms: int = 2):
    return make(catalog, WORKSTATION, platform="plat-ryzen-9950x-x870e",
                memory=[{"id": "ram-ddr5-udimm-32gb", "quantity": dimms}],
                psus=[{"id": "psu-atx-1600w", "quantity": 1}], gpus=[{"id": "rtx-pro-6000-maxq", "slot": s} for s in slots])


def _speed_line(window) -> str:
    return next(t for t in _shown(window) if "MT/s" in t and t.startswith(("All", "The DIMM")))


def test_out_of_sight_it_catches_up_when_shown(window, catalog):
    window.lanes_dock.raise_()
    window.document.adopt(_am5(catalog, 1), "Desktop board")
    _settle(window)
    window.lanes_dock.hide()  # out of sight (closed, or tabbed behind another dock)
    QApplication.processEvents()
    assert not window.lanes.isVisible()
    before = dimm_population(window.document.build)
    window.document.set_quantity("ram-ddr5-udimm-32gb", 4)  # 2 DIMMs per channel: slower
    _settle(window)
    after = dimm_population(window.document.build)
    assert after.dimms_per_channel == 2 and after.speed_mts < before.speed_mts
    assert f"{after.speed_mts} MT/s" not in _speed_line(window)  # not redrawn while out of sight
    window.lanes_dock.show()
    QApplication.processEvents()
    line = _speed_line(window)
    assert f"{after.speed_mts} MT/s" in line and after.limits and all(limit in line for limit in after.limits)


def _red_pixels(window) -> int:
    image = window.lanes.canvas.grab().toImage()
    red = QColor(lane_drawing.SHARED_AWAY)
    return sum(1 for x in range(0, image.width(), 2) for y in range(0, image.height(), 2)
               if _close(image.pixelColor(x, y), red))


def test_a_narrowed_slot_is_painted_red_on_screen(window, catalog):
    window.lanes_dock.raise_()
    window.document.adopt(_am5(catalog, 1), "One card on a desktop board")
    _settle(window)
    assert not any(s.narrowed for s in lane_map(window.document.build).slots)
    legend_only = _red_pixels(window)  # the legend's red square
    window.document.adopt(_am5(catalog, 1, 4), "Two cards on a desktop board")
    _settle(window)
    narrowed = [s for s in lane_map(window.document.build).slots if s.narrowed]
    assert len(narrowed) == 2 and all(s.label in _shown(window) for s in narrowed)
    # the lanes each card does not get are red cells in its connector drawing: 8 per card here
    assert _red_pixels(window) > legend_only + 2 * 8 * 2
    assert window.lanes.canvas.minimumHeight() > 300  # the whole drawing is laid out; the scroll area scrolls it


def _close(a: QColor, b: QColor) -> bool:
    return abs(a.red() - b.red()) < 24 and abs(a.green() - b.green()) < 24 and abs(a.blue() - b.blue()) < 24
