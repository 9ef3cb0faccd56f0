"""Start-up recovery: a damaged catalog or user database is found at start, named in a clear message,
and repaired only when the user accepts (declined or nobody to ask: exit status 2, every file as it was).
Also: kill -9 while editing and saving leaves every saved file whole and the edit restorable.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time

import pytest

from configurator.app import StartupError, create_context, run_app
from configurator.catalog.locate import ensure_catalog
from configurator.core import buildfile
from configurator.store.userdb import UserDatabase, user_database_path
from tests.conftest import ROOT

EXAMPLE = ROOT / "resources" / "examples" / "hgx-8x-h200.json"


def _garbage(path):
    path.write_bytes(b"this is not a catalog \x00\xff" * 400)


def _malformed(path):
    """A real SQLite file whose table pages were overwritten (the header still reads as SQLite)."""
    data = bytearray(path.read_bytes())
    assert len(data) > 16384
    data[8192:len(data)] = b"\xa5" * (len(data) - 8192)
    path.write_bytes(bytes(data))


DAMAGE = {"not-sqlite": _garbage, "malformed-pages": _malformed}


class Asker:
    def __init__(self, answer: bool):
        self.answer = answer
        self.questions: list[tuple[str, str]] = []

    def __call__(self, title: str, question: str) -> bool:
        self.questions.append((title, question))
        return self.answer


def _close(context) -> None:
    context.user_db.end_session()
    context.user_db.close()
    context.catalog.close()


def _user_db_with_a_customer():
    db = UserDatabase(user_database_path())
    db.db["customers"].insert({"name": "Ada", "created_at": "2025-01-01"})
    db.close()
    return user_database_path()


@pytest.fixture
def damaged_catalog(request):
    path = ensure_catalog()
    DAMAGE[request.param](path)
    return path, path.read_bytes()


@pytest.mark.parametrize("damaged_catalog", list(DAMAGE), indirect=True)
def test_damaged_catalog_rebuilt_when_the_user_accepts(qapp, damaged_catalog):
    path, damaged_bytes = damaged_catalog
    ask = Asker(True)
    context = create_context(ask)
    try:
        assert len(ask.questions) == 1
        title, question = ask.questions[0]
        assert "catalog" in title.lower() and str(path) in question and "Rebuild" in question
        assert context.catalog.list("gpus")  # a working catalog again
    finally:
        _close(context)
    kept = path.with_name(path.name + ".damaged")
    assert kept.read_bytes() == damaged_bytes  # the damaged file is kept, not deleted


@pytest.mark.parametrize("damaged_catalog", list(DAMAGE), indirect=True)
def test_damaged_catalog_declined_exits_2_and_changes_nothing(qapp, damaged_catalog, capsys):
    path, damaged_bytes = damaged_catalog
    ask = Asker(False)
    assert run_app(smoke="", ask=ask) == 2
    assert len(ask.questions) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and str(path) in err[0] and "damaged" in err[0]
    assert path.read_bytes() == damaged_bytes
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]


@pytest.mark.parametrize("damaged_catalog", ["malformed-pages"], indirect=True)
def test_damaged_catalog_in_smoke_mode_is_one_line_and_exit_2(qapp, damaged_catalog, capsys):
    path, damaged_bytes = damaged_catalog
    assert run_app(smoke="") == 2  # nobody to ask
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("configurator: error: the parts catalog")
    assert "malformed" in err[0]
    assert path.read_bytes() == damaged_bytes


ACCEPT_AND_START = "import sys; from configurator.app import run_app; sys.exit(run_app(smoke='', ask=lambda t, q: True))"


@pytest.mark.parametrize("damaged_catalog", ["not-sqlite"], indirect=True)
def test_damaged_catalog_accepted_app_starts(damaged_catalog):
    # its own process: the whole start, window and first paint included, as a user gets it
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run([sys.executable, "-c", ACCEPT_AND_START], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().startswith("startup_ms=")
    path, _ = damaged_catalog
    assert path.with_name(path.name + ".damaged").exists()


@pytest.mark.parametrize("damaged_catalog", ["not-sqlite"], indirect=True)
def test_damaged_catalog_is_a_one_line_error_on_the_command_line(damaged_catalog, capsys):
    from configurator.cli import run

    assert run(["catalog", "list", "gpus"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "damaged" in err[0]


def test_a_catalog_from_older_sources_is_rebuilt_without_asking(qapp):
    path = ensure_catalog()
    con = sqlite3.connect(path)
    con.execute("update catalog_meta set value = 'older' where key = 'sources_digest'")
    con.execute("drop table gpu_compute")  # an earlier version's catalog may lack newer tables
    con.commit()
    con.close()
    context = create_context(ask=None)  # raises if it thought the file damaged
    try:
        assert context.catalog.list("gpus")
    finally:
        _close(context)


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_damaged_user_database_moved_aside_when_accepted(qapp, damage):
    path = _user_db_with_a_customer()
    _damage_user_db(path, damage)
    damaged_bytes = path.read_bytes()
    ask = Asker(True)
    context = create_context(ask)
    try:
        assert [t for t, _ in ask.questions] == ["User database damaged"]
        assert str(path) in ask.questions[0][1]
        assert context.user_db.crashed_autosaves() == []  # a fresh, working database
        assert context.user_db.db["customers"].count == 0
    finally:
        _close(context)
    moved = [p for p in path.parent.iterdir() if p.name.startswith("user.sqlite.damaged-")]
    assert len(moved) == 1 and moved[0].read_bytes() == damaged_bytes  # kept, never deleted


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_damaged_user_database_declined_exits_2_and_changes_nothing(qapp, damage, capsys):
    ensure_catalog()
    path = _user_db_with_a_customer()
    _damage_user_db(path, damage)
    damaged_bytes = path.read_bytes()
    before = sorted(p.name for p in path.parent.iterdir())
    for ask in (Asker(False), None):
        assert run_app(smoke="", ask=ask) == 2
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and "user database" in err[0] and str(path) in err[0]
        assert path.read_bytes() == damaged_bytes
        assert sorted(p.name for p in path.parent.iterdir()) == before
    with pytest.raises(StartupError, match="left as it is"):
        create_context(Asker(False))


def _damage_user_db(path, damage: str) -> None:
    if damage == "not-sqlite":
        _garbage(path)
        return
    # grow the database past a few pages, then overwrite all but its first page
    db = UserDatabase(path)
    db.db["recent_files"].insert_all({"path": f"/builds/{i:05d}-" + "x" * 200, "opened_at": "2025"}
                                     for i in range(200))
    db.close()
    data = bytearray(path.read_bytes())
    data[4096:] = b"\xa5" * (len(data) - 4096)
    path.write_bytes(bytes(data))


# -- kill -9 while editing and saving -----------------------------------------------------------------
CHILD = textwrap.dedent("""
    import sys
    from PySide6.QtWidgets import QApplication, QWidget
    app = QApplication([])
    from configurator.app import create_context
    from configurator.ui.document import BuildDocument
    from configurator.ui.file_controller import FileController
    context = create_context()
    window = QWidget()
    doc = BuildDocument(context.catalog, parent=window)
    files = FileController(doc, context.user_db, window, ask=lambda *a: True)
    files.open(sys.argv[1])
    doc.set_notes("saved before the crash")
    assert files.save_as(sys.argv[2])
    doc.set_notes("edited before the crash")
    files.autosave()
    from configurator.core import buildfile
    other = buildfile.load(sys.argv[1], context.catalog)
    n = 0
    while True:  # keep saving another file until killed: the kill lands in the middle of saves
        other.set_notes(f"revision {n}")
        buildfile.save(other, sys.argv[3])
        if n == 0:
            print("ready", flush=True)
        n += 1
""")


def test_kill_during_edits_and_saves_damages_no_saved_file(catalog, tmp_path):
    """The offer itself (FileController.offer_restore) is tested in tests/gui/test_files.py; here: the
    autosave a killed session leaves is the edit, and no file saved before or during the kill is damaged."""
    saved, busy = tmp_path / "saved.json", tmp_path / "busy.json"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(EXAMPLE), str(saved), str(busy)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT)
    try:
        assert child.stdout.readline().strip() == "ready", child.stderr.read()
        time.sleep(0.3)  # a few hundred saves of busy.json in flight
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(30)
    assert child.returncode == -signal.SIGKILL

    assert buildfile.load(saved, catalog).notes == "saved before the crash"  # untouched since its save
    notes = buildfile.load(busy, catalog).notes  # whole: the old or the new revision, never half
    assert notes.startswith("revision ")

    db = UserDatabase(user_database_path())  # the next start
    try:
        db.start_session()
        crashed = db.crashed_autosaves()
        assert len(crashed) == 1 and crashed[0].file_path == str(saved)
        assert buildfile.loads(crashed[0].build_json, catalog, "autosave").notes == "edited before the crash"
    finally:
        db.close()


def test_nobody_is_asked_on_an_offscreen_platform(qapp):
    from configurator.app import _dialog_ask

    assert qapp.platformName() == "offscreen"
    assert _dialog_ask(qapp) is None  # a message box there would wait forever for an answer
