"""The "Lanes & memory" panel: the build's lane map and DIMM population, drawn as on the build sheet.

The drawing is export/lane_drawing.py's (the same bands the PDF places), measured at a resolution where its body
text is the window's font size, on a white ground like the paper. It follows the build: every new analysis redraws
it, and while the panel is out of sight (tabbed behind Checks) it redraws when it comes into view.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSize, Qt
from PySide6.QtGui import QColor, QFontInfo, QPainter
from PySide6.QtWidgets import QFrame, QScrollArea, QVBoxLayout, QWidget

from configurator.export import pdf_layout
from configurator.export.lane_diagram import LaneDiagram, lane_diagram
from configurator.export.lane_drawing import Band, bands, paint_ops, total_height
from configurator.export.pdf import register_fonts
from configurator.ui.lazy import RefreshWhenShown

MARGIN_PX = 8
BODY_PT = pdf_layout.STYLES["dg"][0]  # the drawing's body text size on paper (points)
MIN_WIDTH_PX = 300  # below this the channel tiles and slot names wrap past reading


class LaneCanvas(QWidget):
    """Paints a LaneDiagram at its own width; grows to the height the drawing takes."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("lanes-canvas")
        self.diagram: LaneDiagram | None = None
        self.bands: list[Band] = []
        self.metrics = None
        self._laid_for: tuple = ()
        self.setMinimumWidth(MIN_WIDTH_PX)
        register_fonts()  # DejaVu Sans, as on paper

    def set_diagram(self, diagram: LaneDiagram) -> None:
        if diagram == self.diagram:  # a workload change (a slider drag) leaves the drawing as it is
            return
        self.diagram = diagram
        self._laid_for = ()
        self._lay_out()
        self.update()

    def texts(self) -> list[str]:
        """Every string drawn now (tests read what is on screen)."""
        return [op.text for band in self.bands for op in band.ops if op.kind == "text" and op.text]

    def _dpi(self) -> float:
        """The resolution at which the drawing's body text is the window's font size."""
        return 72.0 * QFontInfo(self.font()).pixelSize() / BODY_PT

    def _lay_out(self) -> None:
        if self.diagram is None:
            return
        width = max(MIN_WIDTH_PX, self.width()) - 2 * MARGIN_PX
        dpi = self._dpi()
        key = (id(self.diagram), width, dpi)
        if key == self._laid_for:
            return
        self._laid_for = key
        if self.metrics is None or self.metrics.dpi != dpi:
            self.metrics = pdf_layout.Layout(dpi)  # fonts and their metrics at this resolution
        self.bands = bands(self.diagram, self.metrics, width)
        self.setMinimumHeight(round(total_height(self.bands)) + 2 * MARGIN_PX)

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self._lay_out()

    def changeEvent(self, event) -> None:  # noqa: N802 - the font grows in visitor mode
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.ApplicationFontChange):
            self._laid_for = ()
            self._lay_out()
            self.update()

    def sizeHint(self) -> QSize:
        return QSize(MIN_WIDTH_PX, max(self.minimumHeight(), 200))

    def paintEvent(self, _event) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("white"))  # the drawing's colours are the paper's
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        y = float(MARGIN_PX)
        for band in self.bands:
            paint_ops(painter, band.ops, self.metrics, MARGIN_PX, y)
            y += band.height
        painter.end()


class LanesView(RefreshWhenShown, QWidget):
    def __init__(self, document, parent=None):
        super().__init__(parent)
        self.setObjectName("lanes")
        self.document = document
        self.canvas = LaneCanvas(self)
        self.scroll = QScrollArea(self)
        self.scroll.setObjectName("lanes-scroll")
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.scroll.setWidget(self.canvas)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.scroll)
        document.analysis_ready.connect(self.offer)  # out of sight: drawn when it comes into view
        self.show_build()

    def show_analysis(self, _analysis) -> None:
        self.show_build()

    def show_build(self) -> None:
        self.canvas.set_diagram(lane_diagram(self.document.build))

    def minimumSizeHint(self) -> QSize:
        return QSize(min(MIN_WIDTH_PX, 200), 120)
