"""One chart rendered offscreen to PNG bytes at an exact pixel size (the quote PDF's sizing charts).

Rendering grabs the chart widget laid out at the requested size (antialiased), not pyqtgraph's exporters: the SVG exporter breaks on newer Qt, and the ImageExporter leaves out the
empty-state message, which is a QLabel over the chart.
"""

from __future__ import annotations

import os

from PySide6.QtCore import QBuffer, QByteArray, QCoreApplication, QEventLoop, QIODevice, Qt
from PySide6.QtWidgets import QApplication

from configurator.charts.registry import CHARTS, create_chart

CHART_TYPES = CHARTS  # the names a document may ask for


def _application() -> QApplication:
    """Widgets need a QApplication; a command-line export without one gets an offscreen one."""
    app = QApplication.instance()
    if app is None:
        if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
            os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        app = QApplication([])
    return app


def render_chart_png(name: str, analysis, width_px: int, height_px: int) -> bytes:
    """PNG bytes of the registry's chart ``name`` ('memory', 'throughput', ..., 'roi') for ``analysis``,
    exactly ``width_px`` x ``height_px`` pixels. A chart the analysis has no figures for shows its empty state."""
    if width_px < 1 or height_px < 1:
        raise ValueError("chart size must be at least 1 x 1 pixel")
    if name not in CHARTS:
        create_chart(name)  # raises the one-line ValueError naming the known charts
    _application()
    chart = create_chart(name)
    try:
        chart.apply_theme(False)  # paper is white, whatever the screen's colour scheme
        chart.setAntialiasing(True)
        chart.set_grid(True)
        # Shown but never on screen: Qt lays the view out at exactly this size (a hidden widget keeps
        # its resize pending and pyqtgraph would lay the plot out at the default size).
        chart.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen, True)
        chart.resize(width_px, height_px)
        chart.show()
        chart.show_analysis(analysis)
        # pyqtgraph lays out plots, axes and labels through posted events and queued signals.
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.ExcludeUserInputEvents)
        # grab(), not render(painter): render() paints the view's viewport over the empty-state overlay.
        image = chart.grab().toImage()
        if image.width() != width_px or image.height() != height_px:  # a high-DPI screen grabs more pixels
            image = image.scaled(width_px, height_px, Qt.AspectRatioMode.IgnoreAspectRatio,
                                 Qt.TransformationMode.SmoothTransformation)
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        image.save(buffer, "PNG")
        buffer.close()
        return bytes(data.data())
    finally:
        chart.close()
        chart.deleteLater()
