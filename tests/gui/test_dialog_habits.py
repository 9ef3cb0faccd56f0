"""Habits (issue 16 item 9) through the real window: file dialogs open where the person last was (also after a
restart), Save as suggests a file name from the build's name, and quitting with unsaved changes offers Save /
Discard / Cancel. The file dialog itself is the one seam replaced (``window.dialogs.chooser``)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QAction

from configurator.ui.file_controller import CANCEL, DISCARD, SAVE
from tests.conftest import ROOT

EXAMPLE = ROOT / "resources" / "examples" / "hgx-8x-h200.json"


class Chooser:
    """Stands in for the file dialog: records where it opened and answers with the next queued path."""

    def __init__(self):
        self.calls: list[tuple[str, str, str]] = []  # (mode, title, start path)
        self.answers: list[str] = []

    def __call__(self, mode, parent, title, start, filter_):
        self.calls.append((mode, title, start))
        return self.answers.pop(0) if self.answers else ""


def _action(window, text: str) -> QAction:
    return next(a for a in window.findChildren(QAction) if a.text() == text)


def _window(qtbot, app_context, chooser):
    from configurator.ui.main_window import MainWindow

    win = MainWindow(app_context, ask=lambda *_: True)
    qtbot.addWidget(win)
    win.dialogs.chooser = chooser
    return win


@pytest.fixture
def chooser():
    return Chooser()


@pytest.fixture
def window(qtbot, app_context, chooser):
    win = _window(qtbot, app_context, chooser)
    win.show()
    yield win
    win.document.undo_stack.setClean()
    win.close()


def _copy_example(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "server.json"
    target.write_text(EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    return target


def test_open_and_save_dialogs_start_in_the_last_folder_also_after_a_restart(qtbot, app_context, window, chooser,
                                                                             tmp_path):
    first = _copy_example(tmp_path / "projects" / "acme")
    chooser.answers = [str(first)]
    _action(window, "&Open…").trigger()
    assert window.document.path == first
    assert chooser.calls[0][0] == "open"

    window.document.set_notes("changed")
    elsewhere = tmp_path / "exports"
    elsewhere.mkdir()
    chooser.answers = [str(elsewhere / "copy.json")]
    _action(window, "Save &as…").trigger()
    assert chooser.calls[1][0] == "save" and Path(chooser.calls[1][2]).parent == first.parent  # beside the file
    assert (elsewhere / "copy.json").exists()

    window.files.new()  # an untitled build: Open starts where the last build was saved
    _action(window, "&Open…").trigger()  # cancelled (no answer queued)
    assert Path(chooser.calls[2][2]) == elsewhere

    # a restart: a new window on the same settings file opens its dialog there too
    window.close()
    settings = QSettings(app_context.settings.fileName(), QSettings.Format.IniFormat)
    app_context.settings = settings
    again = Chooser()
    second = _window(qtbot, app_context, again)
    _action(second, "&Open…").trigger()
    assert Path(again.calls[0][2]) == elsewhere
    second.close()


def test_a_folder_that_is_gone_falls_back_to_one_that_exists(window, chooser, tmp_path):
    gone = _copy_example(tmp_path / "gone")
    chooser.answers = [str(gone)]
    _action(window, "&Open…").trigger()
    gone.unlink()
    gone.parent.rmdir()
    window.files.new()
    _action(window, "&Open…").trigger()
    assert Path(chooser.calls[-1][2]).is_dir()


def test_save_as_suggests_the_build_name_as_file_name(window, chooser, tmp_path):
    window.document.set_name("Rack 12 / Lab: inference")
    _action(window, "Save &as…").trigger()  # cancelled
    suggested = Path(chooser.calls[-1][2]).name
    assert suggested == "Rack 12 - Lab- inference.json"  # '/' and ':' cannot be in a file name
    window.document.set_name("")
    _action(window, "Save &as…").trigger()
    assert Path(chooser.calls[-1][2]).name == "build.json"


def test_an_example_opens_as_an_untitled_copy_and_save_as_suggests_its_name(window, chooser, tmp_path):
    _action(window, EXAMPLE.stem).trigger()  # File > Open example
    assert window.document.path is None  # Save never writes into the installed examples
    name = json.loads(EXAMPLE.read_text(encoding="utf-8"))["name"]
    assert window.document.build.name == name
    chooser.answers = [str(tmp_path / "mine.json")]
    _action(window, "&Save").trigger()  # untitled: Save is Save as
    assert Path(chooser.calls[-1][2]).name == f"{name}.json"
    assert window.document.path == tmp_path / "mine.json" and not window.document.modified


def _ask_save(answer: str, questions: list):
    def ask(title, text):
        questions.append(text)
        return answer
    return ask


def test_quitting_with_changes_cancel_keeps_the_window_and_the_changes(window):
    questions: list[str] = []
    window.files.ask_save = _ask_save(CANCEL, questions)
    window.document.set_notes("unsaved")
    assert not window.close()
    assert window.isVisible() and window.document.modified and questions and "unsaved changes" in questions[0]


def test_quitting_with_changes_save_writes_the_file_then_closes(window, tmp_path):
    target = _copy_example(tmp_path)
    assert window.files.open(target)
    window.files.ask_save = _ask_save(SAVE, [])
    window.document.set_notes("saved at quit")
    assert window.close()
    assert json.loads(target.read_text(encoding="utf-8"))["notes"] == "saved at quit"


def test_quitting_an_untitled_build_save_asks_where_and_cancelling_that_keeps_the_window(window, chooser, tmp_path):
    window.files.ask_save = _ask_save(SAVE, [])
    window.document.set_notes("new work")
    assert not window.close()  # Save as… was cancelled: nothing saved, nothing lost
    assert window.isVisible() and window.document.modified
    chooser.answers = [str(tmp_path / "kept.json")]
    assert window.close()
    assert json.loads((tmp_path / "kept.json").read_text(encoding="utf-8"))["notes"] == "new work"


def test_quitting_with_changes_discard_closes_without_writing(window, tmp_path):
    target = _copy_example(tmp_path)
    assert window.files.open(target)
    before = target.read_bytes()
    window.files.ask_save = _ask_save(DISCARD, [])
    window.document.set_notes("thrown away")
    assert window.close()
    assert target.read_bytes() == before


def test_quitting_without_changes_asks_nothing(window):
    questions: list[str] = []
    window.files.ask_save = _ask_save(CANCEL, questions)
    assert window.close() and questions == []
