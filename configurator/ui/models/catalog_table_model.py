"""Table model over one kind of catalog part (adapts the repository's dataclasses; owns nothing)."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import QAbstractTableModel, QMimeData, QModelIndex, QPersistentModelIndex, Qt

from configurator.present import amount
from configurator.ui.mime import CATALOG_DRAG_TYPES, part_mime
from configurator.ui.roles import PART_ID_ROLE, PART_ROLE, SORT_ROLE

# kind -> [(field, header with unit)]. "list_price" is the catalog list price, not a part field.
COLUMNS: dict[str, list[tuple[str, str]]] = {
    "gpus": [
        ("name", "GPU"), ("vendor", "Vendor"), ("form_factor", "Form"), ("memory_gb", "Memory (GB)"),
        ("bandwidth_tb_s", "Bandwidth (TB/s)"), ("fp16_bf16_dense_tflops", "FP16 dense (TFLOPS)"),
        ("fp8_dense_tflops", "FP8 dense (TFLOPS)"), ("fp4_dense_tflops", "FP4 dense (TFLOPS)"),
        ("tdp_w", "TDP (W)"), ("slot_width", "Width (slots)"), ("cooling", "Cooling"), ("list_price", "List price"),
    ],
    "models": [
        ("name", "Model"), ("params_b", "Params (B)"), ("active_params_b", "Active (B)"), ("layers", "Layers"),
        ("hidden", "Hidden"), ("heads", "Heads"), ("kv_heads", "KV heads"), ("head_dim", "Head dim"),
        ("attention", "Attention"), ("sliding_window", "Window (tokens)"),
    ],
    "platforms": [
        ("name", "Platform"), ("socket", "Socket"), ("cores", "Cores"), ("memory_channels", "Channels"),
        ("max_memory_gb", "Max memory (GB)"), ("pcie_lanes", "PCIe lanes"), ("cpu_tdp_w", "CPU TDP (W)"),
        ("list_price", "List price"),
    ],
    "chassis": [
        ("name", "Chassis"), ("kind", "Kind"), ("rack_units", "Height (U)"), ("max_gpus", "GPUs"),
        ("psu_bays", "PSU bays"), ("max_psu_w", "Max PSU (W)"), ("list_price", "List price"),
    ],
    "psus": [("name", "PSU"), ("form", "Form"), ("watts", "Output (W)"), ("watts_at_120v", "At 120 V (W)"),
             ("efficiency", "Efficiency"), ("list_price", "List price")],
    "memory": [("name", "Memory"), ("capacity_gb", "Capacity (GB)"), ("speed_mts", "Speed (MT/s)"),
               ("memory_type", "Type"), ("list_price", "List price")],
    "storage": [("name", "Drive"), ("capacity_tb", "Capacity (TB)"), ("interface", "Interface"),
                ("form", "Form"), ("power_w", "Power (W)"), ("list_price", "List price")],
    "network": [("name", "Adapter"), ("fabric", "Fabric"), ("speed_gbps", "Speed (Gb/s)"), ("ports", "Ports"),
                ("power_w", "Power (W)"), ("list_price", "List price")],
    "bridges": [("name", "Bridge"), ("gpus", "For GPUs"), ("ways", "Ways"),
                ("bandwidth_gb_s", "Bandwidth (GB/s)"), ("list_price", "List price")],
    "services": [("name", "Service"), ("kind", "Kind"), ("years", "Years"), ("per", "Per"),
                 ("list_price", "List price")],
    "engines": [("name", "Engine"), ("default_parallel", "Multi-GPU"), ("memory_fraction", "Memory share"),
                ("cuda_graphs", "CUDA graphs")],
}
DEFAULT_COLUMNS = [("id", "Id"), ("name", "Name")]


def _display(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Decimal):  # prices: the column header names the currency
        return amount(value)
    if isinstance(value, float):
        return f"{value:,.3f}".rstrip("0").rstrip(".") if value % 1 else f"{value:,.0f}"
    return str(value)


class CatalogTableModel(QAbstractTableModel):
    """Rows are the parts of one kind; columns per COLUMNS. Drags carry the part ids (``mime.part_mime``)."""

    def __init__(self, kind: str, items: list, prices: dict | None = None, parent=None):
        super().__init__(parent)
        self.kind = kind
        self._items = list(items)
        self._prices = prices or {}
        self._columns = COLUMNS.get(kind, DEFAULT_COLUMNS)
        # Lower-case "id name" per row, precomputed once: the filter matches against these.
        self.search_text = [f"{p.id} {p.name}".lower() for p in self._items]
        self.match_flags = [True] * len(self._items)  # set by CatalogFilterModel, kept in row order

    # -- read ----------------------------------------------------------------------------------
    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._items)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._columns)

    def part(self, row: int):
        return self._items[row]

    def _value(self, row: int, column: int):
        part = self._items[row]
        field = self._columns[column][0]
        if field == "list_price":
            price = self._prices.get(part.id)
            return price.list_price if price is not None else None
        return getattr(part, field, None)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or index.row() >= len(self._items):
            return None
        row, column = index.row(), index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return _display(self._value(row, column))
        if role == SORT_ROLE:
            value = self._value(row, column)
            if isinstance(value, Decimal):
                return float(value)  # sort key only, never shown or summed
            return value if value is not None else -1
        if role == Qt.ItemDataRole.TextAlignmentRole:
            value = self._value(row, column)
            if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            part = self._items[row]
            return f"{part.id}\nSource: {getattr(part, 'source', '')}"
        if role == PART_ID_ROLE:
            return self._items[row].id
        if role == PART_ROLE:
            return self._items[row]
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            if 0 <= section < len(self._columns):
                header = self._columns[section][1]
                if self._columns[section][0] == "list_price" and self._items:
                    price = self._prices.get(self._items[0].id)
                    if price is not None:
                        header = f"List price ({price.currency})"
                return header
            return None
        return section + 1

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsDragEnabled

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort the rows by a column's raw value (numbers as numbers, blanks last), in one pass."""
        if not 0 <= column < len(self._columns):
            return
        self.layoutAboutToBeChanged.emit()
        old_persistent = self.persistentIndexList()
        old_rows = [i.row() for i in old_persistent]
        keyed = []
        for row in range(len(self._items)):
            value = self._value(row, column)
            missing = value is None
            key = (0, "") if missing else ((1, float(value)) if isinstance(value, (int, float, Decimal))
                                             else (1, str(value).lower()))
            keyed.append((missing, key, row))
        keyed.sort(key=lambda k: (k[0], k[1]), reverse=False)
        order_rows = [k[2] for k in keyed if not k[0]]
        if order == Qt.SortOrder.DescendingOrder:
            order_rows.reverse()
        order_rows += [k[2] for k in keyed if k[0]]  # blanks last either way
        new_position = {old: new for new, old in enumerate(order_rows)}
        self._items = [self._items[r] for r in order_rows]
        self.search_text = [self.search_text[r] for r in order_rows]
        self.match_flags = [self.match_flags[r] for r in order_rows]
        self.changePersistentIndexList(
            old_persistent, [self.index(new_position[r], i.column()) for r, i in zip(old_rows, old_persistent)]
        )
        self.layoutChanged.emit()

    # -- drag ------------------------------------------------------------------------------------
    def mimeTypes(self) -> list[str]:
        return list(CATALOG_DRAG_TYPES)

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.CopyAction

    def mimeData(self, indexes) -> QMimeData:
        """The parts of the rows among ``indexes``, each once, in the order given."""
        return part_mime(self._items[i.row()].id for i in indexes if i.isValid())
