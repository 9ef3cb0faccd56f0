"""Table model of the compatibility findings of the current analysis.

A new analysis is applied as row-level changes (the difference between the old and the new list),
so a selection on an unchanged finding survives while the user edits the build.
"""

from __future__ import annotations

from difflib import SequenceMatcher

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from configurator.ui.icons import severity_icon

FINDING_ROLE = Qt.ItemDataRole.UserRole + 10  # the core Finding
PARTS_ROLE = Qt.ItemDataRole.UserRole + 11  # list of part ids the finding names

COLUMNS = ("", "Code", "Message")


def _key(finding) -> tuple:
    return (finding.severity, finding.code, finding.message, tuple(finding.parts))


class FindingsModel(QAbstractTableModel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self._findings: list = []

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._findings)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def findings(self) -> list:
        return list(self._findings)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or index.row() >= len(self._findings):
            return None
        f = self._findings[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return ("", f.code, f.message)[column]  # severity shows as its icon (text in the tooltip)
        if role == Qt.ItemDataRole.DecorationRole and column == 0:
            return severity_icon(f.severity)
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{f.severity}: {f.message}" + (f"\nParts: {', '.join(f.parts)}" if f.parts else "")
        if role == FINDING_ROLE:
            return f
        if role == PARTS_ROLE:
            return list(f.parts)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal and 0 <= section < 3:
            return COLUMNS[section]
        return None

    def set_findings(self, findings: list) -> None:
        old_keys = [_key(f) for f in self._findings]
        new_keys = [_key(f) for f in findings]
        if old_keys == new_keys:
            return
        # Apply the edit script back to front so earlier row numbers stay valid.
        opcodes = SequenceMatcher(a=old_keys, b=new_keys, autojunk=False).get_opcodes()
        for tag, i1, i2, j1, j2 in reversed(opcodes):
            if tag in ("replace", "delete") and i2 > i1:
                self.beginRemoveRows(QModelIndex(), i1, i2 - 1)
                del self._findings[i1:i2]
                self.endRemoveRows()
            if tag in ("replace", "insert") and j2 > j1:
                self.beginInsertRows(QModelIndex(), i1, i1 + (j2 - j1) - 1)
                self._findings[i1:i1] = findings[j1:j2]
                self.endInsertRows()
