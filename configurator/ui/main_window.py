"""The main window: assembles docks and actions; no logic lives here."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QFont
from PySide6.QtWidgets import (
    QApplication, QDockWidget, QFrame, QMainWindow, QScrollArea, QSplitter, QTableView, QVBoxLayout, QWidget,
)

from configurator import __version__
from configurator.paths import resource
from configurator.ui import hotkeys
from configurator.ui.views.chart_panel import ChartPanel
from configurator.ui.document import BuildDocument
from configurator.ui.file_controller import FileController
from configurator.ui.icons import app_icon
from configurator.ui.touch import kinetic_scrolling, name_form_fields
from configurator.ui.models.build_parts_model import BuildPartsModel
from configurator.ui.views.build_view import BuildView
from configurator.ui.views.catalog_browser import CatalogBrowser
from configurator.ui.views.findings_view import FindingsView
from configurator.ui.views.part_details import PartDetails
from configurator.ui.views.price_summary import PriceSummary
from configurator.ui.views.roi_panel import RoiPanel
from configurator.ui.views.verdict_strip import VerdictStrip
from configurator.ui.views.workload_panel import WorkloadPanel

APP_TITLE = "AI Hardware Configurator"
PRESENTATION_SCALE = 1.5  # font scale in visitor mode (trade-show screens, touch): text at least 1.5x
# Touch targets at 1.5x the usual 30 px: buttons, fields and slider handles a finger hits at a booth.
PRESENTATION_STYLE = "QPushButton, QComboBox, QSpinBox, QDoubleSpinBox, QLineEdit { min-height: 48px; }" \
                     " QSlider::handle:horizontal { width: 40px; } QSlider { min-height: 48px; }"
COMFORTABLE_SIZE = (1600, 1000)  # px: below this available screen size the window opens maximised


class MainWindow(QMainWindow):
    def __init__(self, context, ask=None, parent=None):
        super().__init__(parent)
        self.context = context
        self.setObjectName("main-window")
        self.setWindowIcon(app_icon())
        self.document = BuildDocument(context.catalog, context.undo_stack, self)
        from configurator.ui.dialog_folders import FileDialogs

        self.dialogs = FileDialogs(context.settings)  # file dialogs that remember their folders (QSettings)
        self.files = FileController(self.document, context.user_db, self, ask=ask, parent=self, dialogs=self.dialogs)

        self.build_view = BuildView(self.document, self)
        # The build scrolls rather than crushing slots or letting chips cover sockets on a short screen.
        self.build_scroll = QScrollArea(self)
        self.build_scroll.setObjectName("build-scroll")
        self.build_scroll.setWidgetResizable(True)
        self.build_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.build_scroll.setWidget(self.build_view)
        self.verdict = VerdictStrip(self.document, self)
        self.parts_model = BuildPartsModel(self.document, self)
        self.parts_table = QTableView(self)
        self.parts_table.setObjectName("build-parts")
        self.parts_table.setModel(self.parts_model)
        self.parts_table.verticalHeader().setVisible(False)
        self.parts_table.horizontalHeader().setStretchLastSection(True)
        self.parts_table.setAcceptDrops(True)
        self.parts_table.setDragEnabled(True)
        self.charts = ChartPanel(self.document, self)
        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.setObjectName("centre")
        self.splitter.addWidget(self.build_scroll)
        self.splitter.addWidget(self.charts)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setChildrenCollapsible(False)
        centre = QWidget(self)
        box = QVBoxLayout(centre)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(2)
        box.addWidget(self.verdict)
        box.addWidget(self.splitter, 1)
        self.setCentralWidget(centre)

        self.catalog_browser = CatalogBrowser(context, self)
        self.details = PartDetails(context, self)
        self.workload = WorkloadPanel(self.document, self)
        self.findings = FindingsView(self.document, self)
        self.price = PriceSummary(self.document, context.edition, self)
        self.roi = RoiPanel(self.document, self)
        from configurator.ui.views.build_properties import BuildProperties

        self.properties = BuildProperties(self.document, self)
        self.catalog_dock = self._dock("Catalog", "dock-catalog", self.catalog_browser, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.details_dock = self._dock("Part", "dock-details", self.details, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.parts_dock = self._dock("Parts list", "dock-parts", self.parts_table, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.tabifyDockWidget(self.details_dock, self.parts_dock)
        self.details_dock.raise_()
        self.workload_dock = self._dock("Workload", "dock-workload", self.workload, Qt.DockWidgetArea.RightDockWidgetArea)
        self.findings_dock = self._dock("Checks", "dock-findings", self.findings, Qt.DockWidgetArea.RightDockWidgetArea)
        from configurator.ui.views.lanes_view import LanesView

        self.lanes = LanesView(self.document, self)  # the lane map and DIMM population, as on the build sheet
        self.lanes_dock = self._dock("Lanes && memory", "dock-lanes", self.lanes, Qt.DockWidgetArea.RightDockWidgetArea)
        self.price_dock = self._dock("Price", "dock-price", self.price, Qt.DockWidgetArea.RightDockWidgetArea)
        self.roi_dock = self._dock("ROI", "dock-roi", self.roi, Qt.DockWidgetArea.RightDockWidgetArea)
        self.tabifyDockWidget(self.workload_dock, self.roi_dock)
        self.properties_dock = self._dock("Build", "dock-build", self.properties, Qt.DockWidgetArea.RightDockWidgetArea)
        self.tabifyDockWidget(self.workload_dock, self.properties_dock)
        self.tabifyDockWidget(self.workload_dock, self.lanes_dock)
        self.workload_dock.raise_()

        self.catalog_browser.part_selected.connect(self.details.show_part)
        self.findings.parts_selected.connect(self.build_view.highlight_parts)
        self.document.path_changed.connect(lambda _p: self._update_title())
        self.document.modified_changed.connect(lambda _m: self._update_title())
        self.document.build_changed.connect(lambda e: self._update_title() if e.section in ("name", "all") else None)
        self.files.recent_changed.connect(self._fill_recent)
        self.build_view.status_message.connect(self._status)
        self.verdict.activated.connect(self.explain)
        self.parts_model.refused.connect(self._status)
        self.workload.workloads.status_message.connect(self._status)

        kinetic_scrolling(self)
        name_form_fields(self)
        self._base_font = QFont(QApplication.font())
        self._build_actions()
        self._fill_recent(context.user_db.recent_files())
        self._update_title()
        self.resize(1600, 1000)
        self._restore_layout()
        from configurator.ui.team_sync import attach_team

        self.team = attach_team(self)  # Team menu, team-server sync state in the status bar (ui/team_sync.py)

    def _dock(self, title: str, name: str, widget, area) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(name)
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        return dock

    # -- actions ---------------------------------------------------------------------------------
    def _action(self, menu, text: str, slot, shortcut=None, **kw) -> QAction:
        action = QAction(text, self, **kw)
        if shortcut is not None:
            action.setShortcuts(shortcut if isinstance(shortcut, list) else [shortcut])
        action.triggered.connect(slot)
        menu.addAction(action)
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        new_menu = file_menu.addMenu("&New")
        self._action(new_menu, "&Workstation", lambda: self.files.new("workstation"), hotkeys.NEW)
        self._action(new_menu, "&SXM server", lambda: self.files.new("sxm_server"))
        self._action(new_menu, "&Cluster", lambda: self.files.new("cluster"))
        self._action(file_menu, "&Open…", lambda: self.files.open(), hotkeys.OPEN)
        examples = file_menu.addMenu("Open &example")
        for path in sorted(resource("examples").glob("*.json")):
            self._action(examples, path.stem, lambda _=False, p=path: self.files.open_example(p))
        self.recent_menu = file_menu.addMenu("Open &recent")
        self._action(file_menu, "&Save", lambda: self.files.save(), hotkeys.SAVE)
        self._action(file_menu, "Save &as…", lambda: self.files.save_as(), hotkeys.SAVE_AS)
        file_menu.addSeparator()
        from configurator.ui.document_export import export_bom, export_build_sheet

        self._action(file_menu, "Export &build sheet…", lambda: export_build_sheet(self))
        self._action(file_menu, "Export BO&M…", lambda: export_bom(self))
        file_menu.addSeparator()
        self._action(file_menu, "&Quit", self.close, hotkeys.QUIT)

        edit = bar.addMenu("&Edit")
        undo = self.document.undo_stack.createUndoAction(self, "&Undo")
        undo.setShortcut(hotkeys.UNDO)
        redo = self.document.undo_stack.createRedoAction(self, "&Redo")
        redo.setShortcut(hotkeys.REDO)
        edit.addActions([undo, redo])
        self.addActions([undo, redo])
        add = QAction("&Add selected part to build", self.catalog_browser)
        add.setShortcuts(hotkeys.ADD_PART)
        add.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        add.triggered.connect(self.add_selected_part)
        self.catalog_browser.part_activated.connect(lambda _part: self.add_selected_part())  # double-click adds
        self.catalog_browser.addAction(add)
        edit.addAction(add)

        tools = bar.addMenu("&Tools")
        self._action(tools, "&Recommend a build…", self.open_wizard, hotkeys.WIZARD)
        self._action(tools, "&Compare builds…", self.open_compare, hotkeys.COMPARE)
        self._action(tools, "Add current build to co&mpare", self.add_current_to_compare)
        self._action(tools, "Add a build &file to compare…", self.add_file_to_compare)
        self._action(tools, "&Quote…", self.open_quote, hotkeys.QUOTE)
        self._action(tools, "Company &branding…", self.open_branding)
        self._action(tools, "Saved &quotes…", self.open_quote_browser)

        view = bar.addMenu("&View")
        self._action(view, "&Filter catalog", lambda: self.catalog_browser.current_tab().filter_edit.setFocus(),
                     hotkeys.FIND)
        self.presentation_action = self._action(view, "&Visitor mode (presentation)", self.set_presentation,
                                                hotkeys.FULL_SCREEN, checkable=True)
        self.hide_internal_action = self._action(view, "&Hide internal figures", self.set_hide_internal,
                                                 checkable=True)
        self.hide_internal_action.setEnabled(self.context.edition == "internal")
        view.addSeparator()
        for dock in (self.catalog_dock, self.details_dock, self.parts_dock, self.workload_dock, self.findings_dock,
                     self.lanes_dock, self.price_dock, self.roi_dock, self.properties_dock):
            view.addAction(dock.toggleViewAction())

    def _fill_recent(self, paths: list[str]) -> None:
        self.recent_menu.clear()
        for p in paths:
            action = self.recent_menu.addAction(p)
            action.triggered.connect(lambda _=False, path=p: self.files.open(path))
        self.recent_menu.setEnabled(bool(paths))

    # -- slots: build a command or call the core, nothing else -----------------------------------
    def add_selected_part(self) -> None:
        part = self.catalog_browser.current_tab().selected_part()
        if part is None or self.catalog_browser.current_tab().kind in ("models", "engines"):
            return
        result = self.build_view.add_part(part.id)
        if result:
            self.statusBar().showMessage(f"Added {part.name}", 4000)
        else:
            self.statusBar().showMessage(f"Cannot add {part.name}: {' '.join(result.reasons)}", 8000)

    def open_wizard(self) -> None:
        from configurator.ui.views.wizard import WizardDialog

        wizard = WizardDialog(self.context, self)
        wizard.build_chosen.connect(lambda build: self.document.adopt(build, "Use recommended build"))
        wizard.exec()
        wizard.deleteLater()

    def open_compare(self) -> None:
        from configurator.ui.views.compare_dialog import CompareDialog

        dialog = CompareDialog(self.context, self.document, self)
        dialog.exec()
        dialog.deleteLater()

    def add_current_to_compare(self) -> bool:
        from configurator.ui.views.compare_tray import add_document

        ok, text = add_document(self.context, self.document)
        self._status(text)
        return ok

    def add_file_to_compare(self, path=None) -> bool:
        from configurator.ui.views.compare_tray import add_build_file

        path = path or self.dialogs.open_file(self, "build", "Add build to compare", "Build files (*.json)")
        ok, text = add_build_file(self.context, path) if path else (False, "")
        self._status(text)
        return ok

    def open_quote(self) -> None:
        from configurator.ui.views.quote_dialog import QuoteDialog

        from configurator.ui.views.branding_dialog import offer_first_setup

        self.document.recompute()
        offer_first_setup(self)  # the company's own letterhead before the first quote (once)
        dialog = QuoteDialog(self.context, self.document, self, ask=self.files.ask, dialogs=self.dialogs)
        dialog.exec()
        dialog.deleteLater()

    def open_branding(self) -> None:
        from configurator.ui.views.branding_dialog import BrandingDialog

        dialog = BrandingDialog(self.context.user_db, self, dialogs=self.dialogs)
        dialog.exec()
        dialog.deleteLater()

    def open_quote_browser(self) -> None:
        from configurator.ui.views.quote_browser import QuoteBrowser

        browser = QuoteBrowser(self.context, self, files=self.files, dialogs=self.dialogs)
        browser.exec()
        browser.deleteLater()

    def _status(self, text: str) -> None:
        if text:
            self.statusBar().showMessage(text, 8000)
        else:
            self.statusBar().clearMessage()

    def explain(self, key: str) -> None:
        """A click on the verdict: show the chart (or panel) that explains that part of it."""
        chart = {"memory": "memory", "speed": "throughput", "ttft": "ttft", "training": "training"}.get(key)
        if chart is not None:
            sizes = self.splitter.sizes()
            if sizes[1] < self.charts.minimumSizeHint().height():
                self.splitter.setSizes([max(sizes[0] // 2, 1), sum(sizes) - max(sizes[0] // 2, 1)])
            self.charts.reveal(chart)
            return
        if key == "workloads" and self.visitor:  # no docks in visitor mode: a tap shows the next workload
            build = self.document.build
            self.document.select_workload((build.selected_workload + 1) % len(build.workloads))
            return
        dock = {"checks": self.findings_dock, "price": self.price_dock, "workloads": self.workload_dock}.get(key)
        if dock is not None and not self.visitor:
            dock.show()
            dock.raise_()
            dock.widget().setFocus()

    @property
    def visitor(self) -> bool:
        return self.presentation_action.isChecked()

    def set_hide_internal(self, on: bool) -> None:
        """Dealer cost and margin off the screen (the customer edition never has them)."""
        show = self.context.edition == "internal" and not on and not self.visitor
        self.price.set_show_cost(show)
        self.details.set_show_cost(show)

    def set_presentation(self, on: bool) -> None:
        """Visitor mode (F11): full screen, side docks hidden, the build, the verdict and the two charts that
        matter, text and touch targets at 1.5x, and never a dealer cost or margin on screen."""
        if on != self.presentation_action.isChecked():
            self.presentation_action.setChecked(on)
        font = QFont(self._base_font)
        if on:
            font.setPointSizeF(self._base_font.pointSizeF() * PRESENTATION_SCALE)
            self._docks_before = [d for d in self.docks() if d.isVisible()]
            for dock in self.docks():
                dock.hide()
        QApplication.setFont(font)
        self.setStyleSheet(PRESENTATION_STYLE if on else "")
        self.charts.set_visitor(on)
        self.set_hide_internal(self.hide_internal_action.isChecked())
        if not on:
            for dock in getattr(self, "_docks_before", self.docks()):
                dock.show()
        self.showFullScreen() if on else self.showNormal()
        if on:  # the two charts get the larger share: they carry the answer at a glance
            total = sum(self.splitter.sizes())
            self.splitter.setSizes([int(total * 0.4), total - int(total * 0.4)])

    def docks(self) -> list[QDockWidget]:
        return [self.catalog_dock, self.details_dock, self.parts_dock, self.workload_dock, self.findings_dock,
                self.lanes_dock, self.price_dock, self.roi_dock, self.properties_dock]

    def show_on_screen(self) -> None:
        """First start fits the screen it opens on: the saved geometry when there is one, else the comfortable
        size, or maximised where the screen is smaller than that."""
        screen = self.screen() or QApplication.primaryScreen()
        if screen is None:
            self.show()
            return
        available = screen.availableGeometry()
        if self.context.settings.value("window/geometry") is not None and available.contains(self.geometry()):
            self.show()  # the size the user left it at, when it still fits this screen
            return
        width, height = COMFORTABLE_SIZE
        if available.width() < width or available.height() < height:
            # The whole available screen (also where no window manager maximises), then maximised.
            self.setGeometry(available)
            self.showMaximized()
        else:
            self.resize(width, height)
            self.move(available.center() - self.rect().center())
            self.show()
        total = sum(self.splitter.sizes())
        self.splitter.setSizes([int(total * 0.45), total - int(total * 0.45)])

    def _update_title(self) -> None:
        # The build's name, then its file (the name is what people call it; the file says where it is).
        file_name = Path(self.document.path).name if self.document.path else ""
        name = self.document.build.name or file_name or "Untitled build"
        where = f" ({file_name})" if file_name and file_name != name else ""
        edition = "" if self.context.edition == "internal" else " (customer edition)"
        self.setWindowTitle(f"{name}{where}[*] — {APP_TITLE} {__version__}{edition}")
        try:
            self.setWindowModified(self.document.modified)
        except RuntimeError:  # at interpreter exit the context's undo stack can go before the window
            pass

    # -- layout memory ---------------------------------------------------------------------------
    def _restore_layout(self) -> None:
        settings = self.context.settings
        geometry = settings.value("window/geometry")
        state = settings.value("window/state")
        if geometry is not None:
            self.restoreGeometry(geometry)
        if state is not None:
            self.restoreState(state)

    def closeEvent(self, event) -> None:
        if not self.files.confirm_unsaved("quitting"):  # Save / Discard / Cancel
            event.ignore()
            return
        self.context.settings.setValue("window/geometry", self.saveGeometry())
        self.context.settings.setValue("window/state", self.saveState())
        self.context.settings.sync()
        self.files.shutdown()
        super().closeEvent(event)
