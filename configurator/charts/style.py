"""Colours, pens and small helpers every chart shares (one place, so the quote PDF and the window match).

Charts draw on white (they also go into the printed quote); antialiasing stays off in the window for speed
and is switched on only when a chart is rendered to an image.
"""

from __future__ import annotations

import html
import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF
from PySide6.QtWidgets import QGraphicsEllipseItem, QGraphicsItem

BACKGROUND = "w"
TEXT = "#333333"
AXIS = "#666666"
# Dark colour scheme (the system's, through Qt's style hints): the same roles on a dark ground. Printed images
# (the PDF) always use the light ones: paper is white.
DARK_BACKGROUND = "#202124"
DARK_TEXT = "#e0e0e0"
DARK_AXIS = "#a0a0a0"


def system_is_dark() -> bool:
    """Whether the desktop asks for a dark colour scheme (Qt 6.5+ style hints; unknown reads as light)."""
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication.instance()
    return app is not None and app.styleHints().colorScheme() == Qt.ColorScheme.Dark
GRID_ALPHA = 0.15

EXPECTED = "#1f6fb4"  # blue: the expected figure
AGGREGATE = "#e07b00"  # orange: aggregate over all users
CEILING = "#7a7a7a"  # grey dashed: the ideal ceiling
MARKER = "#111111"  # the build's own point
NO_FIT = "#c0392b"  # red: does not fit in memory
OK = "#2e7d32"  # green: fits
SLOW_BAND = QColor(192, 57, 43, 28)  # below 10 tok/s per user: feels slow
FAST_BAND = QColor(46, 125, 50, 28)  # above 30 tok/s per user: feels fast

# Memory segments: name, label, colour (stacked left to right in this order).
MEMORY_SEGMENTS = (
    ("weights", "Weights", "#1f6fb4"),
    ("kv_cache", "KV cache", "#2ca58d"),
    ("activations", "Activations", "#f2a541"),
    ("gradients", "Gradients", "#8e6cbf"),
    ("optimizer", "Optimizer", "#d1495b"),
    ("reserve", "Reserve", "#a0a0a0"),
)

AXIS_WIDTH_PX = 62  # room for a label and ticks like '12,000'
AXIS_HEIGHT_PX = 40



def pen(color, width: float = 2.0, style: Qt.PenStyle = Qt.PenStyle.SolidLine):
    return pg.mkPen(color=color, width=width, style=style)


def style_plot(plot: pg.PlotItem) -> None:
    """Readable axes on a white background, no mouse panning (a touch screen must not scroll a chart away).

    Axes are cached as pixmaps: they only change when the range does, and replaying their text on every
    repaint was the largest cost of a live update. No grid in the window (pyqtgraph draws grid lines as part
    of the axis, across the whole plot, and that doubled the repaint time); images for print get one."""
    for name in ("left", "bottom", "right", "top"):
        axis = plot.getAxis(name)
        axis.setPen(pg.mkPen(AXIS))
        axis.setTextPen(pg.mkPen(TEXT))
        axis.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
    # Fixed axis sizes: an axis that fits itself to its tick labels relayouts the plot (and repaints it a
    # second time) whenever a label gets a digit longer.
    for name in ("left", "right"):
        plot.getAxis(name).setWidth(AXIS_WIDTH_PX)
    for name in ("bottom", "top"):
        plot.getAxis(name).setHeight(AXIS_HEIGHT_PX)
    plot.setMouseEnabled(x=False, y=False)
    plot.setMenuEnabled(False)
    plot.hideButtons()
    plot.vb.disableAutoRange()


def add_legend(plot: pg.PlotItem, offset=None, columns: int = 2, **kwargs) -> pg.LegendItem:
    """The plot's legend in a row above the plot (in the title's place), never over the curves: named items
    added to the plot join it. ``offset`` is accepted for callers of the old in-plot legend and ignored."""
    legend = pg.LegendItem(colCount=columns, labelTextSize="8pt", labelTextColor=TEXT, horSpacing=10,
                           verSpacing=-6, **kwargs)
    plot.layout.removeItem(plot.titleLabel)
    plot.titleLabel.hide()
    plot.layout.addItem(legend, 0, 1)
    plot.legend = legend  # PlotItem.addItem(name=...) adds to plot.legend
    legend.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)  # static: drawn once, then blitted
    return legend


def tooltip(title: str, *texts: str) -> str:
    """A "how this is computed" tooltip; rich text so Qt wraps it instead of drawing one very long line."""
    body = "".join(f"<p>{html.escape(t)}</p>" for t in texts)
    return f"<qt><b>{html.escape(title)}</b> — how this is computed{body}</qt>"


def nice_ceiling(value: float) -> float:
    """The next 1-1.2-1.5-2-2.5-3-4-5-6-8 x 10^k at or above ``value``: axis ends that change only when the data moves a lot,
    so the axes keep their cached ticks during a slider drag."""
    if not math.isfinite(value) or value <= 0:
        return 1.0
    exp = math.floor(math.log10(value))
    for step in (1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0):
        top = step * 10.0 ** exp
        if top >= value * (1 - 1e-9):
            return top
    return 10.0 ** (exp + 1)


def log_span(lo: float, hi: float) -> tuple[float, float]:
    """Whole decades around [lo, hi] in log10 units, for log axes."""
    lo = max(lo, 1e-12)
    hi = max(hi, lo)
    a, b = math.floor(math.log10(lo)), math.ceil(math.log10(hi))
    if b <= a:
        b = a + 1
    return float(a), float(b)


def compact_number(value: float) -> str:
    """1, 20, 500, 1k, 128k, 2M, 0.05: tick labels a visitor reads at a glance."""
    v = float(f"{value:.3g}")
    for div, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if abs(v) >= div:
            return f"{v / div:g}{suffix}"
    return f"{v:g}"


class LogAxis(pg.AxisItem):
    """A log axis labelled 1, 2, 5, 10, 20, 50, ... in plain numbers (pyqtgraph writes 2·10¹)."""

    def logTickValues(self, minVal, maxVal, size, stdTicks):
        lo, hi = math.floor(minVal), math.ceil(maxVal)
        decades = [float(d) for d in range(lo, hi + 1) if minVal - 1e-9 <= d <= maxVal + 1e-9]
        between = [d + math.log10(m) for d in range(lo, hi + 1) for m in (2, 5)]
        between = [v for v in between if minVal <= v <= maxVal]
        if len(decades) > 4:  # many decades: label every decade only
            return [(None, decades), (None, [])]
        return [(None, decades), (None, between)]

    def logTickStrings(self, values, scale, spacing):
        return [compact_number(10.0 ** v * scale) for v in values]


def log_axis(orientation: str) -> LogAxis:
    axis = LogAxis(orientation)
    axis.setPen(pg.mkPen(AXIS))
    axis.setTextPen(pg.mkPen(TEXT))
    axis.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
    return axis


class Marker(QGraphicsEllipseItem):
    """The build's own point: a dot of fixed pixel size. Moving it is one setPos (a scatter item rebuilds
    its spots on every setData, which costs more than the rest of a slider step).

    ``xData``/``yData`` keep the point as given (before the log transform), like PlotDataItem's."""

    def __init__(self, color=MARKER, size_px: float = 11.0, log_x: bool = False, log_y: bool = False):
        r = size_px / 2.0
        super().__init__(-r, -r, 2 * r, 2 * r)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations, True)
        self.setPen(pg.mkPen("w", width=1.5))
        self.setBrush(pg.mkBrush(color))
        self.setZValue(20)
        self.log_x, self.log_y = log_x, log_y
        self.xData = np.array([np.nan])
        self.yData = np.array([np.nan])

    def set_point(self, x: float, y: float) -> None:
        self.xData = np.array([float(x)])
        self.yData = np.array([float(y)])
        vx = math.log10(x) if self.log_x else x
        vy = math.log10(y) if self.log_y else y
        ok = math.isfinite(vx) and math.isfinite(vy)
        self.setVisible(ok)
        if ok:
            self.setPos(vx, vy)

    def set_color(self, color) -> None:
        if self.brush().color() != QColor(color):
            self.setBrush(pg.mkBrush(color))


def set_curve(item: pg.PlotDataItem, x: np.ndarray, y: np.ndarray) -> bool:
    """``item.setData(x, y)`` unless it already holds exactly these arrays (a slider step leaves most curves
    as they are; setData would still rebuild the path and re-emit the bounds). True if it changed."""
    old_x, old_y = item.xData, item.yData
    if (old_x is not None and old_y is not None and old_x.shape == x.shape and old_y.shape == y.shape
            and np.array_equal(old_x, x) and np.array_equal(old_y, y, equal_nan=True)):
        return False
    item.setData(x, y)
    return True


class Label(QGraphicsItem):
    """Text pinned to a point of the plot at a fixed pixel size, anchored like pyqtgraph's TextItem.

    pyqtgraph's TextItem recomputes its transform while the scene prepares to paint, so a view-range change
    repaints the whole chart a second time; this item ignores the view transform instead (one setPos)."""

    def __init__(self, color=TEXT, anchor=(0.0, 1.0), bold: bool = False, size_pt: float = 9.0):
        super().__init__()
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations, True)
        self.setZValue(30)
        self._font = QFont()
        self._font.setPointSizeF(size_pt)
        self._font.setBold(bold)
        self._metrics = QFontMetricsF(self._font)
        self._color = QColor(color)
        self._anchor = anchor
        self._text = ""
        self._rect = QRectF()

    def text(self) -> str:
        return self._text

    def setText(self, text: str) -> None:
        if text == self._text:
            return
        self.prepareGeometryChange()
        self._text = text
        w, h = self._metrics.horizontalAdvance(text) + 4.0, self._metrics.height()
        self._rect = QRectF(-self._anchor[0] * w, -self._anchor[1] * h, w, h)
        self.update()

    def setColor(self, color) -> None:
        color = QColor(color)
        if color != self._color:
            self._color = color
            self.update()

    def boundingRect(self) -> QRectF:
        return self._rect

    def paint(self, painter, option, widget=None) -> None:
        painter.setFont(self._font)
        painter.setPen(self._color)
        painter.drawText(self._rect, int(Qt.AlignmentFlag.AlignCenter), self._text)


def place_point_label(label: Label, text: str, marker: Marker, x_span: tuple[float, float]) -> None:
    """Print the build's own figure next to its marker: above it, to the right in the left part of the
    chart and to the left in the right part, so the text stays inside the plot."""
    label.setText(text)
    label.setVisible(marker.isVisible())
    if not marker.isVisible():
        return
    lo, hi = x_span
    right_half = hi > lo and (marker.pos().x() - lo) / (hi - lo) > 0.55
    anchor = (1.04, 1.25) if right_half else (-0.04, 1.25)
    if label._anchor != anchor:  # noqa: SLF001 - Label is ours
        label.prepareGeometryChange()
        label._anchor = anchor
        label._text = ""  # re-measure the rect with the new anchor
        label.setText(text)
    label.setPos(marker.pos())
