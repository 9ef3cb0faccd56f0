"""The catalog browser: a tab per part kind, each a sortable table with a filter box."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView, QHeaderView, QLineEdit, QTableView, QTabWidget, QVBoxLayout, QWidget,
)

from configurator.ui.models.catalog_filter_model import CatalogFilterModel
from configurator.ui.models.catalog_table_model import CatalogTableModel
from configurator.ui.roles import PART_ROLE

TAB_TITLES = {
    "gpus": "GPUs", "platforms": "Platforms", "chassis": "Chassis", "psus": "PSUs", "memory": "Memory",
    "storage": "Storage", "network": "Network", "bridges": "NVLink", "services": "Services",
    "models": "Models", "engines": "Engines",
}


SIZE_FROM_ROWS = 50  # rows measured to size the columns
NAME_MAX_EM = 18  # the name column (name over its key specs and price) is at most this many font heights wide:
# about the catalog dock's default width, so the key-spec line shows whole there (a long name is elided; its
# tooltip is whole) and the next columns start in view

class CatalogTab(QWidget):
    part_selected = Signal(object)
    part_activated = Signal(object)  # a double-click on a row: add this part to the build

    def __init__(self, kind: str, model: CatalogTableModel, parent=None):
        super().__init__(parent)
        self.kind = kind
        self.source_model = model
        self.proxy = CatalogFilterModel(self)
        self.proxy.setSourceModel(model)

        self.filter_edit = QLineEdit(self)
        self.filter_edit.setPlaceholderText(f"Filter {TAB_TITLES.get(kind, kind).lower()}…")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.setObjectName(f"filter-{kind}")
        self.filter_edit.textChanged.connect(self.proxy.set_filter_text)

        self.table = QTableView(self)
        self.table.setObjectName(f"table-{kind}")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(model.default_sort_column(), Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setDragEnabled(True)
        self.table.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        # Column widths from the first rows only: measuring every cell of a 50,000-part catalog took seconds at
        # start (the sources' rows of one kind are alike; a longer cell is elided, its tooltip is whole).
        self.table.horizontalHeader().setResizeContentsPrecision(SIZE_FROM_ROWS)
        self.table.resizeColumnsToContents()
        name_max = NAME_MAX_EM * self.table.fontMetrics().height()
        if self.table.columnWidth(0) > name_max:
            self.table.setColumnWidth(0, name_max)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.verticalHeader().setDefaultSectionSize(2 * self.table.fontMetrics().lineSpacing() + 8)
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        self.table.doubleClicked.connect(self._activated)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.filter_edit)
        layout.addWidget(self.table)

    def _current_changed(self, current, _previous) -> None:
        self.part_selected.emit(current.data(PART_ROLE) if current.isValid() else None)

    def _activated(self, index) -> None:
        part = index.data(PART_ROLE) if index.isValid() else None
        if part is not None:
            self.table.setCurrentIndex(index)
            self.part_activated.emit(part)

    def selected_part(self):
        index = self.table.currentIndex()
        return index.data(PART_ROLE) if index.isValid() else None


class CatalogBrowser(QTabWidget):
    """One CatalogTab per kind, over the context's repository."""

    part_selected = Signal(object)
    part_activated = Signal(object)  # double-clicked in a tab: the window adds it to the build

    def __init__(self, context, parent=None):
        super().__init__(parent)
        self.setObjectName("catalog-browser")
        self.tabs: dict[str, CatalogTab] = {}
        repo = context.catalog
        prices = repo.prices()
        for kind, title in TAB_TITLES.items():
            items = repo.gpus(sellable_only=True) if kind == "gpus" else repo.list(kind)
            tab = CatalogTab(kind, CatalogTableModel(kind, items, prices, self), self)
            tab.part_selected.connect(self.part_selected)
            tab.part_activated.connect(self.part_activated)
            self.tabs[kind] = tab
            self.addTab(tab, title)

    def current_tab(self) -> CatalogTab:
        return self.currentWidget()  # type: ignore[return-value]
