"""Cumulative cost on-premises against cloud GPU-hours, month by month, with the break-even month marked.

Follows the chart contract (base.ChartState): ``show_analysis(analysis)`` draws ``analysis.roi`` (a
``core.roi.RoiResult``; Decimal converted to float only for plotting), or shows ``analysis.roi_problem``.
The sentences about the result (totals, thresholds) are the ROI panel's, from configurator.present.
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import Qt

from configurator.charts.base import PlotChart
from configurator.charts.style import add_legend, pen
from configurator.present import break_even_label

ON_PREM = "#1f6fb4"
CLOUD = "#e07b00"
BREAK_EVEN = "#2e7d32"
TIP = ("On-premises: hardware price + each month's power (wall watts x utilisation x hours x $/kWh x PUE) "
       "and support. Cloud: GPUs x hours x $/GPU-hour. Break-even: the first month cumulative cloud cost "
       "exceeds on-premises. Every rate is an editable assumption saved with the build.")
NO_ROI = "Nothing to compare yet."
LABEL_POSITION = 0.04  # the break-even label's height, as a share of the plot (near the bottom)


class RoiChart(PlotChart):
    name = "roi"

    def __init__(self, parent=None):
        super().__init__(TIP, parent)
        plot = self.plot
        plot.setLabel("bottom", "Months")
        plot.setLabel("left", "Cumulative cost (USD)")
        self.legend = add_legend(plot)
        self.on_prem_curve = plot.plot([], [], pen=pen(ON_PREM), name="On-premises")
        self.cloud_curve = plot.plot([], [], pen=pen(CLOUD), name="Cloud")
        self.break_even_line = pg.InfiniteLine(angle=90, movable=False,
                                               pen=pen(BREAK_EVEN, 1.5, Qt.PenStyle.DashLine),
                                               label="", labelOpts={"position": LABEL_POSITION,
                                                                    "color": BREAK_EVEN})
        plot.addItem(self.break_even_line)
        self.break_even_line.hide()
        self.result = None

    def problem(self, analysis) -> str | None:
        if analysis.roi is not None:
            return None
        return analysis.roi_problem or NO_ROI

    def show_analysis(self, analysis) -> None:
        if analysis is None or analysis.roi is None:
            self.result = None
            self.on_prem_curve.setData([], [])
            self.cloud_curve.setData([], [])
            self.break_even_line.hide()
        super().show_analysis(analysis)

    def update_figures(self, analysis) -> None:
        result = self.result = analysis.roi
        months = list(range(result.months + 1))
        self.on_prem_curve.setData(months, [float(v) for v in result.on_prem])
        self.cloud_curve.setData(months, [float(v) for v in result.cloud])
        top = float(max(result.on_prem[-1], result.cloud[-1]))
        self.plot.setXRange(0, result.months, padding=0.02)
        self.plot.setYRange(0, top * 1.05 if top > 0 else 1, padding=0)
        month = result.break_even_month
        if month is None:
            self.break_even_line.hide()
        else:
            # Shown first: pyqtgraph's line label ignores a new value or text while it is hidden (it stayed blank)
            self.break_even_line.show()
            self.break_even_line.setValue(month)
            # Near the bottom, on the side of the line no curve crosses there: left of a late break-even (the
            # cloud line is high by then), right of an early one (below the on-premises line, which starts at
            # the hardware price). Never struck through by a curve.
            label = self.break_even_line.label
            side = (1, 1) if month > result.months / 2 else (0, 1)  # the text's corner at the anchor point
            label.anchors = [side, side]
            label.setPosition(LABEL_POSITION)
            label.setFormat(break_even_label(month))
