"""Filter proxy for the catalog tables: filters as the user types.

Rows match when every typed word occurs in the part's id or name, or is a whole word or number of one of its
spec values ("96", "80 GB", "nvlink": the source model precomputes both per row). Sorting is delegated to the source model, which sorts its own
list in Python in one pass: a sorting QSortFilterProxyModel would call back into Python for every
comparison and make a keystroke that brings rows back cost hundreds of milliseconds on thousands
of parts (tests/bench/catalog_filter.py).
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt


class CatalogFilterModel(QSortFilterProxyModel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setDynamicSortFilter(False)
        self._text = ""
        self._words: list[str] = []
        self._flags: list[bool] = []  # the source model's match_flags, in its row order

    def filter_text(self) -> str:
        return self._text

    def set_filter_text(self, text: str) -> None:
        text = text.strip().lower()
        if text == self._text:
            return
        self.beginFilterChange()
        self._text = text
        self._words = text.split()
        source = self.sourceModel()
        if source is not None and self._words:
            # One pass per word over the precomputed strings; Qt then only reads a flag per row.
            texts, tokens = source.search_text, source.spec_tokens
            flags = [True] * len(texts)
            for word in self._words:
                flags = [f and (word in s or word in t) for f, s, t in zip(flags, texts, tokens)]
            source.match_flags = flags
            self._flags = flags
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex) -> bool:
        return not self._words or self._flags[source_row]

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        source = self.sourceModel()
        if source is not None:
            source.sort(column, order)
            self.beginFilterChange()
            self._flags = source.match_flags
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
