"""The shop's orders (technician role): quote revisions marked won on any internal installation, with their
builds, read from the team server on a worker thread (configurator/team/admin.py fetch_orders)."""

from __future__ import annotations

import json

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Qt, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPushButton, QTableView, QVBoxLayout, QWidget

from configurator.present import count

COLUMNS = ("Quote", "Build", "Customer", "Company", "Won", "Sold by")


class _Signals(QObject):
    done = Signal(list)
    failed = Signal(str)


class _Fetch(QRunnable):
    def __init__(self, url: str, user: str | None, password: str | None, signals: _Signals):
        super().__init__()
        self.args = (url, user, password)
        self.signals = signals

    def run(self) -> None:
        from configurator.core.errors import ConfiguratorError
        from configurator.team.admin import fetch_orders

        try:
            orders = fetch_orders(*self.args)
        except ConfiguratorError as exc:
            self.signals.failed.emit(" ".join(str(exc).split()))
            return
        except Exception as exc:  # noqa: BLE001 - shown in the view, never a crash
            self.signals.failed.emit(f"the orders could not be read ({exc.__class__.__name__})")
            return
        self.signals.done.emit([o.as_dict() for o in orders])


class OrdersView(QWidget):
    """A table of the orders; ``refresh()`` reads them again from the server."""

    loaded = Signal(int)  # the number of orders shown (-1 after a failure)

    def __init__(self, user_db, parent=None):
        super().__init__(parent)
        self.user_db = user_db
        self.orders: list[dict] = []
        self.model = QStandardItemModel(0, len(COLUMNS), self)
        self.model.setHorizontalHeaderLabels(list(COLUMNS))
        self.table = QTableView(self)
        self.table.setObjectName("orders-table")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.status = QLabel("", self)
        self.status.setObjectName("orders-status")
        self.status.setWordWrap(True)
        self.refresh_button = QPushButton("&Refresh", self)
        self.refresh_button.clicked.connect(self.refresh)
        box = QVBoxLayout(self)
        box.addWidget(self.status)
        box.addWidget(self.table, 1)
        box.addWidget(self.refresh_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        self.signals = _Signals()
        self.signals.done.connect(self._show)
        self.signals.failed.connect(self._failed)

    def refresh(self) -> bool:
        from configurator.core.errors import ConfiguratorError
        from configurator.team.admin import registered_or_url

        try:
            url, user, password = registered_or_url(self.user_db, None)
        except ConfiguratorError as exc:
            self._failed(" ".join(str(exc).split()))
            return False
        self.status.setText("Reading the orders from the team server…")
        self.refresh_button.setEnabled(False)
        self.pool.start(_Fetch(url, user, password, self.signals))
        return True

    def _show(self, orders: list) -> None:
        self.orders = orders
        self.model.removeRows(0, self.model.rowCount())
        for o in orders:
            cells = [o["quote"], o["build_name"] or "(unnamed build)", o["customer"].get("name", ""),
                     o["customer"].get("company", ""), o["marked_at"][:10], o["installation"]]
            items = [QStandardItem(c) for c in cells]
            items[0].setData(json.dumps(o["build"]), Qt.ItemDataRole.UserRole)  # the build the sheet is made from
            self.model.appendRow(items)
        self.table.resizeColumnsToContents()
        self.status.setText(f"{count(len(orders), 'order')} to build")
        self.refresh_button.setEnabled(True)
        self.loaded.emit(len(orders))

    def _failed(self, message: str) -> None:
        self.status.setText(message)
        self.refresh_button.setEnabled(True)
        self.loaded.emit(-1)

    def shutdown(self) -> None:
        self.pool.waitForDone(15000)


class OrdersDialog(QDialog):
    def __init__(self, user_db, parent=None):
        super().__init__(parent)
        self.setObjectName("orders-dialog")
        self.setWindowTitle("Orders to build")
        self.view = OrdersView(user_db, self)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        box = QVBoxLayout(self)
        box.addWidget(self.view, 1)
        box.addWidget(buttons)
        self.resize(900, 500)
        self.finished.connect(lambda _r: self.view.shutdown())
