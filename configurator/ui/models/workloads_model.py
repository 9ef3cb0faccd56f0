"""List model over the build's workloads (adapts the document's Build and its analysis; owns nothing).

One row per workload in the build's order: its title and whether it fits (mark and words from
configurator.present), its one-line figures as tooltip and accessible text. Editing a row renames the
workload through ``BuildDocument.rename_workload`` (one undo step; a refused name, such as one another
workload has, changes nothing and is announced with ``refused``). Rows are inserted and removed at the end
as the count changes (the list is short and only grows or shrinks by one per action), then ``dataChanged``.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractListModel, QModelIndex, Qt, Signal

from configurator.core.errors import ConfiguratorError
from configurator.present.sentences import workload_line, workload_state
from configurator.present.verdict import BAD, GOOD, MARKS, NEUTRAL

NAME_ROLE = Qt.ItemDataRole.UserRole + 40  # the workload's own name ("" = unnamed)
TITLE_ROLE = Qt.ItemDataRole.UserRole + 41  # what it is called (the name, else its model and kind)
STATE_ROLE = Qt.ItemDataRole.UserRole + 42  # GOOD (fits), BAD (does not fit) or NEUTRAL (not sized yet)


class WorkloadsModel(QAbstractListModel):
    refused = Signal(str)  # why a rename was refused

    def __init__(self, document, parent=None):
        super().__init__(parent)
        self.document = document
        self._rows = 0
        document.build_changed.connect(self._build_changed)
        document.analysis_ready.connect(lambda _a: self.refresh())
        self.refresh()

    # -- reading --------------------------------------------------------------------------------------
    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802 - Qt's name
        return 0 if parent.isValid() else self._rows

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else 1

    def _sized(self, row: int):
        """The analysis of workload ``row``, or None while the analysis is of another state of the build."""
        analysis = self.document.analysis
        if analysis is None or len(analysis.workloads) != len(self.document.build.workloads):
            return None
        return analysis.workloads[row]

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < self._rows:
            return None
        named = self.document.build.workloads[index.row()]
        w = self._sized(index.row())
        title = w.title if w is not None else (named.name or "Workload")
        if role == Qt.ItemDataRole.DisplayRole:
            if w is None:
                return title
            return f"{MARKS[self._state(w)]} {title} — {workload_state(w)}"
        if role == Qt.ItemDataRole.EditRole:
            return named.name or title
        if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
            return workload_line(w) if w is not None else title
        if role == NAME_ROLE:
            return named.name
        if role == TITLE_ROLE:
            return title
        if role == STATE_ROLE:
            return self._state(w) if w is not None else NEUTRAL
        return None

    @staticmethod
    def _state(w) -> str:
        return {True: GOOD, False: BAD}.get(w.fits, NEUTRAL)

    def flags(self, index: QModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEditable

    # -- writing: a rename --------------------------------------------------------------------------------
    def setData(self, index: QModelIndex, value, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        if not index.isValid() or role != Qt.ItemDataRole.EditRole or not isinstance(value, str):
            return False
        named = self.document.build.workloads[index.row()]
        text = value.strip()
        if not named.name and text == self.data(index, TITLE_ROLE):
            return True  # left as its automatic title: stays unnamed, so the title follows the model and kind
        try:
            self.document.rename_workload(index.row(), text)
        except ConfiguratorError as exc:
            self.refused.emit(str(exc))
            return False
        return True

    # -- following the build --------------------------------------------------------------------------------
    def _build_changed(self, event) -> None:
        if event.section in ("workloads", "workload", "all"):
            self.refresh()

    def refresh(self) -> None:
        count = len(self.document.build.workloads)
        if count > self._rows:
            self.beginInsertRows(QModelIndex(), self._rows, count - 1)
            self._rows = count
            self.endInsertRows()
        elif count < self._rows:
            self.beginRemoveRows(QModelIndex(), count, self._rows - 1)
            self._rows = count
            self.endRemoveRows()
        if self._rows:
            self.dataChanged.emit(self.index(0), self.index(self._rows - 1))
