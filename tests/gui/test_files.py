"""Save/open round trip, a bad file changes nothing, autosave and restore after a killed app."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap

import pytest
from PySide6.QtWidgets import QMessageBox, QWidget

from configurator.core.buildfile import to_dict
from configurator.store.userdb import UserDatabase
from configurator.ui.document import BuildDocument
from configurator.ui.file_controller import FileController
from tests.conftest import ROOT

EXAMPLE = ROOT / "resources" / "examples" / "hgx-8x-h200.json"


@pytest.fixture
def controller(qtbot, catalog, tmp_path, monkeypatch):
    warnings: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: warnings.append(a[2]))
    window = QWidget()
    qtbot.addWidget(window)
    db = UserDatabase(tmp_path / "user.sqlite")
    db.start_session()
    doc = BuildDocument(catalog, parent=window)
    files = FileController(doc, db, window, ask=lambda title, text: True, parent=window)
    files.warnings = warnings
    yield files
    files.shutdown()
    db.close()


def test_save_open_round_trip(controller, tmp_path):
    assert controller.open(EXAMPLE)
    doc = controller.document
    assert doc.place("svc-warranty-ext-5y")
    doc.set_notes("rack 12, customer wants blue bezel")
    assert doc.modified
    target = tmp_path / "saved.json"
    assert controller.save_as(target)
    assert not doc.modified and doc.path == target
    saved = to_dict(doc.build)
    doc.new()
    assert controller.open(target)
    assert to_dict(doc.build) == saved
    assert doc.build.notes == "rack 12, customer wants blue bezel"
    assert controller.user_db.recent_files()[0] == str(target.resolve())


@pytest.mark.parametrize("content", [b"", b"{\"schema\": 1, \"kind\": ", b"\xff\xfe garbage",
                                     json.dumps({"schema": 99, "kind": "workstation"}).encode(),
                                     json.dumps({"schema": 1, "kind": "workstation", "chassis": "nope"}).encode()])
def test_bad_file_leaves_the_open_build_untouched(controller, tmp_path, content):
    assert controller.open(EXAMPLE)
    before = to_dict(controller.document.build)
    bad = tmp_path / "bad.json"
    bad.write_bytes(content)
    assert not controller.open(bad)
    assert to_dict(controller.document.build) == before
    assert controller.document.path == EXAMPLE
    assert controller.warnings and "bad.json" in controller.warnings[-1]


def test_failed_save_keeps_the_old_file(controller, tmp_path, monkeypatch):
    assert controller.open(EXAMPLE)
    target = tmp_path / "keep.json"
    assert controller.save_as(target)
    original = target.read_bytes()
    controller.document.set_notes("changed")

    def disk_full(*_args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)  # the write dies before the rename
    assert not controller.save()
    monkeypatch.undo()
    assert target.read_bytes() == original
    assert controller.document.modified  # the change is still unsaved, not lost
    assert "No space left" in controller.warnings[-1]
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_autosave_writes_only_when_changed(controller):
    assert controller.open(EXAMPLE)
    assert not controller.autosave()  # nothing unsaved
    controller.document.set_notes("x")
    assert controller.autosave()
    assert not controller.autosave()  # unchanged since the last autosave


CHILD = textwrap.dedent("""
    import sys, time
    from PySide6.QtWidgets import QApplication
    app = QApplication([])
    from configurator.app import create_context
    from configurator.ui.document import BuildDocument
    from configurator.ui.file_controller import FileController
    from PySide6.QtWidgets import QWidget
    context = create_context()
    window = QWidget()
    doc = BuildDocument(context.catalog, parent=window)
    files = FileController(doc, context.user_db, window, ask=lambda *a: True)
    files.open(sys.argv[1])
    doc.set_notes("edited before the crash")
    doc.place(sys.argv[2])
    files.autosave()
    print("ready", flush=True)
    time.sleep(60)
""")


def test_killed_app_offers_its_autosave_at_next_start(qtbot, catalog, tmp_path):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(EXAMPLE), "svc-warranty-ext-5y"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT)
    try:
        assert child.stdout.readline().strip() == "ready", child.stderr.read()
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(30)
    from configurator.store.userdb import user_database_path

    db = UserDatabase(user_database_path())
    db.start_session()
    window = QWidget()
    qtbot.addWidget(window)
    doc = BuildDocument(catalog, parent=window)
    questions: list[str] = []
    files = FileController(doc, db, window, ask=lambda t, q: questions.append(q) or True, parent=window)
    assert files.offer_restore()
    assert questions and "did not close properly" in questions[0]
    assert doc.build.notes == "edited before the crash"
    assert doc.modified  # restored work is unsaved work
    doc.undo_stack.undo()
    assert doc.build.notes == ""
    assert db.crashed_autosaves() == []  # offered once
    files.shutdown()
    db.close()
