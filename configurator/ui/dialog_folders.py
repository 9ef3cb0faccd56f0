"""File dialogs that remember where the person last was, one folder per purpose (builds, quotes, exports...).

The folders live in the window's QSettings (``folders/<purpose>``), so they survive a restart; without settings
they are kept for the session only. A purpose never used yet starts in the folder of another purpose used last,
else in the given fallback (the build file's folder), else the home folder.

``chooser(mode, parent, title, start, filter) -> path or ''`` (mode 'open' or 'save') shows the dialog; the
default is Qt's file dialog, tests pass their own (the seam that lets them drive it without a modal dialog).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Callable

from PySide6.QtWidgets import QFileDialog

Chooser = Callable[[str, object, str, str, str], str]
KEY = "folders/{}"
LAST_KEY = "folders/last"
# Characters a file name cannot hold on Windows, macOS or Linux (and control characters).
_UNSAFE = re.compile(r'[<>:"/\\|?*\x00-\x1f]+')
MAX_STEM = 100  # characters: long build names make unwieldy file names


def qt_chooser(mode: str, parent, title: str, start: str, filter_: str) -> str:
    # Looked up at each call (not bound at import), so the file dialog can be the platform's or a test's.
    if mode == "open":
        return QFileDialog.getOpenFileName(parent, title, start, filter_)[0]
    return QFileDialog.getSaveFileName(parent, title, start, filter_)[0]


def file_stem(name: str, default: str = "build") -> str:
    """A file name (without suffix) from a build or quote name: unsafe characters become '-', spaces kept."""
    stem = _UNSAFE.sub("-", name).strip(" .-")
    stem = re.sub(r"\s+", " ", stem)[:MAX_STEM].rstrip(" .-")
    return stem or default


class FileDialogs:
    def __init__(self, settings=None, chooser: Chooser | None = None):
        self.settings = settings
        self.chooser = chooser or qt_chooser
        self._memory: dict[str, str] = {}

    # -- remembered folders -------------------------------------------------------------------------
    def _get(self, key: str) -> str | None:
        if self.settings is not None:
            value = self.settings.value(key)
            return str(value) if value else None
        return self._memory.get(key)

    def _set(self, key: str, value: str) -> None:
        if self.settings is not None:
            self.settings.setValue(key, value)
        else:
            self._memory[key] = value

    def folder(self, purpose: str, fallback: str | Path | None = None, prefer: str | Path | None = None) -> Path:
        """Where a dialog for ``purpose`` opens: ``prefer`` (the open file's own folder, for Save as), the
        purpose's last folder, the last folder of any dialog, ``fallback``, or home (the first that exists)."""
        for candidate in (prefer, self._get(KEY.format(purpose)), self._get(LAST_KEY), fallback):
            if candidate and Path(candidate).is_dir():
                return Path(candidate)
        return Path.home()

    def remember(self, purpose: str, path: str | Path) -> None:
        """The folder of a file the person chose (or opened or saved some other way)."""
        folder = str(Path(path).resolve().parent)
        self._set(KEY.format(purpose), folder)
        self._set(LAST_KEY, folder)

    # -- dialogs --------------------------------------------------------------------------------------
    def open_file(self, parent, purpose: str, title: str, filter_: str, fallback: str | Path | None = None) -> str:
        path = self.chooser("open", parent, title, str(self.folder(purpose, fallback)), filter_)
        if path:
            self.remember(purpose, path)
        return path or ""

    def save_file(self, parent, purpose: str, title: str, filter_: str, name: str,
                  fallback: str | Path | None = None, prefer: str | Path | None = None) -> str:
        """Ask where to save, suggesting ``name`` in the remembered folder; '' when cancelled."""
        start = self.folder(purpose, fallback, prefer) / name
        path = self.chooser("save", parent, title, str(start), filter_)
        if path:
            self.remember(purpose, path)
        return path or ""
