"""Up to three builds side by side: a table of their figures and their throughput curves overlaid.

Every figure comes from ``core.recommend.compare`` (which takes it from ``analyze()``), worded by
``configurator.present``; the core also says which column holds the better value of each row, and this view
marks it with a colour and a text mark (never the colour alone). ``set_builds(builds)`` replaces what is shown.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget

from configurator.charts.registry import create_chart
from configurator.core.recommend.compare import BETTER, LABELS, compare_figures, winners
from configurator.present import better_text, better_tip, compare_header, compare_rows, training_run_basis

MAX_BUILDS = 3
FIGURE_ROLE = Qt.ItemDataRole.UserRole + 1  # the figure's text without the mark
BETTER_ROLE = Qt.ItemDataRole.UserRole + 2  # True on a row's better value
BETTER_BACKGROUND = QColor("#dcefd9")  # light green behind the better value (the text mark says it too)
BETTER_FOREGROUND = QColor("#1b5e20")
HEADER_PADDING_PX = 12  # the header section's margins around its text


class CompareView(QWidget):
    def __init__(self, catalog, parent=None):
        super().__init__(parent)
        self.catalog = catalog
        self.builds: list = []
        self.figures: list = []
        self.best: dict[str, frozenset[int]] = {}
        self.table = QTableWidget(len(LABELS), 0)
        self.table.setObjectName("compare-table")
        self.table.setVerticalHeaderLabels(list(LABELS))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        # Long build names wrap onto two lines instead of being cut (the number in front must stay readable).
        header.setDefaultAlignment(Qt.AlignmentFlag(int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
                                                    | int(Qt.TextFlag.TextWordWrap)))
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.setAccessibleName("Compared builds, one column each")
        self.chart = create_chart("compare")
        self.chart.setAccessibleName("Per-user speed of each compared build")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table, 3)
        layout.addWidget(self.chart, 2)

    def set_builds(self, builds: list, workload=None, names: list[str] | None = None) -> None:
        """Show up to three builds (more raise ValueError); ``workload`` runs them all on the same workload;
        ``names`` replaces the builds' own names in the headers."""
        builds = list(builds)
        if len(builds) > MAX_BUILDS:
            raise ValueError(f"the compare view shows up to {MAX_BUILDS} builds, not {len(builds)}")
        self.builds = builds
        self.figures = [compare_figures(b, self.catalog, workload) for b in builds]
        if names is not None:
            self.figures = [replace(f, name=n) for f, n in zip(self.figures, names)]
        self.best = winners(self.figures)
        self.table.setColumnCount(len(builds))
        self.table.setHorizontalHeaderLabels([compare_header(f.name, i + 1) for i, f in enumerate(self.figures)])
        bold = QFont(self.table.font())
        bold.setBold(True)
        for col, fig in enumerate(self.figures):
            for row, (label, text) in enumerate(compare_rows(fig)):
                better = col in self.best.get(label, ())
                item = QTableWidgetItem(better_text(text) if better else text)
                item.setData(FIGURE_ROLE, text)
                item.setData(BETTER_ROLE, better)
                tip = text if not better else f"{text}\n{better_tip(BETTER[label])}"
                if label == "Price per training run":
                    tip += "\n" + training_run_basis(fig)
                item.setToolTip(tip)
                if better:
                    item.setBackground(QBrush(BETTER_BACKGROUND))
                    item.setForeground(QBrush(BETTER_FOREGROUND))
                    item.setFont(bold)
                self.table.setItem(row, col, item)
        self._fit_header()
        self._plot()

    def _fit_header(self) -> None:
        """The header as tall as its longest wrapped name (QHeaderView sizes itself for one line)."""
        header = self.table.horizontalHeader()
        metrics = header.fontMetrics()
        tallest = metrics.lineSpacing()
        for col in range(self.table.columnCount()):
            item = self.table.horizontalHeaderItem(col)
            width = max(header.sectionSize(col) - HEADER_PADDING_PX, 20)
            rect = metrics.boundingRect(QRect(0, 0, width, 10_000), int(Qt.TextFlag.TextWordWrap), item.text())
            tallest = max(tallest, rect.height())
        header.setFixedHeight(tallest + HEADER_PADDING_PX)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fit_header()

    def _item(self, label: str, column: int) -> QTableWidgetItem:
        return self.table.item(LABELS.index(label), column)

    def text(self, label: str, column: int) -> str:
        """The figure shown for ``label`` of the build in ``column`` (without the better-value mark)."""
        return self._item(label, column).data(FIGURE_ROLE)

    def shown(self, label: str, column: int) -> str:
        """Exactly what the cell reads, mark included."""
        return self._item(label, column).text()

    def is_better(self, label: str, column: int) -> bool:
        return bool(self._item(label, column).data(BETTER_ROLE))

    def _plot(self) -> None:
        self.chart.show_analysis([(f.name, f.inference) for f in self.figures])
