"""The compare tray as a list: every build put aside (store/compare_tray.py), ticked when compared.

Ticking a fourth build unticks the oldest ticked one (the store decides; the list only shows it). Remove and
Clear act on the store at once: the tray lives in the user database, not in this widget, so closing the
dialog or restarting the app loses nothing. ``changed`` fires after every change.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QPushButton, QVBoxLayout, QWidget

from configurator.core.errors import ConfiguratorError
from configurator.present import count
from configurator.store.compare_tray import MAX_COMPARED, MAX_ITEMS, CompareTray

ITEM_ID_ROLE = Qt.ItemDataRole.UserRole + 1
TOUCH_HEIGHT = 40  # px: buttons a fingertip hits at a booth


class CompareTrayPanel(QWidget):
    changed = Signal()
    message = Signal(str)  # a sentence for the user (what was unticked, why an action was refused)

    def __init__(self, tray: CompareTray, parent=None):
        super().__init__(parent)
        self.tray = tray
        title = QLabel(f"Compare tray (up to {MAX_ITEMS} builds; tick up to {MAX_COMPARED} to compare)")
        title.setWordWrap(True)
        self.list = QListWidget(self)
        self.list.setObjectName("compare-tray-list")
        self.list.setAccessibleName("Builds in the compare tray")
        self.list.setSelectionMode(QListWidget.SelectionMode.SingleSelection)
        self.list.setWordWrap(True)
        self.list.itemChanged.connect(self._ticked)
        self.remove_button = QPushButton("Remove", self)
        self.remove_button.setObjectName("tray-remove")
        self.remove_button.clicked.connect(self.remove_selected)
        self.clear_button = QPushButton("Clear the tray", self)
        self.clear_button.setObjectName("tray-clear")
        self.clear_button.clicked.connect(self.clear)
        buttons = QHBoxLayout()
        for b in (self.remove_button, self.clear_button):
            b.setMinimumHeight(TOUCH_HEIGHT)
            buttons.addWidget(b)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(title)
        layout.addWidget(self.list, 1)
        layout.addLayout(buttons)
        self.reload()

    def reload(self) -> None:
        """Show the tray as the database holds it."""
        self.list.blockSignals(True)
        try:
            self.list.clear()
            for item in self.tray.items():
                row = QListWidgetItem(item.name)
                row.setData(ITEM_ID_ROLE, item.id)
                row.setFlags(row.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                row.setCheckState(Qt.CheckState.Checked if item.compared else Qt.CheckState.Unchecked)
                row.setToolTip(f"{item.name}\nfrom {item.source}" if item.source else item.name)
                self.list.addItem(row)
        finally:
            self.list.blockSignals(False)
        self.remove_button.setEnabled(self.list.count() > 0)
        self.clear_button.setEnabled(self.list.count() > 0)

    def names(self) -> list[str]:
        return [self.list.item(i).text() for i in range(self.list.count())]

    def ticked(self) -> list[str]:
        return [self.list.item(i).text() for i in range(self.list.count())
                if self.list.item(i).checkState() == Qt.CheckState.Checked]

    def row_of(self, name: str) -> QListWidgetItem:
        for i in range(self.list.count()):
            if self.list.item(i).text() == name:
                return self.list.item(i)
        raise KeyError(name)

    # -- actions: each one call on the store ---------------------------------------------------------
    def _ticked(self, row: QListWidgetItem) -> None:
        on = row.checkState() == Qt.CheckState.Checked
        try:
            unticked = self.tray.set_compared(row.data(ITEM_ID_ROLE), on)
        except ConfiguratorError as exc:
            self.message.emit(str(exc))
            unticked = None
        if unticked is not None:
            self.message.emit(f"Comparing up to {MAX_COMPARED}: {unticked.name} was unticked (it stays in the tray).")
        self.reload()
        self.changed.emit()

    def remove_selected(self) -> None:
        row = self.list.currentItem()
        if row is None:
            self.message.emit("Select a build in the tray to remove it.")
            return
        self.tray.remove(row.data(ITEM_ID_ROLE))
        self.reload()
        self.changed.emit()

    def clear(self) -> None:
        self.tray.clear()
        self.reload()
        self.changed.emit()


def add_build(tray: CompareTray, build, name: str, source: str) -> tuple[bool, str]:
    """Put a core Build in the tray (as its build file); (added?, the sentence to show the user)."""
    from configurator.core.buildfile import dumps

    try:
        item, unticked = tray.add(name or "Untitled build", dumps(build), source)
    except ConfiguratorError as exc:
        return False, f"Not added to compare: {exc}."
    text = f"Added {item.name} to the compare tray ({count(len(tray), 'build')})."
    if unticked is not None:
        text += f" {unticked.name} is no longer ticked for comparison (it stays in the tray)."
    return True, text


def document_name(document) -> str:
    """The name a build gets in the tray: its own, else its file's, else 'Current build'."""
    from pathlib import Path

    return document.build.name or (Path(document.path).stem if document.path else "Current build")


def add_document(context, document) -> tuple[bool, str]:
    """Put the open build (as it stands, unsaved changes included) in the context's tray."""
    tray, own = open_tray(context)
    try:
        return add_build(tray, document.build, document_name(document), "current build")
    finally:
        if own is not None:
            own.close()


def add_build_file(context, path) -> tuple[bool, str]:
    """Put the build file at ``path`` in the context's tray; a bad file is refused with its reason."""
    from pathlib import Path

    from configurator.core.buildfile import load

    try:
        build = load(path, context.catalog)
    except (ConfiguratorError, OSError) as exc:
        return False, f"Not added to compare: {exc}"
    tray, own = open_tray(context)
    try:
        return add_build(tray, build, build.name or Path(path).stem, str(path))
    finally:
        if own is not None:
            own.close()


def open_tray(context) -> tuple[CompareTray, object | None]:
    """The tray of the context's user database; (tray, a database opened here that the caller closes) when
    the context has none."""
    user_db = getattr(context, "user_db", None)
    own = None
    if user_db is None:
        from configurator.store.userdb import UserDatabase, user_database_path

        user_db = own = UserDatabase(user_database_path())
    return CompareTray(user_db.db), own


__all__ = ["CompareTrayPanel", "add_build", "add_build_file", "add_document", "document_name", "open_tray"]
