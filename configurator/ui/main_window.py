"""The main window: assembles docks and actions; no logic lives here."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDockWidget, QMainWindow

from configurator import __version__
from configurator.ui import hotkeys
from configurator.ui.views.catalog_browser import CatalogBrowser
from configurator.ui.views.part_details import PartDetails


class MainWindow(QMainWindow):
    def __init__(self, context, parent=None):
        super().__init__(parent)
        self.context = context
        self.setObjectName("main-window")
        edition = "" if context.edition == "internal" else " — customer edition"
        self.setWindowTitle(f"AI Hardware Configurator {__version__}{edition}")

        self.details = PartDetails(context, self)
        self.setCentralWidget(self.details)

        self.catalog_browser = CatalogBrowser(context, self)
        self.catalog_dock = QDockWidget("Catalog", self)
        self.catalog_dock.setObjectName("dock-catalog")
        self.catalog_dock.setWidget(self.catalog_browser)
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.catalog_dock)
        self.catalog_browser.part_selected.connect(self.details.show_part)

        self._build_actions()
        self.resize(1400, 860)
        self._restore_layout()

    def _build_actions(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        quit_action = QAction("&Quit", self, shortcut=hotkeys.QUIT, triggered=self.close)
        file_menu.addAction(quit_action)
        view_menu = self.menuBar().addMenu("&View")
        find = QAction("&Filter catalog", self, shortcut=hotkeys.FIND,
                       triggered=lambda: self.catalog_browser.current_tab().filter_edit.setFocus())
        view_menu.addAction(find)
        view_menu.addAction(self.catalog_dock.toggleViewAction())
        full = QAction("&Presentation mode", self, shortcut=hotkeys.FULL_SCREEN, checkable=True,
                       toggled=lambda on: self.showFullScreen() if on else self.showNormal())
        view_menu.addAction(full)
        self.addActions([quit_action, find, full])

    def _restore_layout(self) -> None:
        settings = self.context.settings
        geometry = settings.value("window/geometry")
        state = settings.value("window/state")
        if geometry is not None:
            self.restoreGeometry(geometry)
        if state is not None:
            self.restoreState(state)

    def closeEvent(self, event) -> None:
        self.context.settings.setValue("window/geometry", self.saveGeometry())
        self.context.settings.setValue("window/state", self.saveState())
        self.context.settings.sync()
        super().closeEvent(event)
