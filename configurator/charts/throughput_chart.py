"""Tokens/s against concurrent users (log users axis): per-user tokens/s (left axis) with its bandwidth
ceiling, aggregate tokens/s (right axis), the "10 feels slow, 30 feels fast" bands, and the build's users.
Users whose KV cache no longer fits are drawn dotted in red beyond a "memory limit" line."""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGraphicsItem

from configurator.core.sizing import EXPLANATIONS
from configurator.present import users_limit_label
from configurator.present.verdict import speed_point_label
from configurator.charts.base import PlotChart
from configurator.charts.chosen import chosen_users, inference_problem
from configurator.charts.style import (
    AGGREGATE, AXIS, CEILING, EXPECTED, FAST_BAND, MARKER, NO_FIT, SLOW_BAND, TEXT, Label, Marker, add_legend, nice_ceiling,
    pen, place_point_label, set_curve, tooltip,
)

SLOW_TOK_S = 10.0  # per user: reading speed feels slow below this
FAST_TOK_S = 30.0  # per user: feels fast above this
TIP = tooltip("Tokens/s vs concurrent users", EXPLANATIONS["throughput"])


def split_fit(y: np.ndarray, fits: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(y where it fits, y where it does not) with NaN gaps; the no-fit part also takes the fitting points
    next to it so the two lines join."""
    fit = np.where(fits, y, np.nan)
    over = np.where(fits, np.nan, y)
    after = np.flatnonzero(fits[:-1] & ~fits[1:])  # last fitting index before a no-fit run
    before = np.flatnonzero(~fits[:-1] & fits[1:]) + 1  # first fitting index after a no-fit run
    over[after] = y[after]
    over[before] = y[before]
    return fit, over


class ThroughputChart(PlotChart):
    name = "throughput"

    def __init__(self, parent=None):
        super().__init__(TIP, parent, log_x=True)
        p = self.plot
        p.setLogMode(x=True, y=False)
        p.setLabel("bottom", "Concurrent users")
        p.setLabel("left", "Tokens/s per user")
        p.getAxis("left").enableAutoSIPrefix(False)
        self.legend = add_legend(p, offset=(-6, 4))

        # Bands of per-user speed (view coordinates: users axis is log10, tokens/s linear).
        self.slow_band = pg.LinearRegionItem((0.0, SLOW_TOK_S), orientation="horizontal", movable=False,
                                             brush=pg.mkBrush(SLOW_BAND), pen=pg.mkPen(None))
        self.fast_band = pg.LinearRegionItem((FAST_TOK_S, 1e9), orientation="horizontal", movable=False,
                                             brush=pg.mkBrush(FAST_BAND), pen=pg.mkPen(None))
        for band in (self.slow_band, self.fast_band):
            band.setZValue(-20)
            p.addItem(band, ignoreBounds=True)
        self.slow_line = pg.InfiniteLine(SLOW_TOK_S, angle=0, movable=False, pen=pen(NO_FIT, 1, Qt.PenStyle.DashLine),
                                         label="10 tok/s: feels slow", labelOpts={"position": 0.02, "color": TEXT,
                                                                                  "anchors": [(0, 1), (0, 1)]})
        self.fast_line = pg.InfiniteLine(FAST_TOK_S, angle=0, movable=False, pen=pen("#2e7d32", 1, Qt.PenStyle.DashLine),
                                         label="30 tok/s: feels fast", labelOpts={"position": 0.02, "color": TEXT,
                                                                                  "anchors": [(0, 1), (0, 1)]})
        for line in (self.slow_line, self.fast_line):
            line.label.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
            p.addItem(line, ignoreBounds=True)
        self.limit_line = pg.InfiniteLine(0.0, angle=90, movable=False, pen=pen(NO_FIT, 1, Qt.PenStyle.DashLine),
                                          label="memory limit", labelOpts={"position": 0.5, "color": NO_FIT,
                                                                           "rotateAxis": (1, 0)})
        p.addItem(self.limit_line, ignoreBounds=True)

        self.ceiling = p.plot(pen=pen(CEILING, 1.5, Qt.PenStyle.DashLine), name="Per user, bandwidth ceiling")
        self.per_user = p.plot(pen=pen(EXPECTED, 2.5), connect="finite", name="Per user, expected")
        self.per_user_no_fit = p.plot(pen=pen(NO_FIT, 2, Qt.PenStyle.DotLine), connect="finite",
                                      name="Does not fit in memory")
        self.marker = Marker(log_x=True)
        p.addItem(self.marker, ignoreBounds=True)
        self.point_label = Label(MARKER, bold=True)  # the figure at the build's own users, on the chart
        p.addItem(self.point_label, ignoreBounds=True)

        # Aggregate tokens/s on a second view box with its own (right) axis, sharing the users axis.
        self.agg_view = pg.ViewBox(enableMouse=False)
        self.agg_view.setMenuEnabled(False)
        p.showAxis("right")
        right = p.getAxis("right")
        right.setLabel("Aggregate tokens/s", color=AGGREGATE)
        right.enableAutoSIPrefix(False)
        right.setPen(pg.mkPen(AXIS))
        right.setTextPen(pg.mkPen(AGGREGATE))
        p.scene().addItem(self.agg_view)
        right.linkToView(self.agg_view)
        self.agg_view.setXLink(p.vb)
        self.agg_view.disableAutoRange()
        self.aggregate = pg.PlotDataItem(pen=pen(AGGREGATE, 2.5), connect="finite")
        self.aggregate_no_fit = pg.PlotDataItem(pen=pen(AGGREGATE, 2, Qt.PenStyle.DotLine), connect="finite")
        for item in (self.aggregate, self.aggregate_no_fit):
            item.setLogMode(True, False)
            self.agg_view.addItem(item)
        self.agg_marker = Marker(AGGREGATE, 9, log_x=True)
        self.agg_view.addItem(self.agg_marker, ignoreBounds=True)
        self.legend.addItem(self.aggregate, "Aggregate (right axis)")
        p.vb.sigResized.connect(self._sync_views)
        self._sync_views()
        self.users = 0
        self.max_fit_users = 0

    def _sync_views(self, *_):
        self.agg_view.setGeometry(self.plot.vb.sceneBoundingRect())
        self.agg_view.linkedViewChanged(self.plot.vb, self.agg_view.XAxis)

    def problem(self, analysis) -> str | None:
        return inference_problem(analysis)

    def update_figures(self, analysis) -> None:
        inf = analysis.inference
        d = inf.decode
        users_axis = d.users
        per_user = d.per_user_tokens_per_s[:, 0]
        aggregate = d.aggregate_tokens_per_s[:, 0]
        fits = d.fits[:, 0]
        fit, no_fit = split_fit(per_user, fits)
        set_curve(self.ceiling, users_axis, d.ceiling_tokens_per_s[:, 0])
        set_curve(self.per_user, users_axis, fit)
        set_curve(self.per_user_no_fit, users_axis, no_fit)
        agg_fit, agg_no_fit = split_fit(aggregate, fits)
        set_curve(self.aggregate, users_axis, agg_fit)
        set_curve(self.aggregate_no_fit, users_axis, agg_no_fit)

        users = chosen_users(analysis)
        r = inf.result
        self.users = users
        self.marker.set_point(users, r.per_user_tokens_per_s)
        self.marker.set_color(MARKER if r.fits else NO_FIT)  # the chosen users do not fit: a red dot
        self.agg_marker.set_point(users, r.aggregate_tokens_per_s)

        # Memory limit: between the last user count that fits and the first that does not.
        max_fit = int(users_axis[fits].max()) if fits.any() else 0
        self.max_fit_users = max_fit
        limit_visible = not bool(fits.all())
        self.limit_line.setVisible(limit_visible)
        if limit_visible:
            x = math.log10(max(max_fit, 1) + 0.5)
            if self.limit_line.value() != x:
                self.limit_line.setValue(x)
                self.limit_line.label.setFormat(users_limit_label(max_fit))

        top_x = max(float(users_axis[-1]), float(users))
        place_point_label(self.point_label, speed_point_label(r.per_user_tokens_per_s, users), self.marker,
                          (0.0, math.log10(top_x)))
        self.set_range(self.plot.vb, x=(0.0, math.log10(top_x)),
                       y=(0.0, nice_ceiling(max(float(np.nanmax(d.ceiling_tokens_per_s)), 35.0) * 1.1)))
        self.set_range(self.agg_view, y=(0.0, nice_ceiling(float(np.nanmax(aggregate)) * 1.1)))
