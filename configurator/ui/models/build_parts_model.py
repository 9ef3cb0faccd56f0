"""Table model over the parts of the open build (adapts the document's Build; owns nothing).

Rows: the chassis, the platform, the GPUs grouped by id, then the items of each section in the
build's order. Every change event is turned into row-level signals by diffing the row keys before
and after (removals and insertions, then ``dataChanged`` for rows whose values changed), so even a
whole-build change (undo, open) keeps the selection of rows that survived.

Quantities (per node in a cluster) are edited through ``setData`` -> ``BuildDocument.set_quantity``
(one undo step; a refused quantity changes nothing and is announced with ``refused``). Drags and
drops go to the build's DropHandler (``ui/drops.py``), the same one the build view asks: rows drag
out as build items, catalog parts (and parts of another build) dropped on the table are placed
wherever the core puts them.
"""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher

from PySide6.QtCore import QAbstractTableModel, QMimeData, QModelIndex, QPersistentModelIndex, Qt, Signal

from configurator.core.configuration import ITEM_SECTIONS
from configurator.ui.drops import LIST, DropHandler
from configurator.ui.mime import BUILD_DROP_TYPES
from configurator.ui.roles import PART_ID_ROLE, PART_ROLE, SORT_ROLE

SECTION_ROLE = Qt.ItemDataRole.UserRole + 20  # the row's build section ('chassis', 'gpus', 'psus', ...)
SLOTS_ROLE = Qt.ItemDataRole.UserRole + 21  # tuple of slot positions / sockets of a GPU row

PART, KIND, QUANTITY, SLOTS = range(4)
HEADERS = ("Part", "Kind", "Quantity", "Slot(s)")
KIND_LABELS = {
    "chassis": "Chassis", "platforms": "Platform", "gpus": "GPU", "psus": "PSU", "memory": "Memory",
    "storage": "Storage", "network": "Network", "bridges": "NVLink bridge", "services": "Service",
}


@dataclass(frozen=True)
class PartRow:
    section: str
    part: object
    quantity: int
    slots: tuple[int, ...] = ()

    @property
    def key(self) -> tuple[str, str]:
        return self.section, self.part.id  # type: ignore[attr-defined]


def build_rows(build) -> list[PartRow]:
    rows: list[PartRow] = []
    if build.chassis is not None:
        rows.append(PartRow("chassis", build.chassis, 1))
    if build.platform is not None:
        rows.append(PartRow("platforms", build.platform, 1))
    groups: dict[str, list] = {}
    for placement in build.gpus:
        groups.setdefault(placement.gpu.id, []).append(placement)
    for placements in groups.values():
        slots = tuple(p.slot for p in placements if p.slot is not None)
        rows.append(PartRow("gpus", placements[0].gpu, len(placements), slots))
    for section in ITEM_SECTIONS:
        rows.extend(PartRow(section, item.part, item.quantity) for item in build.items(section))
    return rows


def _as_quantity(value) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    return None


class BuildPartsModel(QAbstractTableModel):
    refused = Signal(str)  # why an edit or a drop was refused (for a status bar)

    def __init__(self, document, parent=None, drops: DropHandler | None = None):
        super().__init__(parent)
        self.document = document
        self.drops = drops if drops is not None else DropHandler(document)
        self._rows: list[PartRow] = build_rows(document.build)
        self.last_reasons: tuple[str, ...] = ()
        document.build_changed.connect(self._on_build_changed)

    # -- adapting change events ------------------------------------------------------------------
    def _on_build_changed(self, _event=None) -> None:
        new_rows = build_rows(self.document.build)
        old_keys = [r.key for r in self._rows]
        new_keys = [r.key for r in new_rows]
        new_by_key = {r.key: r for r in new_rows}
        opcodes = SequenceMatcher(None, old_keys, new_keys, autojunk=False).get_opcodes()
        # Back to front, so the old positions of earlier opcodes stay valid.
        for tag, i1, i2, j1, j2 in reversed(opcodes):
            if tag in ("delete", "replace"):
                self.beginRemoveRows(QModelIndex(), i1, i2 - 1)
                del self._rows[i1:i2]
                self.endRemoveRows()
            if tag in ("insert", "replace"):
                self.beginInsertRows(QModelIndex(), i1, i1 + j2 - j1 - 1)
                self._rows[i1:i1] = new_rows[j1:j2]
                self.endInsertRows()
        changed = [row for row, old in enumerate(self._rows) if new_by_key[old.key] != old]
        self._rows = new_rows
        for row in changed:
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(HEADERS) - 1))

    # -- read --------------------------------------------------------------------------------------
    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(HEADERS)

    def row(self, row: int) -> PartRow:
        return self._rows[row]

    def row_of(self, part_id: str) -> int:
        """Row of ``part_id`` (-1 when the build has none)."""
        return next((i for i, r in enumerate(self._rows) if r.part.id == part_id), -1)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        r, column = self._rows[index.row()], index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if column == PART:
                return r.part.name
            if column == KIND:
                return KIND_LABELS.get(r.section, r.section)
            if column == QUANTITY:
                return r.quantity if role == Qt.ItemDataRole.EditRole else str(r.quantity)
            return ", ".join(str(s) for s in r.slots)
        if role == SORT_ROLE:
            return (r.part.name, KIND_LABELS.get(r.section, r.section), r.quantity,
                    r.slots[0] if r.slots else -1)[column]
        if role == Qt.ItemDataRole.TextAlignmentRole and column == QUANTITY:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
            per_node = " per node" if self.document.build.nodes > 1 else ""
            return f"{r.part.name}\n{r.part.id} · {r.quantity}{per_node}"
        if role == PART_ID_ROLE:
            return r.part.id
        if role == PART_ROLE:
            return r.part
        if role == SECTION_ROLE:
            return r.section
        if role == SLOTS_ROLE:
            return r.slots
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(HEADERS):
            if role == Qt.ItemDataRole.DisplayRole:
                return HEADERS[section]
            if role == Qt.ItemDataRole.ToolTipRole and section == QUANTITY:
                return "How many one node holds (per node in a cluster)"
            return None
        if orientation == Qt.Orientation.Vertical and role == Qt.ItemDataRole.DisplayRole:
            return section + 1
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.ItemIsDropEnabled
        flags = (Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsDragEnabled
                 | Qt.ItemFlag.ItemIsDropEnabled)
        if index.column() == QUANTITY and self._rows[index.row()].section not in ("chassis", "platforms"):
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    # -- write -------------------------------------------------------------------------------------
    def setData(self, index: QModelIndex | QPersistentModelIndex, value, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if (role != Qt.ItemDataRole.EditRole or not index.isValid() or index.column() != QUANTITY
                or not 0 <= index.row() < len(self._rows)):
            return False
        r = self._rows[index.row()]
        if r.section in ("chassis", "platforms"):
            return False
        quantity = _as_quantity(value)
        if quantity is None:
            return self._refuse((f"A quantity is a whole number of 0 or more, not {value!r}.",))
        if quantity == r.quantity:
            return True
        result = self.document.set_quantity(r.part.id, quantity)  # row signals come from build_changed
        return True if result else self._refuse(result.reasons)

    def _refuse(self, reasons: tuple[str, ...]) -> bool:
        self.last_reasons = tuple(reasons)
        self.refused.emit(" ".join(reasons))
        return False

    # -- drag and drop -----------------------------------------------------------------------------
    def mimeTypes(self) -> list[str]:
        return list(BUILD_DROP_TYPES)

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.CopyAction | Qt.DropAction.MoveAction

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def mimeData(self, indexes) -> QMimeData:
        """The first row among ``indexes`` as a build item (a GPU line without a slot: its last card)."""
        rows = sorted({i.row() for i in indexes if i.isValid() and 0 <= i.row() < len(self._rows)})
        if not rows:
            return QMimeData()
        return self.drops.drag_mime(self._rows[rows[0]].part.id, None)

    def canDropMimeData(self, data, action, row, column, parent) -> bool:
        if action not in (Qt.DropAction.CopyAction, Qt.DropAction.MoveAction):
            return False
        ok, reason = self.drops.accepts(data, LIST)
        self.last_reasons = (reason,) if reason else ()
        return ok

    def dropMimeData(self, data, action, row, column, parent) -> bool:
        if action == Qt.DropAction.IgnoreAction:
            return True
        v = self.drops.do_drop(data, LIST)
        if v is None:
            return False
        return True if v.ok else self._refuse(v.reasons)
