"""The compare chart's texts never collide: tick labels, axis titles and the legend stay apart, the legend is
outside the curves' area, and everything stays inside the widget, at a small and a wide size and with the
presentation mode's larger font."""

from __future__ import annotations

import itertools

import pytest
from PySide6.QtCore import QRectF
from PySide6.QtGui import QFont, QImage, QPainter
from PySide6.QtWidgets import QApplication

from configurator.charts.compare_chart import CompareChart
from configurator.core.recommend.compare import compare_figures
from configurator.core.buildfile import load
from tests.unit.test_build_helpers import EXAMPLES

NAMES = ("ws-2x-rtxpro6000-maxq.json", "hgx-8x-h200.json", "hgx-8x-b200.json")
LONG = " with a long name a sales engineer typed at the booth"


@pytest.fixture(scope="module")
def named(catalog):
    """What the compare view plots: each build run as inference on one workload (the H200 example's)."""
    builds = [load(EXAMPLES / n, catalog) for n in NAMES]
    return [(b.name + LONG, compare_figures(b, catalog, builds[1].workload).inference) for b in builds]


def overlap(a: QRectF, b: QRectF) -> bool:
    """True when the rectangles share more than a hairline (0.5 px) in both directions."""
    r = a.intersected(b)
    return r.width() > 0.5 and r.height() > 0.5


def tick_text_rects(axis) -> list[QRectF]:
    """Scene rectangles of the tick labels pyqtgraph draws (full text height: it keeps 80% in its specs)."""
    image = QImage(8, 8, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    try:
        _, _, texts = axis.generateDrawSpecs(painter)
    finally:
        painter.end()
    out = []
    for rect, _flags, _text in texts:
        grow = rect.height() * 0.125  # back to the whole line height (0.8 -> 1.0)
        out.append(axis.mapRectToScene(rect.adjusted(0, -grow, 0, grow)))
    return out


def shown_chart(qtbot, named, width, height, font_scale=1.0):
    chart = CompareChart()
    qtbot.addWidget(chart)
    if font_scale != 1.0:
        font = QFont(chart.font())
        font.setPointSizeF(font.pointSizeF() * font_scale)
        chart.setFont(font)  # a FontChange, as presentation mode's application font gives
    chart.resize(width, height)
    chart.show()
    chart.show_analysis(named)
    for _ in range(3):
        QApplication.processEvents()
    return chart


@pytest.mark.parametrize("width,height,font_scale",
                         [(520, 300, 1.0), (700, 240, 1.0), (1100, 380, 1.0), (900, 420, 1.5)])
def test_no_text_collides_and_the_legend_is_outside_the_curves(qtbot, named, width, height, font_scale):
    chart = shown_chart(qtbot, named, width, height, font_scale)
    assert not chart.is_empty
    widget = QRectF(chart.rect())
    view = chart.plot.vb.sceneBoundingRect()
    legend = chart.legend.sceneBoundingRect()
    assert view.height() > 60 and view.width() > 200, "the curves keep a readable area"
    assert not overlap(legend, view), "the legend covers the curves"
    assert widget.contains(legend), "the legend is cut at the widget's edge"
    texts = []
    for name in ("left", "bottom"):
        axis = chart.plot.getAxis(name)
        ticks = tick_text_rects(axis)
        assert len(ticks) >= 3, f"{name} axis shows its values"
        title = axis.label.sceneBoundingRect()
        assert widget.contains(title), f"{name} axis title is cut"
        along = (title.height(), axis.sceneBoundingRect().height()) if name == "left" else \
            (title.width(), axis.sceneBoundingRect().width())
        assert along[0] <= along[1] + 1, f"{name} axis title is longer than its axis"
        for tick in ticks:
            assert widget.adjusted(-1, -1, 1, 1).contains(tick), f"{name} tick label is cut"
            assert not overlap(tick, title), f"{name} tick label collides with the axis title"
            assert not overlap(tick, legend)
        for a, b in itertools.combinations(ticks, 2):
            assert not overlap(a, b), f"{name} tick labels collide"
        texts.append(title)
    assert not overlap(legend, texts[1]), "the legend covers the users axis title"
    # every build is in the legend, numbered like the table, plus the "served" line
    labels = [label.text for _, label in chart.legend.items]
    assert [t.split(". ", 1)[0] for t in labels] == ["1", "2", "3", labels[-1].split(". ", 1)[0]]
    assert "served" in labels[-1] and len(labels) == 4
    # legend entries never overlap each other either
    entries = [label.sceneBoundingRect() for _, label in chart.legend.items]
    for a, b in itertools.combinations(entries, 2):
        assert not overlap(a, b)


def test_the_axes_grow_with_the_font(qtbot, named):
    small = shown_chart(qtbot, named, 900, 400)
    large = shown_chart(qtbot, named, 900, 400, font_scale=1.5)
    assert large.plot.getAxis("bottom").height() > small.plot.getAxis("bottom").height()
    assert large.plot.getAxis("left").width() > small.plot.getAxis("left").width()
