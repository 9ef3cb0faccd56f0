"""Compare builds: the compare tray (kept in the user database) beside up to three of its builds side by side.

Builds come into the tray from here (the current build, a build file), from the Tools menu and from the
wizard's proposals; the tray outlives the dialog and the app. By default every build is compared on the current
build's workload, so the figures answer the same question (a tick box compares each on its own). From the ticked
builds (two or three), as compared, the dialog offers one quote with options (good/better/best as alternative
sections of one PDF, ui/views/options_quote.py).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox, QDialog, QFileDialog, QHBoxLayout, QLabel, QPushButton, QSplitter, QVBoxLayout, QWidget,
)

from configurator.core import buildfile
from configurator.core.errors import ConfiguratorError
from configurator.store.compare_tray import MAX_COMPARED
from configurator.ui.views.compare_tray import CompareTrayPanel, TOUCH_HEIGHT, add_build_file, add_document, open_tray
from configurator.ui.views.compare_view import CompareView

MAX_BUILDS = MAX_COMPARED
MIN_OPTIONS = 2  # a quote with options offers a choice


class CompareDialog(QDialog):
    def __init__(self, context, document, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Compare builds")
        self.setObjectName("compare-dialog")
        self.context = context
        self.document = document
        self.tray, self._own_db = open_tray(context)
        self.builds: list = []
        self.names: list[str] = []
        self.view = CompareView(context.catalog, self)
        self.panel = CompareTrayPanel(self.tray, self)
        self.panel.changed.connect(self.refresh)
        self.panel.message.connect(self._say)
        self.status = QLabel(self)
        self.status.setObjectName("compare-status")
        self.status.setWordWrap(True)
        self.common_workload = QCheckBox("Compare every build on the current build's workload "
                                         "(untick: each on its own)", self)
        self.common_workload.setObjectName("compare-common-workload")
        self.common_workload.setChecked(True)
        self.common_workload.toggled.connect(lambda _on: self.refresh())

        self.add_current_button = QPushButton("Add the current build", self)
        self.add_current_button.clicked.connect(self.add_current)
        self.add_file_button = QPushButton("Add a build file…", self)
        self.add_file_button.clicked.connect(lambda: self.add_file())
        self.options_button = QPushButton("Quote these as options…", self)
        self.options_button.setObjectName("compare-options-quote")
        self.options_button.setToolTip("One quote whose sections are the ticked builds (good/better/best); "
                                       "the customer chooses one.")
        self.options_button.clicked.connect(self.open_options_quote)
        close = QPushButton("Close", self)
        close.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        for b in (self.add_current_button, self.add_file_button, self.options_button):
            b.setMinimumHeight(TOUCH_HEIGHT)
            buttons.addWidget(b)
        buttons.addStretch(1)
        close.setMinimumHeight(TOUCH_HEIGHT)
        buttons.addWidget(close)

        right = QWidget(self)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.common_workload)
        right_layout.addWidget(self.view, 1)
        split = QSplitter(Qt.Orientation.Horizontal, self)
        split.addWidget(self.panel)
        split.addWidget(right)
        split.setStretchFactor(0, 0)
        split.setStretchFactor(1, 1)
        split.setSizes([260, 1000])
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(split, 1)
        layout.addWidget(self.status)
        self.resize(1280, 800)
        self.refresh()

    # -- what is shown comes from the tray ---------------------------------------------------------
    def refresh(self) -> None:
        """Compare the ticked builds of the tray (at most three), each on the current build's workload."""
        builds, names, problems = [], [], []
        for item in self.tray.compared()[:MAX_BUILDS]:
            try:
                builds.append(buildfile.loads(item.build_json, self.context.catalog, item.name))
                names.append(item.name)
            except ConfiguratorError as exc:  # a catalog update may retire a part a tray build uses
                problems.append(f"{item.name} cannot be compared: {exc}")
        self.builds, self.names = builds, names
        self.view.set_builds(builds, self.workload(), names=names)
        self.options_button.setEnabled(len(builds) >= MIN_OPTIONS)
        if problems:
            self._say(" ".join(problems))
        elif not self.tray.items():
            self._say("The tray is empty: add the current build, a build file, or a wizard proposal.")

    def workload(self):
        """The workload every build is compared (and quoted) on; None: each build's own."""
        return self.document.build.workload if self.common_workload.isChecked() else None

    def option_builds(self) -> list[tuple[str, object]]:
        """(name, build) of the ticked builds as compared: on the common workload when it is chosen."""
        workload = self.workload()
        out = []
        for name, build in zip(self.names, self.builds):
            if workload is not None:
                build.set_workload(workload)
            out.append((name, build))
        return out

    def _say(self, text: str) -> None:
        self.status.setText(text)

    # -- adding ------------------------------------------------------------------------------------
    def add_current(self) -> bool:
        return self._added(*add_document(self.context, self.document))

    def add_file(self, path: str | None = None) -> bool:
        if path is None:
            path, _ = QFileDialog.getOpenFileName(self, "Add build to compare", "", "Build files (*.json)")
            if not path:
                return False
        return self._added(*add_build_file(self.context, path))

    def _added(self, ok: bool, text: str) -> bool:
        self.panel.reload()
        self.refresh()
        self._say(text)
        return ok

    def clear(self) -> None:
        self.panel.clear()

    # -- the quote with options ----------------------------------------------------------------------
    def open_options_quote(self) -> None:
        from configurator.ui.views.quote_dialog import QuoteDialog

        if len(self.builds) < MIN_OPTIONS:
            self._say(f"Tick {MIN_OPTIONS} or {MAX_BUILDS} builds in the tray to quote them as options.")
            return
        dialog = QuoteDialog(self.context, self.document, self, options=self.option_builds())
        dialog.exec()
        dialog.deleteLater()

    def done(self, result: int) -> None:  # closing releases a database the dialog opened itself
        if self._own_db is not None:
            self._own_db.close()
            self._own_db = None
        super().done(result)


__all__ = ["CompareDialog"]
