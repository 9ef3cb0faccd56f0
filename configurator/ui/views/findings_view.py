"""The findings panel: errors, warnings and info of the compatibility rules, live."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QLabel, QTableView, QVBoxLayout, QWidget

from configurator.present import count, severity_counts
from configurator.ui.lazy import RefreshWhenShown
from configurator.ui.models.findings_model import PARTS_ROLE, FindingsModel


class FindingsView(RefreshWhenShown, QWidget):
    parts_selected = Signal(list)  # part ids named by the selected finding (build view highlights them)

    def __init__(self, document, parent=None):
        super().__init__(parent)
        self.setObjectName("findings")
        self.model = FindingsModel(self)
        self.summary = QLabel(self)
        self.summary.setObjectName("findings-summary")
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        # Whole messages: wrapped, never elided, and each row as tall as its message at the current width (rows
        # follow the panel when it is resized); the tooltip repeats the message with the parts it names.
        self.table.setWordWrap(True)
        self.table.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.summary)
        layout.addWidget(self.table)
        document.analysis_ready.connect(self.offer)  # out of sight: shown when it comes into view
        if document.analysis is not None:
            self.show_analysis(document.analysis)

    def show_analysis(self, analysis) -> None:
        self.model.set_findings(analysis.findings)
        self.table.resizeColumnToContents(0)
        self.table.resizeColumnToContents(1)
        self.table.resizeRowsToContents()
        counts = severity_counts(analysis.findings)
        if counts["error"]:
            text = f"<b style='color:#c62828'>{count(counts['error'], 'error')}</b>: this build cannot be quoted"
        else:
            text = "<b style='color:#2e7d32'>No errors</b>: the build can be quoted"
        text += f" · {count(counts['warning'], 'warning')} · {count(counts['info'], 'note')}"
        self.summary.setText(text)

    def _current_changed(self, current, _previous) -> None:
        self.parts_selected.emit(current.data(PARTS_ROLE) or [] if current.isValid() else [])
