"""The application context handed to every window and widget (no module-level singletons)."""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import QSettings
from PySide6.QtGui import QUndoStack


@dataclass
class AppContext:
    catalog: object  # configurator.catalog.CatalogRepository
    edition: str  # "internal" or "customer"
    settings: QSettings
    undo_stack: QUndoStack = field(default_factory=QUndoStack)
    user_db: object | None = None  # configurator.store.userdb.UserDatabase
