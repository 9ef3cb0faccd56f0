"""What every chart shares: the empty state, the "how this is computed" tooltip, ranges that only move when
the data needs it, and the ``show_analysis(analysis)`` entry point.

A chart creates its plot items once; ``show_analysis`` only feeds them new arrays (``setData``/``setOpts``),
so a slider step costs a few setData calls and one repaint. Axis ranges are set by hand (no auto-range):
nice round ends that stay put while the data moves a little keep the axes' cached ticks valid.
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QLabel

from configurator.charts.style import (
    AXIS, BACKGROUND, DARK_AXIS, DARK_BACKGROUND, DARK_TEXT, GRID_ALPHA, TEXT, log_axis, style_plot, system_is_dark,
)

NO_ANALYSIS = "Nothing to chart yet."


class EmptyOverlay(QLabel):
    """The message a chart shows instead of figures (the sizing problem), laid over the whole chart."""

    def __init__(self, view):
        super().__init__(view)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setWordWrap(True)
        self.setMargin(16)
        self.setStyleSheet(f"color: {TEXT}; background: white; font-size: 11pt;")
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents, False)
        self.hide()
        view.installEventFilter(self)
        self.setGeometry(view.rect())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize:
            self.setGeometry(watched.rect())
        return False


class ChartState:
    """Mixed into a pyqtgraph view (PlotWidget or GraphicsLayoutWidget); call ``_init_chart`` from __init__.

    Subclasses implement ``problem(analysis)`` (a message when there is nothing for this chart, else None),
    ``update_figures(analysis)`` and ``plot_items()`` (the PlotItems to hide in the empty state).
    """

    name = ""

    def _init_chart(self, tip: str) -> None:
        self.setToolTip(tip)
        self.empty = EmptyOverlay(self)
        self._ranges: dict[int, tuple] = {}
        self.analysis = None
        self.set_empty(NO_ANALYSIS)
        self.dark = False
        self.apply_theme(system_is_dark())

    # -- entry point -------------------------------------------------------------------------------
    def show_analysis(self, analysis) -> None:
        self.analysis = analysis
        problem = NO_ANALYSIS if analysis is None else self.problem(analysis)
        if problem:
            self.set_empty(problem)
            return
        self.update_figures(analysis)
        self.set_empty(None)

    def problem(self, analysis) -> str | None:  # pragma: no cover - abstract
        raise NotImplementedError

    def update_figures(self, analysis) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def plot_items(self) -> list[pg.PlotItem]:  # pragma: no cover - abstract
        raise NotImplementedError

    # -- empty state -------------------------------------------------------------------------------
    @property
    def is_empty(self) -> bool:
        return not self.empty.isHidden()

    def empty_text(self) -> str:
        return self.empty.text() if self.is_empty else ""

    def set_empty(self, text: str | None) -> None:
        """Show ``text`` over the chart (an opaque overlay: the plots stay laid out underneath), or hide it."""
        if text is None:
            if self.is_empty:
                self.empty.hide()
            return
        if self.empty.text() != text:
            self.empty.setText(text)
        if not self.is_empty:
            self.empty.show()
            self.empty.raise_()

    def apply_theme(self, dark: bool, force: bool = False) -> None:
        """Light or dark ground, axes and legend text (the window follows the system; print stays light)."""
        if getattr(self, "dark", None) == dark and not force:
            return
        self.dark = dark
        ground, text, axis = (DARK_BACKGROUND, DARK_TEXT, DARK_AXIS) if dark else (BACKGROUND, TEXT, AXIS)
        self.setBackground(ground)
        for plot in self.plot_items():
            for name in ("left", "bottom", "right", "top"):
                ax = plot.getAxis(name)
                ax.setPen(pg.mkPen(axis))
                ax.setTextPen(pg.mkPen(text))
                ax.picture = None  # re-render the cached axis in the new colours
                ax.update()
            legend = getattr(plot, "legend", None)
            if legend is not None:
                legend.setLabelTextColor(text)
        css_ground = DARK_BACKGROUND if dark else "white"  # a style sheet colour (pyqtgraph's "w" is not one)
        self.empty.setStyleSheet(f"color: {text}; background: {css_ground}; font-size: 11pt;")

    def set_grid(self, on: bool) -> None:
        """Grid lines (off in the window for speed, on in printed images)."""
        for plot in self.plot_items():
            plot.showGrid(x=on, y=on, alpha=GRID_ALPHA if on else 0.0)

    # -- ranges ------------------------------------------------------------------------------------
    def set_range(self, vb: pg.ViewBox, x: tuple[float, float] | None = None,
                  y: tuple[float, float] | None = None) -> None:
        """Set the view range only when it changed (in view coordinates: log10 on log axes)."""
        key = (x, y)
        if self._ranges.get(id(vb)) == key:
            return
        self._ranges[id(vb)] = key
        vb.setRange(xRange=x, yRange=y, padding=0.0, update=True)


class PlotChart(ChartState, pg.PlotWidget):
    """A chart with one plot."""

    def __init__(self, tip: str, parent=None, log_x: bool = False, log_y: bool = False):
        axes = {}
        if log_x:
            axes["bottom"] = log_axis("bottom")
        if log_y:
            axes["left"] = log_axis("left")
        super().__init__(parent=parent, background=BACKGROUND, axisItems=axes)
        self.plot = self.getPlotItem()
        style_plot(self.plot)
        self._init_chart(tip)

    def plot_items(self) -> list[pg.PlotItem]:
        return [self.plot]
