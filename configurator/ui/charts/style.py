"""Colours, pens and small helpers every chart shares (one place, so the quote PDF and the window match).

Charts draw on white (they also go into the printed quote); antialiasing stays off in the window for speed
and is switched on only when a chart is rendered to an image.
"""

from __future__ import annotations

import html
import math

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

BACKGROUND = "w"
TEXT = "#333333"
AXIS = "#666666"
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

GB = 1e9  # decimal gigabytes, as marketed and as the sizing core reports capacity


def pen(color, width: float = 2.0, style: Qt.PenStyle = Qt.PenStyle.SolidLine):
    return pg.mkPen(color=color, width=width, style=style)


def style_plot(plot: pg.PlotItem) -> None:
    """Readable axes on a white background, no mouse panning (a touch screen must not scroll a chart away)."""
    for name in ("left", "bottom", "right", "top"):
        axis = plot.getAxis(name)
        axis.setPen(pg.mkPen(AXIS))
        axis.setTextPen(pg.mkPen(TEXT))
    plot.showGrid(x=True, y=True, alpha=GRID_ALPHA)
    plot.setMouseEnabled(x=False, y=False)
    plot.setMenuEnabled(False)
    plot.hideButtons()
    plot.vb.disableAutoRange()


def tooltip(title: str, *texts: str) -> str:
    """A "how this is computed" tooltip; rich text so Qt wraps it instead of drawing one very long line."""
    body = "".join(f"<p>{html.escape(t)}</p>" for t in texts)
    return f"<qt><b>{html.escape(title)}</b> — how this is computed{body}</qt>"


def nice_ceiling(value: float) -> float:
    """The next 1-2-2.5-5 x 10^k at or above ``value``: axis ends that change only when the data moves a lot,
    so the axes keep their cached ticks during a slider drag."""
    if not math.isfinite(value) or value <= 0:
        return 1.0
    exp = math.floor(math.log10(value))
    for step in (1.0, 2.0, 2.5, 5.0, 10.0):
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
