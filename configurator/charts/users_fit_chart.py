"""Users that fit against context length (log context axis): the most concurrent users whose KV cache fits
next to the weights, with the build's context and users marked."""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt

from configurator.core.sizing import EXPLANATIONS
from configurator.present import users_fit_label
from configurator.charts.base import PlotChart
from configurator.charts.chosen import chosen_context, chosen_users, inference_problem
from configurator.charts.style import (
    EXPECTED, MARKER, NO_FIT, OK, Label, Marker, nice_ceiling, pen, place_point_label, set_curve, tooltip,
)

TIP = tooltip("Users that fit vs context length", EXPLANATIONS["users_fit"])


class UsersFitChart(PlotChart):
    name = "users_fit"

    def __init__(self, parent=None):
        super().__init__(TIP, parent, log_x=True)
        p = self.plot
        p.setLogMode(x=True, y=False)
        p.setLabel("bottom", "Context length per user (tokens)")
        p.setLabel("left", "Concurrent users that fit")
        p.getAxis("left").enableAutoSIPrefix(False)
        p.getAxis("bottom").enableAutoSIPrefix(False)
        self.curve = p.plot(pen=pen(EXPECTED, 2.5))
        # The build's users across the chart: a two-point curve, not an InfiniteLine, which recomputes its
        # extent while painting and so paints the chart twice whenever the range changes.
        self.users_line = pg.PlotDataItem(pen=pen(MARKER, 1, Qt.PenStyle.DashLine))
        p.addItem(self.users_line, ignoreBounds=True)
        self.marker = Marker(log_x=True)
        p.addItem(self.marker, ignoreBounds=True)
        self.marker_label = Label(MARKER, anchor=(0.0, 1.0))
        p.addItem(self.marker_label, ignoreBounds=True)
        self.users = 0
        self._label = ""

    def problem(self, analysis) -> str | None:
        return inference_problem(analysis)

    def update_figures(self, analysis) -> None:
        inf = analysis.inference
        uf = inf.users_fit
        set_curve(self.curve, uf.contexts, uf.max_users)
        users = chosen_users(analysis)
        fit_at_context = inf.result.max_users_at_context
        self.marker.set_point(max(chosen_context(analysis), 1.0), fit_at_context)
        self.marker.set_color(OK if fit_at_context >= users else NO_FIT)
        context = chosen_context(analysis)
        self.users = users
        self.users_line.setData(uf.contexts[[0, -1]], np.array([users, users], dtype=float))
        label = users_fit_label(context, fit_at_context, users)
        self._label = label
        x = (math.log10(uf.contexts[0]), math.log10(uf.contexts[-1]))
        place_point_label(self.marker_label, label, self.marker, x)
        top = max(float(uf.max_users.max()), float(users), 1.0)
        self.set_range(self.plot.vb, x=x,
                       y=(0.0, nice_ceiling(top * 1.1)))
