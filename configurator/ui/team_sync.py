"""Syncing with the team server from the window: a worker on a QThreadPool thread (the window never waits on
the network), the state in a permanent status-bar label with the last sync time, a Team menu (Sync now,
Orders) and a sync every few minutes while the app is open and the installation is registered.

The worker opens its own user database connection (a SQLite connection belongs to the thread that made it) and
runs configurator/team/engine.py; the label reads the result on the GUI thread through queued signals.
"""

from __future__ import annotations

import threading
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal
from PySide6.QtWidgets import QLabel

from configurator.present import count

AUTO_SYNC_S = 300  # a sync every 5 minutes while registered: price lists arrive without anyone asking


class _Signals(QObject):
    done = Signal(dict)
    failed = Signal(str)


class _SyncRun(QRunnable):
    def __init__(self, user_db_path: Path, catalog_path: Path | None, signals: _Signals, owner: "TeamSync"):
        super().__init__()
        self.user_db_path = user_db_path
        self.catalog_path = catalog_path
        self.signals = signals
        self.owner = owner
        self.setAutoDelete(True)

    def run(self) -> None:  # on a pool thread
        from configurator.core.errors import ConfiguratorError
        from configurator.store.userdb import UserDatabase
        from configurator.team.engine import SyncEngine

        self.owner.worker_thread = threading.get_ident()
        try:
            userdb = UserDatabase(self.user_db_path)
            try:
                result = SyncEngine(userdb, self.catalog_path).run()
            finally:
                userdb.close()
        except ConfiguratorError as exc:
            self.signals.failed.emit(" ".join(str(exc).split()))
            return
        except Exception as exc:  # noqa: BLE001 - a sync must never take the window down; the label says why
            self.signals.failed.emit(f"the sync failed ({exc.__class__.__name__}: {' '.join(str(exc).split())[:120]})")
            return
        self.signals.done.emit(result.as_dict())


def shown_time(server_time: str | None) -> str:
    """A server timestamp (ISO 8601, UTC) in this computer's local time, to the minute."""
    if not server_time:
        return "never"
    try:
        return datetime.fromisoformat(server_time).astimezone().strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return server_time


class TeamSync(QObject):
    """The window's link to the team server; ``label`` shows its state."""

    finished = Signal(dict)  # after a sync: the result (SyncResult.as_dict()), or {"error": line}

    def __init__(self, user_db_path: Path, catalog_path: Path | None, label: QLabel | None = None,
                 parent: QObject | None = None, interval_s: float = AUTO_SYNC_S, read_db=None):
        super().__init__(parent)
        self.user_db_path = Path(user_db_path)
        self.catalog_path = catalog_path
        self.label = label or QLabel()
        self.label.setObjectName("team-sync-status")
        self.read_db = read_db  # the window's UserDatabase (GUI thread) for the registration and the last sync
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        self.running = False
        self.worker_thread: int | None = None
        self.last_result: dict | None = None
        self.signals = _Signals()
        self.signals.done.connect(self._done)
        self.signals.failed.connect(self._failed)
        self.timer = QTimer(self)
        self.timer.setInterval(int(interval_s * 1000))
        self.timer.timeout.connect(self.sync_now)
        self.refresh_label()
        if self.registered():
            self.timer.start()

    def _registration(self):
        from configurator.team import local

        if self.read_db is None:
            return None, None
        return local.registration(self.read_db.db), local.last_sync(self.read_db.db)

    def registered(self) -> bool:
        return self._registration()[0] is not None

    def refresh_label(self, problem: str = "") -> None:
        reg, last = self._registration()
        if reg is None:
            self.label.setText("Team: not registered")
            self.label.setToolTip("configurator team register --server URL --name NAME connects this installation "
                                  "to the office's team server (docs/team-server.md)")
            return
        if problem:
            self.label.setText(f"Team: offline, last sync {shown_time(last)}")
            self.label.setToolTip(problem)
            return
        text = f"Team: last sync {shown_time(last)}"
        tip = f"Registered as '{reg.name}' ({reg.edition} edition)"
        if self.last_result:
            sent = sum(self.last_result["pushed"].values())
            received = sum(v for k, v in self.last_result["pulled"].items() if k != "price_lists")
            text += f" ({count(sent, 'item')} sent, {count(received, 'item')} received)"
            if self.last_result.get("refused"):
                tip += "\n" + "\n".join(self.last_result["refused"][:5])
        self.label.setText(text)
        self.label.setToolTip(tip)

    def sync_now(self) -> bool:
        """Start a sync on the worker thread; False when one is running or the installation is not registered."""
        if self.running or not self.registered():
            self.refresh_label()
            return False
        self.running = True
        self.label.setText("Team: syncing…")
        self.pool.start(_SyncRun(self.user_db_path, self.catalog_path, self.signals, self))
        return True

    def _done(self, result: dict) -> None:
        self.running = False
        self.last_result = result
        self.refresh_label()
        self.finished.emit(result)

    def _failed(self, message: str) -> None:
        self.running = False
        self.refresh_label(problem=message)
        self.finished.emit({"error": message})

    def shutdown(self) -> None:
        self.timer.stop()
        self.pool.waitForDone(15000)  # a sync cut off here is finished by the next one (engine.py)


def attach_team(window) -> TeamSync:
    """The status-bar label, the Team menu (Sync now, Orders) and the periodic sync on a MainWindow."""
    ctx = window.context
    user_db = getattr(ctx, "user_db", None)
    catalog_path = getattr(ctx.catalog, "path", None)
    label = QLabel(window)
    window.statusBar().addPermanentWidget(label)
    team = TeamSync(user_db.path if user_db is not None else Path(), catalog_path, label, window, read_db=user_db)
    menu = window.menuBar().addMenu("T&eam")
    sync_action = menu.addAction("&Sync now")
    sync_action.triggered.connect(team.sync_now)
    orders_action = menu.addAction("&Orders to build…")
    orders_action.triggered.connect(lambda: open_orders(window, team))
    orders_action.setEnabled(ctx.edition == "internal")
    return team


def open_orders(window, team: TeamSync) -> None:
    from configurator.ui.views.orders_view import OrdersDialog

    dialog = OrdersDialog(team.read_db, window)
    dialog.view.refresh()
    dialog.exec()
    dialog.deleteLater()
