"""The live charts of the open build: memory per GPU across the top, below it the inference charts
(throughput, users that fit, time to first token) or the training chart, whichever the analysis holds.

Connected to ``BuildDocument.analysis_ready``: every analysis (already debounced to one per frame by the
document) updates the charts on show with ``setData``; nothing here computes a figure.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QGridLayout, QStackedWidget, QVBoxLayout, QWidget

from configurator.charts.registry import INFERENCE_CHARTS, TRAINING_CHARTS, create_chart
from configurator.charts.style import system_is_dark
from configurator.core.workload import TRAINING

MIN_CHART_H = 130  # px: a chart keeps its headline, bar or curves, axis and legend readable
MAX_MEMORY_CHART_H = 170  # px: one bar needs no more; the rest goes to the curves


class ChartPanel(QWidget):
    def __init__(self, document, parent=None):
        super().__init__(parent)
        self.setObjectName("chartPanel")
        self.document = document
        self.charts = {name: create_chart(name) for name in ("memory", *INFERENCE_CHARTS, *TRAINING_CHARTS)}
        inference_page = QWidget()
        grid = QGridLayout(inference_page)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.addWidget(self.charts["throughput"], 0, 0, 1, 2)
        grid.addWidget(self.charts["users_fit"], 1, 0)
        grid.addWidget(self.charts["ttft"], 1, 1)
        grid.setRowStretch(0, 3)
        grid.setRowStretch(1, 2)
        training_page = QWidget()
        box = QVBoxLayout(training_page)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.charts["training"])
        self.pages = QStackedWidget()
        self.pages.addWidget(inference_page)
        self.pages.addWidget(training_page)
        self._page_charts = {inference_page: INFERENCE_CHARTS, training_page: TRAINING_CHARTS}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        self.charts["memory"].setMaximumHeight(MAX_MEMORY_CHART_H)
        layout.addWidget(self.charts["memory"], 1)
        layout.addWidget(self.pages, 4)
        self.analysis = None
        self._hidden: set[str] = set()
        self.revealed = ""
        for chart in self.charts.values():
            chart.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
            chart.setMinimumHeight(MIN_CHART_H)
        document.analysis_ready.connect(self.show_analysis)
        QGuiApplication.styleHints().colorSchemeChanged.connect(self.follow_colour_scheme)
        self.follow_colour_scheme()
        self.show_analysis(document.analysis)

    @property
    def showing(self) -> str:
        """'inference' or 'training': which set of charts is on show."""
        return "training" if self.pages.currentIndex() == 1 else "inference"

    def visible_charts(self) -> list[str]:
        return ["memory", *(n for n in self._page_charts[self.pages.currentWidget()] if n not in self._hidden)]

    def follow_colour_scheme(self, *_args) -> None:
        """Dark mode follows the system's colour scheme, charts included."""
        dark = system_is_dark()
        for chart in self.charts.values():
            chart.apply_theme(dark, force=True)  # also what a chart added after its first theme (legends)

    def set_visitor(self, on: bool) -> None:
        """Visitor mode shows the two charts that matter: memory and the throughput (or training) chart."""
        self._hidden = {"users_fit", "ttft"} if on else set()
        for name in ("users_fit", "ttft"):
            self.charts[name].setVisible(not on)
        self.show_analysis(self.analysis)

    def reveal(self, name: str) -> bool:
        """Bring chart ``name`` into view (its page, visible even in visitor mode) and give it focus, so a
        click on the verdict shows the chart that explains it. False when the chart is not for this workload."""
        chart = self.charts.get(name)
        if chart is None:
            return False
        page = next((p for p, names in self._page_charts.items() if name in names), None)
        if page is not None and page is not self.pages.currentWidget():
            return False
        if chart.isHidden():
            self._hidden.discard(name)
            chart.show()
            chart.show_analysis(self.analysis)
        chart.setFocus()
        self.revealed = name
        return True

    def show_analysis(self, analysis) -> None:
        self.analysis = analysis
        if analysis is not None and analysis.training is not None:
            training = True
        elif analysis is not None and analysis.inference is not None:
            training = False
        else:  # nothing to size: keep the charts of the build's workload kind, in their empty state
            training = self.document.build.workload.kind == TRAINING
        self.pages.setCurrentIndex(1 if training else 0)
        for name in self.visible_charts():
            self.charts[name].show_analysis(analysis)
