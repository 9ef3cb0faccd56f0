"""Time to first token against prompt length (log-log): expected TTFT, the prefill at peak (ideal) and
the build's prompt marked."""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt

from configurator.core.sizing import EXPLANATIONS
from configurator.charts.base import PlotChart
from configurator.charts.chosen import chosen_prompt, inference_problem
from configurator.charts.style import (
    CEILING, EXPECTED, MARKER, Label, Marker, add_legend, log_span, pen, place_point_label, set_curve, tooltip,
)
from configurator.present.verdict import ttft_point_label

TIP = tooltip("Time to first token vs prompt length", EXPLANATIONS["ttft"])


class TtftChart(PlotChart):
    name = "ttft"

    def __init__(self, parent=None):
        super().__init__(TIP, parent, log_x=True, log_y=True)
        p = self.plot
        p.setLogMode(x=True, y=True)
        p.setLabel("bottom", "Prompt length (tokens)")
        p.setLabel("left", "Time to first token (s)")
        self.legend = add_legend(p, columns=1)  # a half-width chart: one entry a row
        self.ideal = p.plot(pen=pen(CEILING, 1.5, Qt.PenStyle.DashLine), name="Prefill at peak (ideal)")
        self.curve = p.plot(pen=pen(EXPECTED, 2.5), name="Expected TTFT")
        self.marker = Marker(log_x=True, log_y=True)
        p.addItem(self.marker, ignoreBounds=True)
        self.point_label = Label(MARKER, bold=True)
        p.addItem(self.point_label, ignoreBounds=True)

    def problem(self, analysis) -> str | None:
        return inference_problem(analysis)

    def update_figures(self, analysis) -> None:
        inf = analysis.inference
        t = inf.ttft
        set_curve(self.curve, t.prompts, t.ttft_s)
        set_curve(self.ideal, t.prompts, t.ceiling_prefill_s)
        self.marker.set_point(chosen_prompt(analysis), inf.result.ttft_s)
        lo = min(float(np.min(t.ceiling_prefill_s)), float(inf.result.ttft_s))
        hi = max(float(np.max(t.ttft_s)), float(inf.result.ttft_s))
        x = (math.log10(t.prompts[0]), math.log10(t.prompts[-1]))
        place_point_label(self.point_label, ttft_point_label(inf.result.ttft_s, chosen_prompt(analysis)), self.marker, x)
        self.set_range(self.plot.vb, x=x, y=log_span(lo, hi))
