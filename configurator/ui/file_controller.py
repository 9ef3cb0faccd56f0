"""New, Open, Save, Save As, recent files, autosave and restore after a crash.

Files go through the core build-file format (atomic save). A file that cannot be read gets a message
naming the problem and leaves the open build untouched. While the build has unsaved changes it is
autosaved into the user database every few seconds; a session that ends without a clean exit leaves
its autosave behind, and the next start offers to restore it.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Callable

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from configurator.core import buildfile
from configurator.core.configuration import Build
from configurator.core.errors import ConfiguratorError
from configurator.ui.undo import SnapshotCommand

AUTOSAVE_MS = int(os.environ.get("CONFIGURATOR_AUTOSAVE_MS", "5000"))
FILE_FILTER = "Build files (*.json);;All files (*)"


class FileController(QObject):
    recent_changed = Signal(list)

    def __init__(self, document, user_db, window: QWidget,
                 ask: Callable[[str, str], bool] | None = None, parent=None):
        super().__init__(parent)
        self.document = document
        self.user_db = user_db
        self.window = window
        # ask(title, question) -> yes?; tests replace the message box
        self.ask = ask or (lambda title, text: QMessageBox.question(window, title, text)
                           == QMessageBox.StandardButton.Yes)
        self._autosaved_index = -1
        self.timer = QTimer(self)
        self.timer.setInterval(AUTOSAVE_MS)
        self.timer.timeout.connect(self.autosave)
        self.timer.start()

    # -- messages --------------------------------------------------------------------------------
    def _error(self, title: str, text: str) -> None:
        QMessageBox.warning(self.window, title, text)

    def _confirm_discard(self) -> bool:
        if not self.document.modified:
            return True
        return self.ask("Unsaved changes", "The build has unsaved changes. Discard them?")

    # -- actions ---------------------------------------------------------------------------------
    def new(self, kind: str = "workstation") -> bool:
        if not self._confirm_discard():
            return False
        self.document.new(kind)
        return True

    def open(self, path: str | Path | None = None) -> bool:
        if path is None:
            path, _ = QFileDialog.getOpenFileName(self.window, "Open build", self._start_dir(), FILE_FILTER)
            if not path:
                return False
        if not self._confirm_discard():
            return False
        try:
            self.document.open(path)
        except (ConfiguratorError, OSError) as exc:
            self._error("Cannot open build", str(exc))
            return False
        self.user_db.add_recent(path)
        self.recent_changed.emit(self.user_db.recent_files())
        return True

    def save(self) -> bool:
        if self.document.path is None:
            return self.save_as()
        return self._save_to(self.document.path)

    def save_as(self, path: str | Path | None = None) -> bool:
        if path is None:
            path, _ = QFileDialog.getSaveFileName(self.window, "Save build as", self._start_dir(), FILE_FILTER)
            if not path:
                return False
            if not str(path).lower().endswith(".json"):
                path = f"{path}.json"
        return self._save_to(Path(path))

    def _save_to(self, path: Path) -> bool:
        try:
            self.document.save(path)
        except (ConfiguratorError, OSError) as exc:
            self._error("Cannot save build", f"{path}: {exc}")
            return False
        self.user_db.add_recent(path)
        self.recent_changed.emit(self.user_db.recent_files())
        self.user_db.clear_autosave()
        return True

    def _start_dir(self) -> str:
        if self.document.path is not None:
            return str(self.document.path.parent)
        recent = self.user_db.recent_files()
        return str(Path(recent[0]).parent) if recent else str(Path.home())

    # -- autosave and restore --------------------------------------------------------------------
    def autosave(self) -> bool:
        """Store the build if it changed since the last autosave; returns whether it wrote."""
        stack = self.document.undo_stack
        if not self.document.modified or stack.index() == self._autosaved_index:
            return False
        path = str(self.document.path) if self.document.path else None
        self.user_db.autosave(buildfile.dumps(self.document.build), path)
        self._autosaved_index = stack.index()
        return True

    def offer_restore(self) -> bool:
        """At start: offer the newest autosave a crashed session left; True when restored."""
        found = self.user_db.crashed_autosaves()
        if not found:
            return False
        latest = found[0]
        name = Path(latest.file_path).name if latest.file_path else "an unsaved build"
        restored = False
        if self.ask("Restore build?",
                    f"The configurator did not close properly. Restore {name} as autosaved at "
                    f"{latest.saved_at[:19].replace('T', ' ')} UTC?"):
            try:
                build = buildfile.loads(latest.build_json, self.document.catalog, "autosave")
            except ConfiguratorError as exc:
                self._error("Cannot restore", str(exc))
            else:
                self._restore(build, latest.file_path)
                restored = True
        for autosave in found:
            self.user_db.discard_autosave(autosave.session_id)
        return restored

    def _restore(self, build: Build, file_path: str | None) -> None:
        """The restored build is unsaved work: one undoable step on top of an empty build."""
        self.document.new(build.kind)
        before = self.document.snapshot()
        self.document.build.assign(build)
        self.document.path = Path(file_path) if file_path else None
        self.document.path_changed.emit(self.document.path)
        self.document.undo_stack.push(
            SnapshotCommand(self.document, "Restore autosave", before, self.document.snapshot()))

    def shutdown(self) -> None:
        self.timer.stop()
        self.user_db.end_session()
