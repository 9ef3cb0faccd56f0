"""New, Open, Save, Save As, recent files, autosave and restore after a crash.

Files go through the core build-file format (atomic save). A file that cannot be read gets a message
naming the problem and leaves the open build untouched (a build that could never be saved, such as a
name holding a lone surrogate escape, is refused on open). While the build has unsaved changes it is
autosaved into the user database every few seconds, whenever the document's revision counter moved (every
change bumps it: an edit, an undo, one move of a slider); a session that ends without a clean exit leaves
its autosave behind, and the next start offers to restore it.

A failing save or autosave (a full disk, a read-only folder, a damaged or busy user database) is shown
once, with what to do, and the autosave is retried on every tick until it works again, which is shown
too. It never raises out of the timer.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Callable

import sqlite3

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from configurator.core import buildfile
from configurator.core.configuration import Build
from configurator.core.errors import ConfiguratorError
from configurator.store.connection import BUSY_TIMEOUT_S
from configurator.ui.dialog_folders import FileDialogs, file_stem
from configurator.ui.undo import SnapshotCommand

AUTOSAVE_MS = int(os.environ.get("CONFIGURATOR_AUTOSAVE_MS", "5000"))
FILE_FILTER = "Build files (*.json);;All files (*)"
AUTOSAVE_WAIT_S = 1.0  # the window waits this long for another writer (a quote being issued), then retries
BUSY_TICKS_BEFORE_TELLING = 6  # a writer busy for ~30 s is worth a message; a brief one is not
SAVE, DISCARD, CANCEL = "save", "discard", "cancel"  # answers to "the build has unsaved changes"


class FileController(QObject):
    recent_changed = Signal(list)

    problem = Signal(str)  # a save/autosave problem, or '' once autosave works again

    def __init__(self, document, user_db, window: QWidget,
                 ask: Callable[[str, str], bool] | None = None, parent=None,
                 notify: Callable[[str, str], None] | None = None,
                 ask_save: Callable[[str, str], str] | None = None, dialogs: FileDialogs | None = None):
        super().__init__(parent)
        self.document = document
        self.user_db = user_db
        self.window = window
        # ask(title, question) -> yes?; notify(title, text) shows a message that does not block;
        # ask_save(title, question) -> SAVE, DISCARD or CANCEL; dialogs.chooser shows file dialogs. Tests replace
        # them. Given only ``ask``, a yes to "unsaved changes" discards them (what it meant before ask_save).
        self.ask = ask or (lambda title, text: QMessageBox.question(window, title, text)
                           == QMessageBox.StandardButton.Yes)
        if ask_save is None:
            ask_save = (lambda title, text: DISCARD if self.ask(title, text) else CANCEL) if ask else self._ask_save
        self.ask_save = ask_save
        self.dialogs = dialogs or FileDialogs()
        self.notify = notify or self._message_box
        self._autosaved_revision = -1
        self._autosave_failure: str | None = None  # the failure already shown ('' until one is)
        self._busy_ticks = 0
        self.timer = QTimer(self)
        self.timer.setInterval(AUTOSAVE_MS)
        self.timer.timeout.connect(self.autosave)
        self.timer.start()

    # -- messages --------------------------------------------------------------------------------
    def _error(self, title: str, text: str) -> None:
        QMessageBox.warning(self.window, title, text)

    def _message_box(self, title: str, text: str) -> None:
        box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok, self.window)
        box.setModal(False)  # the timer goes on retrying behind it
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.show()

    def _ask_save(self, title: str, text: str) -> str:
        buttons = QMessageBox.StandardButton
        answer = QMessageBox.question(self.window, title, text, buttons.Save | buttons.Discard | buttons.Cancel,
                                      buttons.Save)
        return {buttons.Save: SAVE, buttons.Discard: DISCARD}.get(answer, CANCEL)

    def confirm_unsaved(self, doing: str = "closing") -> bool:
        """Before the open build goes (quit, new, open): nothing unsaved, or Save (and it saved), or Discard."""
        if not self.document.modified:
            return True
        name = self.document.build.name or (self.document.path.name if self.document.path else "The build")
        answer = self.ask_save("Unsaved changes", f"{name} has unsaved changes. Save them before {doing}?")
        if answer == SAVE:
            return self.save()
        return answer == DISCARD

    def _confirm_discard(self) -> bool:
        return self.confirm_unsaved("it is replaced")

    # -- actions ---------------------------------------------------------------------------------
    def new(self, kind: str = "workstation") -> bool:
        if not self._confirm_discard():
            return False
        self.document.new(kind)
        return True

    def open(self, path: str | Path | None = None) -> bool:
        if path is None:
            path = self.dialogs.open_file(self.window, "build", "Open build", FILE_FILTER, self._start_dir())
            if not path:
                return False
        if not self._confirm_discard():
            return False
        try:
            self.document.open(path)
        except (ConfiguratorError, OSError) as exc:
            self._error("Cannot open build", str(exc))
            return False
        self.dialogs.remember("build", path)
        try:
            self.user_db.add_recent(path)
            self.recent_changed.emit(self.user_db.recent_files())
        except ConfiguratorError as exc:  # the build is open; only the recent-files list could not be kept
            self.problem.emit(f"Opened; the recent-files list could not be updated ({exc})")
        return True

    def open_example(self, path: str | Path) -> bool:
        """An example as an untitled copy named as the example (document.open_example)."""
        if not self._confirm_discard():
            return False
        try:
            self.document.open_example(path)
        except (ConfiguratorError, OSError) as exc:
            self._error("Cannot open example", str(exc))
            return False
        return True

    def save(self) -> bool:
        if self.document.path is None:
            return self.save_as()
        return self._save_to(self.document.path)

    def suggested_name(self) -> str:
        """Save as suggests the build's name as the file name (else the file's own name, else 'build')."""
        default = self.document.path.stem if self.document.path is not None else "build"
        return f"{file_stem(self.document.build.name, default)}.json"

    def save_as(self, path: str | Path | None = None) -> bool:
        if path is None:
            folder = self.document.path.parent if self.document.path is not None else None
            path = self.dialogs.save_file(self.window, "build", "Save build as", FILE_FILTER, self.suggested_name(),
                                          self._start_dir(), prefer=folder)
            if not path:
                return False
            if not str(path).lower().endswith(".json"):
                path = f"{path}.json"
        return self._save_to(Path(path))

    def _save_to(self, path: Path) -> bool:
        try:
            self.document.save(path)
            self.dialogs.remember("build", path)
        except (ConfiguratorError, OSError, UnicodeError) as exc:
            self._error("Cannot save build", f"{path}: {' '.join(str(exc).split())}\n\nThe build is still open with "
                        f"its changes (and autosaved). Free some space or choose another folder with Save as, then "
                        f"save again.")
            self.problem.emit(f"Not saved: {exc}")
            return False
        try:
            self.user_db.add_recent(path)
            self.recent_changed.emit(self.user_db.recent_files())
            self.user_db.clear_autosave()
        except ConfiguratorError as exc:  # the file is saved; only the bookkeeping in the user database failed
            self.problem.emit(f"Saved {path.name}; the recent-files list could not be updated ({exc})")
        return True

    def _start_dir(self) -> str:
        if self.document.path is not None:
            return str(self.document.path.parent)
        recent = self.user_db.recent_files()
        return str(Path(recent[0]).parent) if recent else str(Path.home())

    # -- autosave and restore --------------------------------------------------------------------
    def autosave(self) -> bool:
        """Store the build if it changed since the last autosave; returns whether it wrote. A failure is
        shown once (with what to do) and retried on the next tick; it never raises."""
        revision = self.document.revision
        if revision == self._autosaved_revision:
            return False
        db = getattr(self.user_db, "db", None)
        try:
            if hasattr(db, "set_timeout"):
                db.set_timeout(AUTOSAVE_WAIT_S)
            try:
                if not self.document.modified:  # back at the saved state: nothing to restore after a crash
                    self.user_db.clear_autosave()
                    wrote = False
                else:
                    path = str(self.document.path) if self.document.path else None
                    self.user_db.autosave(buildfile.dumps(self.document.build), path)
                    wrote = True
            finally:
                if hasattr(db, "set_timeout"):
                    db.set_timeout(BUSY_TIMEOUT_S)
        except (ConfiguratorError, OSError, UnicodeError, sqlite3.Error) as exc:
            self._autosave_failed(exc)
            return False
        self._autosaved_revision = revision
        self._busy_ticks = 0
        if self._autosave_failure:
            self._autosave_failure = None
            self.problem.emit("")
            self.notify("Autosave works again", "Your unsaved changes are autosaved again.")
        return wrote

    def _autosave_failed(self, exc: BaseException) -> None:
        from configurator.core.database_errors import BUSY, kind_of

        text = " ".join(str(exc).split())
        if kind_of(exc) == BUSY:
            self._busy_ticks += 1
            if self._busy_ticks < BUSY_TICKS_BEFORE_TELLING:
                return  # another window or command is writing: the next tick will do
        kind = kind_of(exc)
        if self._autosave_failure == kind:
            return  # shown once; retried quietly until it works
        self._autosave_failure = kind
        self.problem.emit(f"Autosave failed: {text}")
        self.notify("Autosave failed",
                    f"Your changes could not be autosaved:\n{text}\n\nUntil this is fixed they are not safe "
                    f"against a crash: save the build to a file (File > Save as), free disk space or fix the "
                    f"folder's permissions. Autosave is retried every {AUTOSAVE_MS // 1000} s.")

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
        try:
            self.user_db.end_session()
        except ConfiguratorError as exc:  # closing the window must not fail: the autosave stays for restore
            print(f"configurator: {exc}", file=sys.stderr)
