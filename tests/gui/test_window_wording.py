"""What customers spot in the window: the board labelled by its GPU vendor, token counts in words, and whole
check messages in the checks table. Real widgets offscreen."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import Qt

from configurator.core.buildfile import from_dict, load
from configurator.ui.views.build_scene import layout
from tests.unit.test_build_helpers import EXAMPLES


def _board_label(build) -> str:
    scene = layout(build, 900, 600)
    return next(f.label for f in scene.frames if f.kind == "board")


def test_an_amd_oam_board_is_labelled_for_amd(catalog):
    data = json.loads((EXAMPLES / "hgx-8x-h200.json").read_text())
    data.update(chassis="chassis-oam-mi300x-8gpu", gpus=[{"id": "mi325x", "quantity": 8}])
    amd = _board_label(from_dict(data, catalog))
    assert amd == "OAM board · 8 OAM sockets · Infinity Fabric"
    assert "HGX" not in amd and "NVLink" not in amd
    nvidia = _board_label(load(EXAMPLES / "hgx-8x-h200.json", catalog))
    assert nvidia == "HGX board · 8 SXM sockets · NVLink"
    data["gpus"] = []  # an empty board: named after the GPUs its chassis takes
    assert _board_label(from_dict(data, catalog)).startswith("OAM board")


def test_training_tokens_read_in_words(qtbot):
    from configurator.ui.views.tokens_spin import TokensSpinBox

    spin = TokensSpinBox()
    qtbot.addWidget(spin)
    spin.setRange(0.001, 100_000)
    spin.setValue(0.1)
    assert spin.text() == "100 million tokens"  # not "0.100 B tokens"
    spin.setValue(2.5)
    assert spin.text() == "2.5 billion tokens"
    spin.selectAll()
    qtbot.keyClicks(spin, "250 million")
    spin.interpretText()
    assert spin.value() == pytest.approx(0.25)
    spin.selectAll()
    qtbot.keyClicks(spin, "1 trillion tokens")
    spin.interpretText()
    assert spin.value() == pytest.approx(1000)
    spin.selectAll()
    qtbot.keyClicks(spin, "lots")  # not a count: the value stays
    spin.interpretText()
    assert spin.value() == pytest.approx(1000)


def test_the_workload_panel_uses_the_token_words(qtbot, app_context):
    from configurator.ui.main_window import MainWindow

    window = MainWindow(app_context)
    qtbot.addWidget(window)
    from configurator.ui.views.tokens_spin import TokensSpinBox

    panel = window.workload  # its tokens field is the spin box above (a value set here would change the build)
    assert isinstance(panel.tokens, TokensSpinBox) and panel.tokens.textFromValue(0.1) == "100 million tokens"
    assert " B tokens" not in panel.tokens.text() and panel.tokens.text().endswith("tokens")
    window.close()


def test_the_checks_table_shows_whole_messages(qtbot, app_context, catalog):
    from configurator.core.analysis import analyze
    from configurator.ui.views.findings_view import FindingsView

    build = load(EXAMPLES / "ws-4x-rtxpro6000-we-overpowered.json", catalog)

    from PySide6.QtCore import QObject, Signal

    class Doc(QObject):  # what the view reads of the window's document: the analysis and its signal
        analysis_ready = Signal(object)

        def __init__(self):
            super().__init__()
            self.analysis = analyze(build, catalog)

    doc = Doc()
    view = FindingsView(doc)
    qtbot.addWidget(view)
    view.resize(520, 600)  # a narrow checks panel: the long WALL_CIRCUIT message must wrap, not be cut
    view.show()
    qtbot.waitExposed(view)
    view.show_analysis(doc.analysis)
    table = view.table
    col = 2
    metrics = table.fontMetrics()
    for row in range(view.model.rowCount()):
        message = view.model.index(row, col).data()
        needed = metrics.boundingRect(0, 0, table.columnWidth(col) - 8, 10_000,
                                      int(Qt.TextFlag.TextWordWrap), message).height()
        assert table.rowHeight(row) >= needed, (row, message[:40], table.rowHeight(row), needed)
        assert message in view.model.index(row, col).data(Qt.ItemDataRole.ToolTipRole)
    view.resize(380, 600)  # narrower still: the rows follow
    qtbot.wait(50)
    for row in range(view.model.rowCount()):
        message = view.model.index(row, col).data()
        needed = metrics.boundingRect(0, 0, table.columnWidth(col) - 8, 10_000,
                                      int(Qt.TextFlag.TextWordWrap), message).height()
        assert table.rowHeight(row) >= needed, (row, message[:40])
    assert table.textElideMode() == Qt.TextElideMode.ElideNone


@pytest.mark.parametrize("hours", [12, 24])
def test_the_roi_chart_labels_are_whole_clear_of_the_curves_and_name_the_gpu(qtbot, catalog, hours):
    from decimal import Decimal

    from PySide6.QtCore import QPointF

    from configurator.charts.roi_chart import RoiChart
    from configurator.core.analysis import analyze
    from configurator.core.roi import HORIZONS, RoiAssumptions
    from configurator.present import roi_summary

    build = load(EXAMPLES / "hgx-8x-h200.json", catalog)
    build.set_roi(RoiAssumptions(hours_per_day=Decimal(hours)))
    analysis = analyze(build, catalog)
    summary = roi_summary(analysis.roi, HORIZONS)
    assert "8 x H200 SXM at $" in summary and "h200-sxm" not in summary  # the GPU's name, not its id

    chart = RoiChart()
    qtbot.addWidget(chart)
    chart.resize(700, 380)
    chart.show()
    qtbot.waitExposed(chart)
    chart.show_analysis(analysis)
    qtbot.wait(20)
    label = chart.break_even_line.label
    month = analysis.roi.break_even_month
    assert month is not None and label.isVisible() and label.toPlainText() == f"break-even: month {month}"
    box = label.sceneBoundingRect()
    view = chart.plot.getViewBox()
    assert view.sceneBoundingRect().contains(box)  # whole inside the plot
    for curve in (chart.on_prem_curve, chart.cloud_curve):
        xs, ys = curve.getData()
        for i in range(len(xs) - 1):  # the curve, sampled finely between its monthly points
            for t in (k / 10 for k in range(11)):
                x = xs[i] + (xs[i + 1] - xs[i]) * t
                y = ys[i] + (ys[i + 1] - ys[i]) * t
                assert not box.contains(view.mapViewToScene(QPointF(x, y))), (curve.name(), x)
    legend = chart.legend.sceneBoundingRect()
    assert not legend.intersects(view.sceneBoundingRect())  # the legend sits above the curves
