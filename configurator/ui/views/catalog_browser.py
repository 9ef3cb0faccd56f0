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

class CatalogTab(QWidget):
    part_selected = Signal(object)

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
        self.table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)  # catalog order until a header is clicked
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
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.filter_edit)
        layout.addWidget(self.table)

    def _current_changed(self, current, _previous) -> None:
        self.part_selected.emit(current.data(PART_ROLE) if current.isValid() else None)

    def selected_part(self):
        index = self.table.currentIndex()
        return index.data(PART_ROLE) if index.isValid() else None


class CatalogBrowser(QTabWidget):
    """One CatalogTab per kind, over the context's repository."""

    part_selected = Signal(object)

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
            self.tabs[kind] = tab
            self.addTab(tab, title)

    def current_tab(self) -> CatalogTab:
        return self.currentWidget()  # type: ignore[return-value]
