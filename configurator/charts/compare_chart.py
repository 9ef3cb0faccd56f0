"""Per-user tokens/s against concurrent users for up to three builds overlaid (the compare view).

Follows the chart contract with a comparison as its subject: ``show_analysis([(name, analysis), ...])``
plots each analysis' decode sweep where the build fits; with no inference figure in any of them it shows
why instead.

Nothing is written over the curves: the legend (the builds, numbered like the table's columns, and the
"served" speed line) sits in its own row under the users axis, and the axes are sized from the font in use
(presentation mode enlarges it) so tick labels and axis titles never overlap. Each build has its own colour
and its own dash pattern, so the curves stay apart in grey print and for colour-blind readers.
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QFont, QFontMetricsF
from PySide6.QtWidgets import QGraphicsItem

from configurator.charts.base import PlotChart
from configurator.charts.style import CEILING, TEXT, nice_ceiling, pen
from configurator.core.recommend.compare import SERVED_MIN_TOKENS_PER_S
from configurator.present import compare_header, tokens_per_s

COLOURS = ("#1f6fb4", "#e07b00", "#2e7d32")
DASHES = (Qt.PenStyle.SolidLine, Qt.PenStyle.DashLine, Qt.PenStyle.DashDotLine)
NO_CURVE = "No build in the comparison has inference figures to plot."
X_RANGE = (-0.04, 2.75)  # log10 of 1 to 512 users (the core's decode sweep), with room for the end labels
LEGEND_ROW = 4  # PlotItem layout: 0 title, 1 top axis, 2 view, 3 bottom axis; the legend goes under it
LEGEND_MARGIN_PX = 24  # the legend's own frame and offsets
LEGEND_MIN_ENTRY_PX = 220  # narrowest legend column worth having: "1. 2x RTX PRO 6000 Max-Q…" still reads
MIN_HEIGHT_PX = 240  # the curves' area stays taller than the rotated axis title under a two-row legend
LEGEND_SCALE = 0.9  # legend text relative to the axis text
LABEL_PADDING_PX = 12  # a legend text item's margins around its text
SAMPLE_PX = 20  # a legend sample's width (pyqtgraph's ItemSample)
LEGEND_GAP_PX = 18  # between legend columns
TITLE_NUDGE_PX = 5  # pyqtgraph's offset of an axis title outside its axis
# Room the axis texts need, from the font in use (px): gaps between tick labels and the axis title.
TICK_GAP_PX = 4
WIDEST_TICK = "0,000"  # per-user speeds stay below 10,000 tok/s


def served_label() -> str:
    return f"{tokens_per_s(SERVED_MIN_TOKENS_PER_S)} per user: a user is served"


class CompareChart(PlotChart):
    name = "compare"

    def __init__(self, parent=None):
        super().__init__("Per-user decode speed of each build at 1 to 512 concurrent users, where it fits in memory.",
                         parent, log_x=True)
        p = self.plot
        p.setLabel("bottom", "Concurrent users")
        p.setLabel("left", "Tokens/s per user")
        p.getAxis("left").enableAutoSIPrefix(False)
        p.setLogMode(x=True, y=False)
        self.legend = pg.LegendItem(colCount=1, labelTextSize="8pt", labelTextColor=TEXT, horSpacing=LEGEND_GAP_PX)
        p.layout.addItem(self.legend, LEGEND_ROW, 1)  # its own row: never over the curves
        # pyqtgraph draws the users-axis title 5 px below its axis item: keep that much clear above the legend
        p.layout.setRowSpacing(LEGEND_ROW - 1, TITLE_NUDGE_PX + 2)
        self.legend.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.curves = [p.plot([], [], pen=pen(c, 2.5, d)) for c, d in zip(COLOURS, DASHES)]
        self.served_line = pg.InfiniteLine(SERVED_MIN_TOKENS_PER_S, angle=0, movable=False,
                                           pen=pen(CEILING, 1, Qt.PenStyle.DotLine))
        p.addItem(self.served_line, ignoreBounds=True)
        # A legend sample for the line (an InfiniteLine has no legend sample of its own).
        self._served_sample = pg.PlotDataItem([], [], pen=pen(CEILING, 1, Qt.PenStyle.DotLine))
        p.addItem(self._served_sample)  # no data: it only lends its pen to the legend (and lives in the scene)
        self.names: list[str] = []
        self._legend_entries: list[tuple] = []  # (plot item, full text) in legend order
        self._legend_shown = None  # (columns, texts) the legend was built with
        self.setMinimumHeight(MIN_HEIGHT_PX)
        self.fit_axes()

    # -- text room ---------------------------------------------------------------------------------
    def fit_axes(self) -> None:
        """Size both axes for the current font: the tick labels, a gap, then the axis title."""
        font = QFont(self.font())
        tick = QFontMetricsF(font)
        for name in ("left", "bottom"):
            axis = self.plot.getAxis(name)
            axis.setTickFont(font)
            axis.label.setFont(font)
            title_h = axis.label.boundingRect().height()  # includes the text item's own margins
            if name == "bottom":
                # the title sits at (height - title_h + 5): below the tick labels (offset 2 + text height)
                axis.setHeight(int(tick.height() + axis.style["tickTextOffset"][1] + title_h - 5 + TICK_GAP_PX + 1))
            else:
                # the rotated title spans x in [-5, title_h - 5]; tick labels end 5 px left of the axis line
                axis.setWidth(int(tick.horizontalAdvance(WIDEST_TICK) + title_h + TICK_GAP_PX + 1))
            axis.picture = None
        # Room above the top tick label (it is centred on the plot's top edge), right of the last one, and left
        # of the rotated axis title (pyqtgraph puts it 5 px left of the axis' edge).
        self.plot.setContentsMargins(TITLE_NUDGE_PX + 1, tick.height() / 2 + 2, tick.horizontalAdvance("500") / 2 + 2, 0)
        self._legend_font = QFont(font)
        self._legend_font.setPointSizeF(max(font.pointSizeF() * LEGEND_SCALE, 6.0))

    def changeEvent(self, event) -> None:
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.ApplicationFontChange) and not getattr(
                self, "closed", False):
            self.fit_axes()
        super().changeEvent(event)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        # close() clears the scene (deleting the plot's items) and then resizes the view: touching the plot
        # after that would reach deleted items
        if not getattr(self, "closed", False) and self.centralWidget is not None:
            self._legend_columns()

    def _legend_columns(self) -> None:
        """As many legend columns as fit the chart's width (entries in row-major order); two columns of
        shortened names where one column would make the legend as tall as the curves; one column (names cut
        with an ellipsis) on a narrow chart. A legend wider than the chart would widen the whole plot past the
        widget's edge, so no entry is ever wider than its column."""
        if "legend" not in self.__dict__ or not self._legend_entries:  # resizes come while pyqtgraph builds
            return
        left, _top, right, _bottom = self.plot.getContentsMargins()
        room = self.width() - self.plot.getAxis("left").width() - left - right - LEGEND_MARGIN_PX
        metrics = QFontMetricsF(self._legend_font)
        # per entry: the sample, the text with its item's margins, the gap between columns
        widths = [SAMPLE_PX + metrics.horizontalAdvance(t) + LABEL_PADDING_PX + LEGEND_GAP_PX
                  for _, t in self._legend_entries]
        columns, column_room = 1, room - LEGEND_GAP_PX
        for c in range(len(widths), 1, -1):
            if sum(max(widths[k::c]) for k in range(c)) <= room:
                columns, column_room = c, room
                break
        else:
            if len(widths) > 1 and room >= 2 * LEGEND_MIN_ENTRY_PX:
                columns, column_room = 2, room / 2 - LEGEND_GAP_PX
        texts = [metrics.elidedText(t, Qt.TextElideMode.ElideRight,
                                    max(column_room - SAMPLE_PX - LABEL_PADDING_PX, 40))
                 for _, t in self._legend_entries]
        if (columns, texts) != self._legend_shown:
            self._rebuild_legend(columns, texts)

    def _rebuild_legend(self, columns: int, texts: list[str]) -> None:
        """A new legend with ``columns`` columns (pyqtgraph's setColumnCount leaves the layout in a state that
        crashes the scene's teardown, so the legend is replaced instead)."""
        old = self.legend
        self.plot.layout.removeItem(old)
        old.clear()
        if old.scene() is not None:
            old.scene().removeItem(old)
        legend = pg.LegendItem(colCount=columns, labelTextSize=f"{self._legend_font.pointSizeF():g}pt",
                               labelTextColor=TEXT, horSpacing=LEGEND_GAP_PX)
        self.plot.layout.addItem(legend, LEGEND_ROW, 1)
        legend.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        for (item, _), text in zip(self._legend_entries, texts):
            legend.addItem(item, text)
        self.legend = legend
        self._legend_shown = (columns, texts)

    # -- contract ----------------------------------------------------------------------------------
    def show_analysis(self, subject) -> None:
        """``subject``: the comparison, or one Analysis (a comparison of one, as the PDF renders it)."""
        if subject is not None and not isinstance(subject, (list, tuple)):
            subject = [(subject.system.gpu.name if subject.system else "", subject)]
        super().show_analysis(subject)

    @staticmethod
    def _sweep(analysis):
        return analysis.inference.decode if analysis is not None and analysis.inference is not None else None

    def problem(self, named) -> str | None:
        return None if any(self._sweep(a) is not None for _, a in named) else NO_CURVE

    def update_figures(self, named) -> None:
        self.names = []
        entries = []
        top = SERVED_MIN_TOKENS_PER_S
        for i, curve in enumerate(self.curves):
            sweep = self._sweep(named[i][1]) if i < len(named) else None
            if sweep is None:
                curve.setData([], [])
                continue
            fits = sweep.fits[:, 0]
            users, speed = sweep.users[fits], sweep.per_user_tokens_per_s[fits, 0]
            curve.setData(users, speed)
            label = compare_header(named[i][0], i + 1)
            if not len(speed):
                label += " (does not fit)"
            entries.append((curve, label))
            self.names.append(label)
            if len(speed):
                top = max(top, float(speed.max()))
        entries.append((self._served_sample, served_label()))
        self._legend_entries = entries
        self._legend_shown = None
        self._legend_columns()
        self.set_range(self.plot.vb, x=X_RANGE, y=(0.0, nice_ceiling(top * 1.05)))
