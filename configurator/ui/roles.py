"""Custom item-data roles shared by the models and views."""

from PySide6.QtCore import Qt

SORT_ROLE = Qt.ItemDataRole.UserRole + 1  # raw value for sorting (numbers sort as numbers)
PART_ID_ROLE = Qt.ItemDataRole.UserRole + 2  # catalog id of the row's part
PART_ROLE = Qt.ItemDataRole.UserRole + 3  # the core dataclass itself
