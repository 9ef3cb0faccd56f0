"""Table model over one kind of catalog part (adapts the repository's dataclasses; owns nothing)."""

from __future__ import annotations

import re
from decimal import Decimal

from PySide6.QtCore import QAbstractTableModel, QMimeData, QModelIndex, QPersistentModelIndex, Qt

from configurator.present import amount, money
from configurator.present.catalog import key_specs, spec_value, spec_words
from configurator.ui.mime import CATALOG_DRAG_TYPES, part_mime
from configurator.ui.roles import PART_ID_ROLE, PART_ROLE, SORT_ROLE

# kind -> [(field, header with unit)]. "list_price" is the catalog list price, not a part field. The specs a
# buyer compares come first, the price among them, so they show at the catalog's default width (the name
# column is capped by the browser); the rest follow for whoever widens the dock.
COLUMNS: dict[str, list[tuple[str, str]]] = {
    "gpus": [
        ("name", "GPU"), ("memory_gb", "Memory (GB)"), ("bandwidth_tb_s", "Bandwidth (TB/s)"),
        ("list_price", "List price"), ("fp16_bf16_dense_tflops", "FP16 dense (TFLOPS)"),
        ("fp8_dense_tflops", "FP8 dense (TFLOPS)"), ("fp4_dense_tflops", "FP4 dense (TFLOPS)"), ("tdp_w", "TDP (W)"),
        ("form_factor", "Form"), ("vendor", "Vendor"), ("slot_width", "Width (slots)"), ("cooling", "Cooling"),
    ],
    "models": [
        ("name", "Model"), ("params_b", "Params (B)"), ("active_params_b", "Active (B)"),
        ("max_context", "Context (tokens)"), ("layers", "Layers"), ("hidden", "Hidden"), ("heads", "Heads"),
        ("kv_heads", "KV heads"), ("head_dim", "Head dim"), ("attention", "Attention"),
        ("sliding_window", "Window (tokens)"),
    ],
    "platforms": [
        ("name", "Platform"), ("cores", "Cores"), ("pcie_lanes", "PCIe lanes"), ("list_price", "List price"),
        ("socket", "Socket"), ("memory_channels", "Channels"), ("max_memory_gb", "Max memory (GB)"),
        ("cpu_tdp_w", "CPU TDP (W)"),
    ],
    "chassis": [
        ("name", "Chassis"), ("max_gpus", "GPUs"), ("rack_units", "Height (U)"), ("list_price", "List price"),
        ("kind", "Kind"), ("psu_bays", "PSU bays"), ("max_psu_w", "Max PSU (W)"),
    ],
    "psus": [("name", "PSU"), ("watts", "Output (W)"), ("watts_at_120v", "At 100-127 V (W)"),
             ("list_price", "List price"), ("form", "Form"), ("efficiency", "Efficiency")],
    "memory": [("name", "Memory"), ("capacity_gb", "Capacity (GB)"), ("speed_mts", "Speed (MT/s)"),
               ("list_price", "List price"), ("memory_type", "Type")],
    "storage": [("name", "Drive"), ("capacity_tb", "Capacity (TB)"), ("list_price", "List price"),
                ("interface", "Interface"), ("form", "Form"), ("power_w", "Power (W)")],
    "network": [("name", "Adapter"), ("speed_gbps", "Speed (Gb/s)"), ("ports", "Ports"), ("list_price", "List price"),
                ("fabric", "Fabric"), ("power_w", "Power (W)")],
    "bridges": [("name", "Bridge"), ("ways", "Ways"), ("bandwidth_gb_s", "Bandwidth (GB/s)"),
                ("list_price", "List price"), ("gpus", "For GPUs")],
    "services": [("name", "Service"), ("years", "Years"), ("list_price", "List price"), ("kind", "Kind"),
                 ("per", "Per")],
    "engines": [("name", "Engine"), ("default_parallel", "Multi-GPU"), ("memory_fraction", "Memory share"),
                ("cuda_graphs", "CUDA graphs")],
}
DEFAULT_COLUMNS = [("id", "Id"), ("name", "Name")]
# The order a kind opens in: smallest first along what a buyer scales by (a click on a header re-sorts).
DEFAULT_SORT: dict[str, str] = {
    "gpus": "memory_gb", "models": "params_b", "platforms": "cores", "chassis": "max_gpus", "psus": "watts",
    "memory": "capacity_gb", "storage": "capacity_tb", "network": "speed_gbps", "bridges": "ways",
    "services": "list_price",
}
KEY_SPEC_KINDS = {"gpus", "platforms", "chassis", "psus", "memory", "storage", "network", "bridges", "services",
                  "models"}  # kinds whose name cell carries a key-spec line
_TOKEN = re.compile(r"[a-z]+|\d+(?:\.\d+)?")


def _display(field: str, value) -> str:
    if isinstance(value, Decimal):  # prices: the column header names the currency
        return amount(value)
    return spec_value(field, value)


class CatalogTableModel(QAbstractTableModel):
    """Rows are the parts of one kind; columns per COLUMNS. Drags carry the part ids (``mime.part_mime``)."""

    def __init__(self, kind: str, items: list, prices: dict | None = None, parent=None):
        super().__init__(parent)
        self.kind = kind
        self._items = list(items)
        self._prices = prices or {}
        self._columns = COLUMNS.get(kind, DEFAULT_COLUMNS)
        # Lower-case "id name" per row, precomputed once: the filter matches words inside these.
        self.search_text = [f"{p.id} {p.name}".lower() for p in self._items]
        self._spec_tokens: list[frozenset] | None = None  # made at the first filter keystroke, not at start
        self.match_flags = [True] * len(self._items)  # set by CatalogFilterModel, kept in row order

    @property
    def spec_tokens(self) -> list[frozenset]:
        """Per row, the whole words and numbers of its spec values with their units ('96', 'gb', 'nvlink',
        '1.8', 'tb'): a typed word matches a spec only as a whole word ("nvl" finds the H200 NVL by name, not
        every NVLink GPU), while it matches the id or name anywhere."""
        if self._spec_tokens is None:
            self._spec_tokens = [frozenset(_TOKEN.findall(spec_words(p))) for p in self._items]
        return self._spec_tokens

    def key_line(self, row: int) -> str:
        """The key specs and list price of a row ('96 GB · 1.792 TB/s · $8,565.00')."""
        part = self._items[row]
        price = self._prices.get(part.id)
        return key_specs(self.kind, part, money(price.list_price, price.currency) if price is not None else "")

    def default_sort_column(self) -> int:
        """The column this kind opens sorted by (-1: catalog order)."""
        field = DEFAULT_SORT.get(self.kind)
        return next((i for i, (f, _) in enumerate(self._columns) if f == field), -1)

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
            text = _display(self._columns[column][0], self._value(row, column))
            if column == 0 and self.kind in KEY_SPEC_KINDS:  # the name over its key specs and list price
                return f"{text}\n{self.key_line(row)}"
            return text
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
            return f"{part.name}\n{part.id}\nSource: {getattr(part, 'source', '')}"
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
                # The unit on a second line: columns as narrow as their figures, so more of them show
                return header.replace(" (", "\n(") if section else header
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
        if self._spec_tokens is not None:
            self._spec_tokens = [self._spec_tokens[r] for r in order_rows]
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
