"""The ROI chart follows the chart contract and draws the core's cumulative costs with its break-even month;
the ROI panel says the same figures in the wording module's sentences."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from configurator.charts.roi_chart import RoiChart
from configurator.core.analysis import analyze
from configurator.core.buildfile import load
from configurator.core.roi import HORIZONS, RoiAssumptions, roi
from configurator.present import roi_summary
from tests.unit.test_build_helpers import EXAMPLES


def _analysis(catalog, hours):
    build = load(EXAMPLES / "hgx-8x-h200.json", catalog)
    build.set_roi(RoiAssumptions(hours_per_day=Decimal(hours)))
    return build, analyze(build, catalog)


def test_curves_and_break_even_come_from_the_core(qtbot, catalog):
    chart = RoiChart()
    qtbot.addWidget(chart)
    build, analysis = _analysis(catalog, 24)
    result = roi(build, RoiAssumptions(hours_per_day=Decimal(24)))
    chart.show_analysis(analysis)
    assert not chart.is_empty
    x, y = chart.on_prem_curve.getData()
    assert list(x) == list(range(37)) and list(y) == [float(v) for v in result.on_prem]
    assert list(chart.cloud_curve.getData()[1]) == [float(v) for v in result.cloud]
    assert chart.break_even_line.isVisible() and chart.break_even_line.value() == result.break_even_month == 17
    _, never = _analysis(catalog, 1)
    chart.show_analysis(never)
    assert never.roi.break_even_month is None and not chart.break_even_line.isVisible()
    chart.show_analysis(None)
    assert len(chart.on_prem_curve.getData()[0] or []) == 0 and chart.is_empty


def test_roi_problem_is_the_empty_state(qtbot, catalog):
    chart = RoiChart()
    qtbot.addWidget(chart)
    _, analysis = _analysis(catalog, 24)
    chart.show_analysis(replace(analysis, roi=None, roi_problem="Add a GPU to compare with cloud rental."))
    assert chart.is_empty and chart.empty_text() == "Add a GPU to compare with cloud rental."


def test_roi_panel_summary_is_the_present_sentence(qtbot, catalog):
    from configurator.ui.document import BuildDocument
    from configurator.ui.views.roi_panel import RoiPanel

    doc = BuildDocument(catalog)
    doc.open(EXAMPLES / "hgx-8x-h200.json")
    doc.set_roi(RoiAssumptions(hours_per_day=Decimal(24)))
    doc.recompute()
    panel = RoiPanel(doc)
    qtbot.addWidget(panel)
    panel.show_analysis(doc.analysis)
    text = panel.summary.text()
    assert text == roi_summary(doc.analysis.roi, HORIZONS)
    assert "month 17" in text and str(doc.analysis.roi.break_even_hours_per_day) in text
