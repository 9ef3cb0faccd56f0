"""The ROI chart draws the core's cumulative costs and marks its break-even month."""

from __future__ import annotations

from decimal import Decimal

from configurator.core.buildfile import load
from configurator.core.roi import RoiAssumptions, roi
from configurator.charts.roi_chart import RoiChart
from tests.unit.test_build_helpers import EXAMPLES


def test_curves_and_break_even_come_from_the_core(qtbot, catalog):
    chart = RoiChart()
    qtbot.addWidget(chart)
    build = load(EXAMPLES / "hgx-8x-h200.json", catalog)
    result = roi(build, RoiAssumptions(hours_per_day=Decimal(24)))
    chart.show_roi(result)
    x, y = chart.on_prem_curve.getData()
    assert list(x) == list(range(37)) and list(y) == [float(v) for v in result.on_prem]
    assert list(chart.cloud_curve.getData()[1]) == [float(v) for v in result.cloud]
    assert chart.break_even_line.isVisible() and chart.break_even_line.value() == result.break_even_month == 17
    assert "month 17" in chart.summary.text() and str(result.break_even_hours_per_day) in chart.summary.text()
    never = roi(build, RoiAssumptions(hours_per_day=Decimal(1)))
    chart.show_roi(never)
    assert never.break_even_month is None and not chart.break_even_line.isVisible()
    chart.show_roi(None)
    assert len(chart.on_prem_curve.getData()[0] or []) == 0
