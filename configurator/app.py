"""Starting the Qt application: `configurator` with no command, and `configurator --smoke`."""

from __future__ import annotations

import os
import sys
import time

from configurator.core.errors import ConfiguratorError


def process_age_ms() -> float:
    """Milliseconds since this process was created (Linux: /proc, 10 ms tick resolution).

    Elsewhere, falls back to the stamp __main__ takes before any heavy import.
    """
    try:
        with open("/proc/self/stat", encoding="ascii") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
        start_ticks = int(fields[19])  # field 22 of stat(5); the first two are cut off above
        start_s = start_ticks / os.sysconf("SC_CLK_TCK")
        return (time.clock_gettime(time.CLOCK_BOOTTIME) - start_s) * 1000.0
    except (OSError, ValueError, IndexError, AttributeError):
        from configurator.__main__ import PROCESS_START

        return (time.perf_counter() - PROCESS_START) * 1000.0


def create_context():
    from PySide6.QtCore import QSettings

    from configurator.catalog import open_catalog
    from configurator.paths import edition, user_config_dir
    from configurator.store.userdb import UserDatabase, user_database_path
    from configurator.ui.context import AppContext

    settings = QSettings(str(user_config_dir() / "settings.ini"), QSettings.Format.IniFormat)
    user_db = UserDatabase(user_database_path())
    user_db.start_session()
    return AppContext(catalog=open_catalog(), edition=edition(), settings=settings, user_db=user_db)


def run_app(smoke: str | None = None) -> int:
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("AI Hardware Configurator")
    try:
        context = create_context()
    except ConfiguratorError as exc:
        if smoke is not None:
            print(f"configurator: error: {exc}", file=sys.stderr)
            return 2
        QMessageBox.critical(None, "Catalog problem", f"The parts catalog cannot be opened:\n{exc}")
        return 2
    from configurator.ui.main_window import MainWindow

    window = MainWindow(context)
    if smoke:
        try:
            window.document.open(smoke)
        except (ConfiguratorError, OSError) as exc:
            print(f"configurator: error: {exc}", file=sys.stderr)
            window.files.shutdown()
            return 2
    elif smoke is None:
        window.files.offer_restore()

    if smoke is not None:
        class FirstPaint(QObject):
            painted_ms: float | None = None

            def eventFilter(self, obj, event):  # noqa: N802 (Qt naming)
                if event.type() == QEvent.Type.Paint and self.painted_ms is None:
                    self.painted_ms = process_age_ms()
                    QTimer.singleShot(0, app.quit)
                return False

        watcher = FirstPaint()
        window.installEventFilter(watcher)
        QTimer.singleShot(20000, app.quit)  # never hang a script
        window.show()
        app.exec()
        window.removeEventFilter(watcher)
        window.files.shutdown()
        if watcher.painted_ms is None:
            print("configurator: error: the window never painted", file=sys.stderr)
            return 1
        print(f"startup_ms={watcher.painted_ms:.0f}")
        return 0

    window.show()
    return app.exec()

