"""Memory per GPU: weights, KV cache, activations, gradients, optimizer and reserve stacked against the
GPU's capacity, in decimal GB. Over capacity the capacity line, the overflow and the headline turn red."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGraphicsItem, QLabel

from configurator.core.sizing import EXPLANATIONS
from configurator.present import MEMORY_UNIT, capacity_label, memory_fit, memory_value
from configurator.charts.base import PlotChart
from configurator.charts.style import AXIS_WIDTH_PX, MARKER, MEMORY_SEGMENTS, NO_FIT, OK, TEXT, Label, nice_ceiling, pen, tooltip

BAR_HEIGHT = 0.5
Y_RANGE = (-0.4, 0.4)
HEADLINE_PAD_PX = 6  # the headline sits above the plot, in the plot's top margin
INFERENCE_TIP = tooltip("Memory per GPU", EXPLANATIONS["memory"])
TRAINING_TIP = tooltip("Memory per GPU (training)", EXPLANATIONS["training_memory"])


class MemoryChart(PlotChart):
    name = "memory"

    def __init__(self, parent=None):
        super().__init__(INFERENCE_TIP, parent)
        p = self.plot
        p.setLabel("bottom", "Memory per GPU", units=MEMORY_UNIT)
        p.getAxis("bottom").enableAutoSIPrefix(False)
        p.hideAxis("left")
        self.legend = pg.LegendItem(colCount=len(MEMORY_SEGMENTS), labelTextSize="8pt", labelTextColor=TEXT,
                                    horSpacing=12)
        p.layout.addItem(self.legend, 4, 1)  # under the GB axis, not over the bar
        # One bar item holds the six segments (one setOpts per update); the legend gets its own samples.
        n = len(MEMORY_SEGMENTS)
        self.bars = pg.BarGraphItem(x0=np.zeros(n), width=np.zeros(n), y0=np.full(n, -BAR_HEIGHT / 2),
                                    height=np.full(n, BAR_HEIGHT), brushes=[c for _, _, c in MEMORY_SEGMENTS],
                                    pen=pg.mkPen("w", width=1))
        p.addItem(self.bars)
        self._samples = [pg.BarGraphItem(x0=[0], width=[1], y0=[0], height=[1], brush=c, pen=None)
                         for _, _, c in MEMORY_SEGMENTS]
        for sample, (_, label, _) in zip(self._samples, MEMORY_SEGMENTS):
            self.legend.addItem(sample, label)
        self.legend.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        # The headline (total vs capacity) is a QLabel laid over the plot's top margin: always whole (the
        # margin is its height) and a text change never relayouts the plot or redraws its cached axes.
        self.headline = QLabel(self)
        self.headline.setObjectName("memory-headline")
        font = self.headline.font()
        font.setBold(True)
        font.setPointSizeF(10.0)
        self.headline.setFont(font)
        self.headline.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents, True)
        self.headline.setStyleSheet(f"color: {OK}; background: transparent;")
        self._headline_h = self.headline.fontMetrics().height() + 2
        p.layout.setContentsMargins(0, self._headline_h + HEADLINE_PAD_PX, 0, 0)
        # Hatched red from the capacity to the total when the build does not fit.
        self.overflow = pg.BarGraphItem(x0=[0.0], width=[0.0], y0=[-BAR_HEIGHT / 2 - 0.06],
                                        height=[BAR_HEIGHT + 0.12], pen=pen(NO_FIT, 2),
                                        brush=pg.mkBrush(NO_FIT, style=Qt.BrushStyle.BDiagPattern))
        self.overflow.setZValue(5)
        p.addItem(self.overflow)
        self.capacity_line = pg.InfiniteLine(angle=90, movable=False, pen=pen(MARKER, 2),
                                             label="capacity", labelOpts={"position": 0.9, "color": MARKER,
                                                                          "anchors": [(1, 0.5), (1, 0.5)]})
        self.capacity_line.setZValue(10)
        p.addItem(self.capacity_line)
        self.values_gb: dict[str, float] = {key: 0.0 for key, _, _ in MEMORY_SEGMENTS}
        self.capacity_gb = 0.0
        self.over = False
        self._title = ""
        self.set_range(p.vb, y=Y_RANGE)

    # A legend entry needs about this many pixels; a narrower chart (a quote page) wraps it into two rows.
    LEGEND_ENTRY_PX = 110

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)  # pyqtgraph also calls this with None while it builds the view
        headline = getattr(self, "headline", None)
        if headline is not None:
            headline.setGeometry(AXIS_WIDTH_PX // 4, HEADLINE_PAD_PX // 2, max(self.width() - AXIS_WIDTH_PX // 2, 1),
                                 self._headline_h)
        legend = getattr(self, "legend", None)
        if legend is not None:
            wide = self.width() >= self.LEGEND_ENTRY_PX * len(MEMORY_SEGMENTS)
            legend.setColumnCount(len(MEMORY_SEGMENTS) if wide else 3)  # a no-op when unchanged

    def problem(self, analysis) -> str | None:
        if analysis.inference is not None or analysis.training is not None:
            return None
        return analysis.sizing_problem or "Nothing to chart yet."

    def update_figures(self, analysis) -> None:
        training = analysis.inference is None
        mem = analysis.training.result.memory if training else analysis.inference.result.memory
        tip = TRAINING_TIP if training else INFERENCE_TIP
        if self.toolTip() != tip:
            self.setToolTip(tip)
        values = np.array([mem.weights_bytes, mem.kv_cache_bytes, mem.activations_bytes, mem.gradients_bytes,
                           mem.optimizer_bytes, mem.reserve_bytes])
        values = memory_value(values)
        starts = np.concatenate(([0.0], np.cumsum(values)[:-1]))
        if not np.array_equal(values, self.bars.opts["width"]):
            self.bars.setOpts(x0=starts, width=values)
        self.values_gb = {key: float(v) for (key, _, _), v in zip(MEMORY_SEGMENTS, values)}
        total = memory_value(mem.total_bytes)
        capacity = memory_value(mem.capacity_bytes)
        self.capacity_gb = capacity
        over = not mem.fits
        self.overflow.setOpts(x0=[capacity], width=[max(total - capacity, 0.0)])
        self.overflow.setVisible(over)
        if over != self.over or self.capacity_line.value() != capacity:
            self.capacity_line.setPen(pen(NO_FIT if over else MARKER, 3 if over else 2))
            self.capacity_line.label.setColor(NO_FIT if over else MARKER)
            self.capacity_line.setValue(capacity)
            self.capacity_line.label.setFormat(capacity_label(mem))
        self.over = over
        title = memory_fit(mem)
        if title != self._title:
            self._title = title
            self.headline.setStyleSheet(f"color: {NO_FIT if over else OK}; background: transparent;")
            self.headline.setText(title)
        self.set_range(self.plot.vb, x=(0.0, nice_ceiling(max(total, capacity) * 1.08)), y=Y_RANGE)

    def set_grid(self, on: bool) -> None:
        self.plot.showGrid(x=on, y=False, alpha=0.15 if on else 0.0)

    @property
    def headline_text(self) -> str:
        return self._title

    def segment(self, key: str) -> tuple[float, float]:
        """(start, width) in GB of one stacked segment as drawn."""
        i = [k for k, _, _ in MEMORY_SEGMENTS].index(key)
        return float(self.bars.opts["x0"][i]), float(self.bars.opts["width"][i])

    @property
    def total_gb(self) -> float:
        return float(sum(self.values_gb.values()))
