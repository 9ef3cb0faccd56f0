"""Compare up to three builds side by side: the current one and build files the user picks."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QFileDialog, QHBoxLayout, QLabel, QMessageBox, QPushButton, QVBoxLayout

from configurator.core import buildfile
from configurator.core.errors import ConfiguratorError
from configurator.ui.views.compare_view import CompareView

MAX_BUILDS = 3


class CompareDialog(QDialog):
    def __init__(self, context, document, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Compare builds")
        self.context = context
        self.document = document
        self.builds: list = []
        self.names: list[str] = []
        self.view = CompareView(context.catalog, self)
        self.label = QLabel(self)
        add_current = QPushButton("Add the current build", self)
        add_current.clicked.connect(self.add_current)
        add_file = QPushButton("Add a build file…", self)
        add_file.clicked.connect(lambda: self.add_file())
        clear = QPushButton("Clear", self)
        clear.clicked.connect(self.clear)
        buttons = QHBoxLayout()
        for b in (add_current, add_file, clear):
            b.setMinimumHeight(40)
            buttons.addWidget(b)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.label)
        layout.addWidget(self.view, 1)
        self.resize(1100, 700)
        self.add_current()

    def _add(self, build, name: str) -> None:
        if len(self.builds) >= MAX_BUILDS:
            self.builds.pop(0)
            self.names.pop(0)
        self.builds.append(build)
        self.names.append(name)
        self.view.set_builds(self.builds, self.document.build.workload)
        self.label.setText("Comparing: " + " · ".join(self.names))

    def add_current(self) -> None:
        copy = buildfile.from_dict(buildfile.to_dict(self.document.build), self.context.catalog, "current build")
        self._add(copy, self.document.build.name or (self.document.path.name if self.document.path else "current"))

    def add_file(self, path: str | None = None) -> bool:
        if path is None:
            path, _ = QFileDialog.getOpenFileName(self, "Add build to compare", "", "Build files (*.json)")
            if not path:
                return False
        try:
            build = buildfile.load(path, self.context.catalog)
        except (ConfiguratorError, OSError) as exc:
            QMessageBox.warning(self, "Cannot compare", str(exc))
            return False
        from pathlib import Path

        self._add(build, build.name or Path(path).name)
        return True

    def clear(self) -> None:
        self.builds.clear()
        self.names.clear()
        self.view.set_builds([], self.document.build.workload)
        self.label.setText("")
