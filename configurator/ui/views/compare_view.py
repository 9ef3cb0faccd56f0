"""Up to three builds side by side: a table of their figures and their throughput curves overlaid.

Every figure comes from ``core.recommend.compare`` (which takes it from ``analyze()``); this view only lays
the texts out and plots the core's decode sweep. ``set_builds(builds)`` replaces what is shown.
"""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget

from configurator.charts.registry import create_chart
from configurator.core.recommend.compare import LABELS, compare_figures, rows

MAX_BUILDS = 3


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
        self.chart = create_chart("compare")
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 3)
        layout.addWidget(self.chart, 2)

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
        self.chart.show_analysis([(f.name, f.inference) for f in self.figures])
