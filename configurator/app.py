"""Starting the Qt application: `configurator` with no command, and `configurator --smoke`.

Start-up recovery: a catalog or user database file that cannot be read is found before the window
opens. The user is asked (``ask``) whether to rebuild the catalog from db/ (the damaged file is kept
as ``.damaged``) or to move the damaged user database aside and start with an empty one; declining
leaves every file as it is and exits with status 2. Where nobody can answer (--smoke, offscreen) the
problem is one line on stderr and exit status 2.
"""

from __future__ import annotations

import os
import sqlite3
import sys
import time
from typing import Any, Callable

from configurator.core.errors import ConfiguratorError


def process_age_ms() -> float:
    """Milliseconds since this process was created (Linux: /proc, 10 ms tick resolution).

    Elsewhere, falls back to the stamp the package takes when it is first imported.
    """
    try:
        with open("/proc/self/stat", encoding="ascii") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
        start_ticks = int(fields[19])  # field 22 of stat(5); the first two are cut off above
        start_s = start_ticks / os.sysconf("SC_CLK_TCK")
        return (time.clock_gettime(time.CLOCK_BOOTTIME) - start_s) * 1000.0
    except (OSError, ValueError, IndexError, AttributeError):
        from configurator import PROCESS_START

        return (time.perf_counter() - PROCESS_START) * 1000.0


# ask(title, question) -> yes?  None where nobody can answer (--smoke, an offscreen platform, tests).
Ask = Callable[[str, str], bool]


class StartupError(ConfiguratorError):
    """The app cannot start; the message is one line naming the file and what to do."""


def open_catalog_checked(ask: Ask | None):
    """The catalog repository; a damaged catalog file is rebuilt from db/ only when ``ask`` agrees."""
    from configurator.catalog.locate import CatalogDamagedError, DAMAGED_SUFFIX, open_catalog, rebuild_catalog

    try:
        return open_catalog()
    except CatalogDamagedError as exc:
        damaged = exc
    if ask is None:
        raise StartupError(f"{damaged}; start the app to rebuild it, or delete the file") from None
    question = (f"The parts catalog cannot be read:\n{damaged.path}\n({damaged.reason})\n\n"
                f"Rebuild it from the catalog sources shipped with the app? The damaged file is kept as "
                f"{damaged.path.name}{DAMAGED_SUFFIX}; prices imported into it must be imported again.")
    if not ask("Parts catalog damaged", question):
        raise StartupError(f"{damaged}; not rebuilt, the file is left as it is") from None
    rebuild_catalog(damaged.path)
    return open_catalog()


def open_user_db_checked(ask: Ask | None, path=None):
    """The user database; a damaged file is moved aside (never deleted) for a fresh one only when ``ask`` agrees."""
    from configurator.store.userdb import UserDatabase, UserDatabaseError, database_problem, quarantine
    from configurator.store.userdb import user_database_path

    from configurator.core.database_errors import DAMAGED

    path = path or user_database_path()
    problem = database_problem(path)
    if problem is None:
        try:
            return UserDatabase(path)
        except UserDatabaseError as exc:
            if exc.kind != DAMAGED:  # busy, read-only, full disk: not damage, nothing to move aside
                raise StartupError(str(exc)) from None
            problem = " ".join(str(exc.__context__ or exc).split())
    where = f"the user database {path} is damaged ({problem})"
    if ask is None:
        raise StartupError(f"{where}; start the app to move it aside and start fresh") from None
    question = (f"The user database (saved quotes, customers, autosaves, recent files) cannot be read:\n"
                f"{path}\n({problem})\n\nMove the damaged file aside (it is kept, renamed "
                f"{path.name}.damaged-<date>) and start with an empty user database?")
    if not ask("User database damaged", question):
        raise StartupError(f"{where}; not moved, the file is left as it is") from None
    moved = quarantine(path)
    print(f"configurator: the damaged user database was moved to {moved}", file=sys.stderr)
    return UserDatabase(path)


def create_context(ask: Ask | None = None):
    from PySide6.QtCore import QSettings

    from configurator.paths import edition, user_config_dir
    from configurator.ui.context import AppContext

    settings = QSettings(str(user_config_dir() / "settings.ini"), QSettings.Format.IniFormat)
    from configurator.store.quotes import QuoteStore

    catalog = open_catalog_checked(ask)
    user_db = open_user_db_checked(ask)
    user_db.start_session()
    for problem in QuoteStore(user_db.db).recover_documents():  # a quote export that died after its commit
        print(f"configurator: {problem}", file=sys.stderr)
    return AppContext(catalog=catalog, edition=edition(), settings=settings, user_db=user_db)


def _dialog_ask(app) -> Ask | None:
    """A yes/no message box, or None where no one can answer it (offscreen and minimal platforms)."""
    from PySide6.QtWidgets import QMessageBox

    if app.platformName() in ("offscreen", "minimal"):
        return None

    def ask(title: str, question: str) -> bool:
        answer = QMessageBox.warning(None, title, question,
                                     QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                                     QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes

    return ask


_NOT_GIVEN: Any = object()


def run_app(smoke: str | None = None, ask: Ask | None = _NOT_GIVEN, open_path: str | None = None) -> int:
    """Run the app; 2 when it cannot start. ``ask`` answers start-up recovery questions (a message box
    by default; with --smoke nobody answers: a damaged file is one line on stderr and exit status 2).
    ``open_path``: a build file to open in the window (`configurator FILE.json`, the desktop entry's %f); a
    file that cannot be opened is the usual "Cannot open build" message over an empty build, or, where
    nobody can read a message box, one line on stderr and exit status 2."""
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("AI Hardware Configurator")
    if ask is _NOT_GIVEN:
        ask = None if smoke is not None else _dialog_ask(app)
    if smoke is None:  # one window per user database: a running one takes the file (never when timing a start)
        from configurator.ui.single_instance import hand_over

        if hand_over(open_path):
            return 0
    try:
        context = create_context(ask)
    except StartupError as exc:  # declined, or nobody to ask: the message is the whole story
        print(f"configurator: error: {exc}", file=sys.stderr)
        return 2
    except sqlite3.Error as exc:
        print(f"configurator: error: database error ({' '.join(str(exc).split())})", file=sys.stderr)
        return 2
    except (ConfiguratorError, OSError) as exc:
        print(f"configurator: error: {exc}", file=sys.stderr)
        if smoke is None and ask is not None:
            QMessageBox.critical(None, "Cannot start", f"The configurator cannot start:\n{exc}")
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
    elif smoke is None and open_path:
        if ask is None:  # nobody to read a message box (offscreen): one line and exit 2, as for start-up problems
            from configurator.core.buildfile import load

            try:
                load(open_path, context.catalog)
            except (ConfiguratorError, OSError) as exc:
                print(f"configurator: error: {' '.join(str(exc).split())}", file=sys.stderr)
                window.files.shutdown()
                return 2
        window.files.open(open_path)  # the file asked for wins over an autosave offer (which stays for next time)
    elif smoke is None:
        window.files.offer_restore()

    if smoke is not None:
        failures: list[str] = []
        previous_hook = sys.excepthook

        def record(kind, value, tb):  # an exception in a slot: Qt would print it and carry on with exit 0
            failures.append(f"{kind.__name__}: {' '.join(str(value).split())}")
            previous_hook(kind, value, tb)

        sys.excepthook = record

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
        sys.excepthook = previous_hook
        if failures:
            print(f"configurator: error: {failures[0]}" + (f" (and {len(failures) - 1} more)" if len(failures) > 1
                                                           else ""), file=sys.stderr)
            return 1
        if watcher.painted_ms is None:
            print("configurator: error: the window never painted", file=sys.stderr)
            return 1
        print(f"startup_ms={watcher.painted_ms:.0f}")
        return 0

    from configurator.ui.single_instance import InstanceServer, bring_forward

    server = InstanceServer(lambda path: bring_forward(window, path), parent=window)
    window.show_on_screen()
    try:
        return app.exec()
    finally:
        server.close()

