"""Up to three builds side by side: a table of their figures and their throughput curves overlaid.

Every figure comes from ``core.recommend.compare`` (which takes it from ``analyze()``); this view only lays
the texts out and plots the core's decode sweep. ``set_builds(builds)`` replaces what is shown.
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget

from configurator.core.recommend.compare import LABELS, compare_figures, rows
from configurator.charts.style import BACKGROUND, pen, style_plot

MAX_BUILDS = 3
COLOURS = ("#1f6fb4", "#e07b00", "#2e7d32")


class CompareView(QWidget):
    def __init__(self, catalog, parent=None):
        super().__init__(parent)
        self.catalog = catalog
        self.builds: list = []
        self.figures: list = []
        self.table = QTableWidget(len(LABELS), 0)
        self.table.setVerticalHeaderLabels(list(LABELS))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(True)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.plot_widget = pg.PlotWidget(background=BACKGROUND)
        self.plot = self.plot_widget.getPlotItem()
        style_plot(self.plot)
        self.plot.setLabel("bottom", "Concurrent users")
        self.plot.setLabel("left", "Tokens/s per user")
        self.plot.setLogMode(x=True, y=False)
        self.legend = self.plot.addLegend(offset=(6, 4))
        self.curves = [self.plot.plot([], [], pen=pen(c)) for c in COLOURS]
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 3)
        layout.addWidget(self.plot_widget, 2)

    def set_builds(self, builds: list, workload=None) -> None:
        """Show up to three builds (more raise ValueError); ``workload`` runs them all on the same workload."""
        builds = list(builds)
        if len(builds) > MAX_BUILDS:
            raise ValueError(f"the compare view shows up to {MAX_BUILDS} builds, not {len(builds)}")
        self.builds = builds
        self.figures = [compare_figures(b, self.catalog, workload) for b in builds]
        self.table.setColumnCount(len(builds))
        self.table.setHorizontalHeaderLabels([f.name for f in self.figures])
        for col, fig in enumerate(self.figures):
            for row, (_, text) in enumerate(rows(fig)):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.table.setItem(row, col, item)
        self._plot()

    def text(self, label: str, column: int) -> str:
        """The text shown for ``label`` of the build in ``column``."""
        return self.table.item(LABELS.index(label), column).text()

    def _plot(self) -> None:
        self.legend.clear()
        top = 1.0
        for i, curve in enumerate(self.curves):
            fig = self.figures[i] if i < len(self.figures) else None
            sweep = fig.inference.inference.decode if fig is not None and fig.inference.inference else None
            if sweep is None:
                curve.setData([], [])
                continue
            fits = sweep.fits[:, 0]
            users, speed = sweep.users[fits], sweep.per_user_tokens_per_s[fits, 0]
            curve.setData(users, speed)
            self.legend.addItem(curve, fig.name)
            if len(speed):
                top = max(top, float(speed.max()))
        self.plot.setXRange(0, 2.71, padding=0)  # log10: 1 to 512 users
        self.plot.setYRange(0, top * 1.05, padding=0)
