"""Cumulative cost on-premises against cloud GPU-hours, month by month, with the break-even month marked.

``show_roi(result)`` takes a ``core.roi.RoiResult``; the chart draws its arrays (Decimal converted to float
only for plotting) and shows the 12/24/36-month totals and the hours-per-day threshold as the core gives
them. Nothing is computed here.
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from configurator.core.money import format_money
from configurator.core.roi import HORIZONS
from configurator.charts.style import BACKGROUND, pen, style_plot

ON_PREM = "#1f6fb4"
CLOUD = "#e07b00"
BREAK_EVEN = "#2e7d32"
TIP = ("On-premises: hardware price + each month's power (wall watts x utilisation x hours x $/kWh x PUE) "
       "and support. Cloud: GPUs x hours x $/GPU-hour. Break-even: the first month cumulative cloud cost "
       "exceeds on-premises. Every rate is an editable assumption saved with the build.")


class RoiChart(QWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.result = None
        self.plot_widget = pg.PlotWidget(background=BACKGROUND)
        self.plot_widget.setToolTip(TIP)
        plot = self.plot = self.plot_widget.getPlotItem()
        style_plot(plot)
        plot.setLabel("bottom", "Months")
        plot.setLabel("left", "Cumulative cost (USD)")
        self.legend = plot.addLegend(offset=(6, 4))
        self.on_prem_curve = plot.plot([], [], pen=pen(ON_PREM), name="On-premises")
        self.cloud_curve = plot.plot([], [], pen=pen(CLOUD), name="Cloud")
        self.break_even_line = pg.InfiniteLine(angle=90, movable=False,
                                               pen=pen(BREAK_EVEN, 1.5, Qt.PenStyle.DashLine),
                                               label="", labelOpts={"position": 0.9, "color": BREAK_EVEN})
        plot.addItem(self.break_even_line)
        self.break_even_line.hide()
        self.summary = QLabel("Nothing to compare yet.")
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot_widget, 1)
        layout.addWidget(self.summary)

    def show_roi(self, result) -> None:
        """Draw ``result`` (a RoiResult), or clear the chart for None."""
        self.result = result
        if result is None:
            self.on_prem_curve.setData([], [])
            self.cloud_curve.setData([], [])
            self.break_even_line.hide()
            self.summary.setText("Nothing to compare yet.")
            return
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
            self.break_even_line.setValue(month)
            self.break_even_line.label.setFormat(f"break-even: month {month}")
            self.break_even_line.show()
        self.summary.setText(self.summary_text())

    def summary_text(self) -> str:
        r = self.result
        cur = r.currency
        parts = []
        for h in sorted({*HORIZONS, r.months}):
            on_prem, cloud = r.totals(h)
            parts.append(f"{h} months: on-premises {format_money(on_prem, cur)}, cloud {format_money(cloud, cur)}")
        even = (f"Break-even in month {r.break_even_month}." if r.break_even_month
                else f"No break-even within {r.months} months.")
        hours = (f"On-premises wins over {r.months} months above {r.break_even_hours_per_day} hours a day."
                 if r.break_even_hours_per_day is not None
                 else f"On-premises does not win within {r.months} months at any hours per day.")
        rate = f"Cloud: {r.gpus} x {r.cloud_gpu_id} at {r.cloud_rate} USD per GPU-hour."
        return " ".join([even, hours, rate]) + "\n" + "; ".join(parts)
