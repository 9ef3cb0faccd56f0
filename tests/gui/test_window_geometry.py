"""The window at the screen sizes a booth meets (1366x768, 1600x900, 1920x1080, and 1440x900 logical at a
device pixel ratio of 2): for every example, nothing in the build view overlaps, the verdict strip and the
charts' headline and legends are whole inside their widgets, and no visible label is cut or elided."""

from __future__ import annotations

import itertools
import os
import subprocess
import sys

import pytest
from PySide6.QtCore import QRectF
from PySide6.QtWidgets import QApplication, QLabel

from tests.conftest import ROOT

EXAMPLES = sorted((ROOT / "resources" / "examples").glob("*.json"))
SIZES = [(1366, 768), (1600, 900), (1920, 1080), (1440, 900)]


def _overlaps(a: QRectF, b: QRectF) -> bool:
    i = a.intersected(b)
    return i.width() > 0.5 and i.height() > 0.5


def problems(window) -> list[str]:
    """Every geometry fault in the window as it is laid out now (empty when there is none)."""
    found = []
    scene = window.build_view.scene
    targets = scene.targets
    for a, b in itertools.combinations(targets, 2):
        if _overlaps(a.rect, b.rect):
            found.append(f"build view: {a.kind} {a.part_id or a.slot} overlaps {b.kind} {b.part_id or b.slot}")
    pictures = [f for f in scene.frames if f.kind in ("board", "chassis", "node", "fabric")]
    for f in pictures:
        for t in targets:
            if t.kind == "part" and _overlaps(f.rect, t.rect):
                found.append(f"build view: the {t.part_id} chip covers the {f.kind}")
    view_rect = QRectF(window.build_view.rect())
    for t in targets:
        if not view_rect.contains(t.rect):
            found.append(f"build view: {t.kind} {t.part_id or t.slot} outside the view")
    strip = window.verdict
    for cell in strip.cells:
        if cell.isHidden():
            continue
        if not strip.rect().contains(cell.geometry()):
            found.append(f"verdict: the {cell.key} cell is outside the strip")
    central = window.centralWidget()
    if not central.rect().contains(strip.geometry()):
        found.append("verdict: the strip is outside the window")
    memory = window.charts.charts["memory"]
    head = memory.headline
    if memory.isVisible() and not memory.is_empty:
        if not memory.rect().contains(head.geometry()):
            found.append("memory chart: the headline is outside the chart")
        if head.fontMetrics().horizontalAdvance(head.text()) > head.width():
            found.append(f"memory chart: the headline '{head.text()}' is cut")
    for name in window.charts.visible_charts():
        chart = window.charts.charts[name]
        if chart.is_empty or not chart.isVisible():
            continue
        box = QRectF(chart.viewport().rect())
        for plot in chart.plot_items():
            legend = plot.legend
            if legend is not None and legend.isVisible():
                r = chart.mapFromScene(legend.sceneBoundingRect()).boundingRect()
                if not box.adjusted(-1, -1, 1, 1).contains(QRectF(r)):
                    found.append(f"{name} chart: the legend is cut")
    for label in window.findChildren(QLabel):
        if not label.isVisible() or not label.text() or label.width() <= 0 or label is head:
            continue
        if label.wordWrap():
            if label.heightForWidth(label.width()) > label.height() + 1:
                found.append(f"label '{label.text()[:40]}' is cut ({label.objectName()})")
        elif label.sizeHint().width() > label.width() + 1 and not label.textFormat() == 1:
            found.append(f"label '{label.text()[:40]}' is elided ({label.objectName()})")
    return found


@pytest.fixture
def window(qtbot, app_context):
    from configurator.ui.main_window import MainWindow

    w = MainWindow(app_context)
    qtbot.addWidget(w)
    return w


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_every_example_fits_the_screen_without_overlap(window, qtbot, size):
    window.resize(*size)
    window.show()
    for path in EXAMPLES:
        window.document.open(path)
        window.document.recompute()
        QApplication.processEvents()
        found = problems(window)
        assert found == [], f"{path.name} at {size}: {found}"


def test_the_checker_finds_what_it_checks(window, qtbot):
    """Shrink the window below its layout's means: the same checks must report it."""
    window.resize(1366, 768)
    window.show()
    window.document.open(EXAMPLES[0])
    window.document.recompute()
    QApplication.processEvents()
    head = window.charts.charts["memory"].headline
    head.resize(20, head.height())  # a headline squeezed into 20 px
    detail = window.verdict.cells[0].detail
    detail.resize(12, 6)  # a verdict line with no room for its words
    found = problems(window)
    assert any("headline" in p for p in found) and any(detail.text()[:40] in p for p in found), found


def test_chips_never_cover_the_board_in_a_short_view(qtbot, catalog):
    """The scene alone, far shorter than the build needs: it grows (min_height) instead of overlapping."""
    from configurator.core.buildfile import load
    from configurator.ui.views.build_scene import layout

    build = load(ROOT / "resources" / "examples" / "hgx-8x-h200.json", catalog)
    for width in (420, 700, 1000):
        scene = layout(build, width, 200)
        assert scene.min_height > 200
        board = next(f for f in scene.frames if f.kind == "board")
        assert not any(_overlaps(board.rect, t.rect) for t in scene.targets if t.kind == "part"), width
        assert all(t.rect.bottom() <= scene.min_height for t in scene.targets), width


@pytest.mark.skipif(sys.platform != "linux", reason="offscreen subprocess")
def test_device_pixel_ratio_2():
    """1440x900 logical on a 2x screen: the same checks in a process started with QT_SCALE_FACTOR=2."""
    code = (
        "import sys, tempfile, os\n"
        "from PySide6.QtWidgets import QApplication\n"
        "app = QApplication([])\n"
        "from PySide6.QtCore import QSettings\n"
        "from configurator.catalog import open_catalog\n"
        "from configurator.ui.context import AppContext\n"
        "from configurator.ui.main_window import MainWindow\n"
        "from configurator.store.userdb import UserDatabase\n"
        "from tests.gui.test_window_geometry import EXAMPLES, problems\n"
        "d = tempfile.mkdtemp()\n"
        "db = UserDatabase(d + '/u.sqlite'); db.start_session()\n"
        "ctx = AppContext(catalog=open_catalog(), edition='internal', user_db=db,\n"
        "                 settings=QSettings(d + '/s.ini', QSettings.Format.IniFormat))\n"
        "w = MainWindow(ctx); w.resize(1440, 900); w.show()\n"
        "assert w.devicePixelRatio() == 2, w.devicePixelRatio()\n"
        "bad = []\n"
        "for p in EXAMPLES:\n"
        "    w.document.open(p); w.document.recompute(); app.processEvents()\n"
        "    bad += [f'{p.name}: {x}' for x in problems(w)]\n"
        "print('\\n'.join(bad) or 'ok')\n"
    )
    env = {**os.environ, "QT_SCALE_FACTOR": "2", "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=240, env=env,
                          cwd=ROOT)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.strip().splitlines()[-1] == "ok", proc.stdout


def test_the_window_opens_inside_its_screen(qtbot, app_context):
    """First start, and a saved geometry from a bigger screen: either way the window fits the one it opens on."""
    from configurator.ui.main_window import MainWindow

    big = MainWindow(app_context)
    qtbot.addWidget(big)
    big.resize(3000, 2000)
    app_context.settings.setValue("window/geometry", big.saveGeometry())  # as a larger screen left it
    for saved in (True, False):
        if not saved:
            app_context.settings.remove("window/geometry")
        w = MainWindow(app_context)
        qtbot.addWidget(w)
        w.show_on_screen()
        QApplication.processEvents()
        available = w.screen().availableGeometry()  # (the offscreen screen is 800 px; its frame offsets the client)
        assert w.width() <= available.width() and w.height() <= available.height(), (saved, w.geometry(), available)
