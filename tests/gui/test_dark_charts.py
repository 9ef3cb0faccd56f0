"""Dark mode: the charts take a dark ground with light axes and legend text; a chart printed for the PDF stays
light whatever the screen uses."""

from __future__ import annotations

from PySide6.QtGui import QColor, QImage
from pyqtgraph import mkColor

from configurator.charts.registry import create_chart
from configurator.charts.render import render_chart_png
from configurator.charts.style import BACKGROUND, DARK_BACKGROUND, DARK_TEXT, TEXT
from configurator.core.analysis import analyze
from configurator.core.buildfile import load
from tests.conftest import ROOT


def test_dark_and_light_themes_and_print_stays_light(qtbot, catalog):
    analysis = analyze(load(ROOT / "resources" / "examples" / "hgx-8x-h200.json", catalog), catalog)
    for name in ("memory", "throughput", "training", "roi"):
        chart = create_chart(name)
        qtbot.addWidget(chart)
        chart.apply_theme(True)
        assert chart.backgroundBrush().color() == QColor(DARK_BACKGROUND), name
        for plot in chart.plot_items():
            assert plot.getAxis("bottom").textPen().color() == QColor(DARK_TEXT), name
            if plot.legend is not None:
                assert QColor(plot.legend.opts["labelTextColor"].color() if hasattr(
                    plot.legend.opts["labelTextColor"], "color") else plot.legend.opts["labelTextColor"]) \
                    == QColor(DARK_TEXT), name
        chart.apply_theme(False)
        assert chart.backgroundBrush().color() == mkColor(BACKGROUND)
        assert chart.plot_items()[0].getAxis("bottom").textPen().color() == QColor(TEXT)
    image = QImage.fromData(render_chart_png("throughput", analysis, 400, 300))
    assert image.pixelColor(2, 2) == QColor("white")  # the printed image: a white page
