"""Training against GPU count (log GPU axis), two plots sharing the axis: time to train (hours or days, log
scale; counts where the model does not fit in memory dotted red) and the all-reduce share of a step (with
the part the backward pass cannot hide). The build's GPU count is marked on both."""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt

from configurator.core.sizing import EXPLANATIONS
from configurator.charts.base import ChartState
from configurator.charts.chosen import chosen_gpus, training_problem
from configurator.charts.style import (
    AGGREGATE, BACKGROUND, EXPECTED, MARKER, NO_FIT, Label, Marker, add_legend, log_axis, log_span, pen, place_point_label,
    set_curve, style_plot, tooltip,
)
from configurator.charts.throughput_chart import split_fit
from configurator.present.verdict import training_point_label

HOUR_S = 3600.0
DAY_S = 86400.0
TIP = tooltip("Training vs GPU count", EXPLANATIONS["training_time"], EXPLANATIONS["allreduce"])


class TrainingChart(ChartState, pg.GraphicsLayoutWidget):
    name = "training"

    def __init__(self, parent=None):
        super().__init__(parent=parent, show=False, border=None)
        self.setBackground(BACKGROUND)
        self.time_plot = self.addPlot(row=0, col=0, axisItems={"bottom": log_axis("bottom"), "left": log_axis("left")})
        self.share_plot = self.addPlot(row=1, col=0, axisItems={"bottom": log_axis("bottom")})
        for p in (self.time_plot, self.share_plot):
            style_plot(p)
        t, s = self.time_plot, self.share_plot
        t.setLogMode(x=True, y=True)
        s.setLogMode(x=True, y=False)
        s.setXLink(t)
        t.setLabel("left", "Time to train (days)")
        t.getAxis("bottom").setStyle(showValues=False)
        s.setLabel("bottom", "GPUs")
        s.setLabel("left", "All-reduce share (%)")
        self.time_legend = add_legend(t, offset=(-6, 4))
        self.time_curve = t.plot(pen=pen(EXPECTED, 2.5), connect="finite", name="Time to train")
        self.time_no_fit = t.plot(pen=pen(NO_FIT, 2, Qt.PenStyle.DotLine), connect="finite",
                                  name="Does not fit in memory")
        self.time_marker = Marker(log_x=True, log_y=True)
        t.addItem(self.time_marker, ignoreBounds=True)
        self.point_label = Label(MARKER, bold=True)
        t.addItem(self.point_label, ignoreBounds=True)
        self.share_legend = add_legend(s, offset=(6, 4))
        self.share_curve = s.plot(pen=pen(AGGREGATE, 2.5), name="All-reduce / (compute + all-reduce)")
        self.exposed_curve = s.plot(pen=pen(AGGREGATE, 1.5, Qt.PenStyle.DashLine),
                                    name="Not hidden behind backward")
        self.share_marker = Marker(log_x=True)
        s.addItem(self.share_marker, ignoreBounds=True)
        self.gpu_line = pg.InfiniteLine(0.0, angle=90, movable=False, pen=pen(MARKER, 1, Qt.PenStyle.DashLine))
        t.addItem(self.gpu_line, ignoreBounds=True)
        self.time_unit_s = DAY_S
        self.gpus = 0
        self._init_chart(TIP)

    def plot_items(self) -> list[pg.PlotItem]:
        return [self.time_plot, self.share_plot]

    def problem(self, analysis) -> str | None:
        return training_problem(analysis)

    def update_figures(self, analysis) -> None:
        tr = analysis.training
        sw = tr.sweep
        unit = HOUR_S if tr.result.train_time_s < 2 * DAY_S else DAY_S
        if unit != self.time_unit_s:
            self.time_unit_s = unit
            self.time_plot.setLabel("left", "Time to train (hours)" if unit == HOUR_S else "Time to train (days)")
        time = sw.train_time_s / unit
        fits = np.asarray(sw.fits, dtype=bool)
        fit, no_fit = split_fit(time, fits)
        set_curve(self.time_curve, sw.gpus, fit)
        set_curve(self.time_no_fit, sw.gpus, no_fit)
        set_curve(self.share_curve, sw.gpus, sw.allreduce_share * 100.0)
        set_curve(self.exposed_curve, sw.gpus, sw.exposed_share * 100.0)
        gpus = chosen_gpus(analysis)
        self.gpus = gpus
        self.time_marker.set_point(gpus, tr.result.train_time_s / unit)
        self.share_marker.set_point(gpus, tr.result.allreduce_share * 100.0)
        self.gpu_line.setValue(math.log10(gpus))
        x = (0.0, math.log10(max(float(sw.gpus[-1]), gpus)))
        place_point_label(self.point_label, training_point_label(tr.result.train_time_s, gpus), self.time_marker, x)
        self.set_range(self.time_plot.vb, x=x, y=log_span(float(np.min(time)), float(np.max(time))))
        self.set_range(self.share_plot.vb, y=(0.0, 100.0))
