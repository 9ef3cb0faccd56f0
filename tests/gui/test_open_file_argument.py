"""`configurator FILE.json` (the desktop entry's `Exec=configurator %f`) opens the file in the window."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from configurator.cli import build_file_argument
from tests.conftest import ROOT

EXAMPLE = ROOT / "resources" / "examples" / "hgx-8x-h200.json"
QT_NOISE = ("This plugin does not support",)  # the offscreen platform's own lines, not ours


@pytest.fixture(autouse=True)
def _catalog(monkeypatch, catalog_path):
    monkeypatch.setenv("CONFIGURATOR_CATALOG", str(catalog_path))


def _configurator(*argv: str):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run([sys.executable, "-m", "configurator", *argv], capture_output=True, text=True,
                          timeout=120, env=env, cwd=ROOT)
    errors = [line for line in done.stderr.splitlines() if line.strip() and not line.startswith(QT_NOISE)]
    return done, errors


def test_a_first_word_naming_a_build_file_is_opened_not_a_command(tmp_path):
    plain = tmp_path / "build-without-suffix"
    plain.write_text("{}")
    assert build_file_argument(["x.json"]) == "x.json"
    assert build_file_argument(["X.JSON", "--smoke"]) == "X.JSON"
    assert build_file_argument([str(plain)]) == str(plain)
    assert build_file_argument(["check", "x.json"]) is None
    assert build_file_argument(["build-sheet", "x.json", "-o", "y.pdf"]) is None
    assert build_file_argument(["--smoke", "x.json"]) is None  # --smoke's own value, handled as before
    assert build_file_argument(["--version"]) is None and build_file_argument([]) is None
    assert build_file_argument(["no-such-command"]) is None  # still argparse's "invalid choice" line


def test_smoke_opening_a_positional_file_paints_the_window():
    done, errors = _configurator(str(EXAMPLE), "--smoke")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1].startswith("startup_ms=") and not errors


@pytest.mark.parametrize("smoke", [(), ("--smoke",)])
def test_a_bad_file_is_one_line_and_exit_2(tmp_path, smoke):
    bad = tmp_path / "bad.json"
    bad.write_text('{"schema": 1, "kind": "workstation", "chassis": "no-such-chassis"')
    for path in (bad, tmp_path / "missing.json"):
        done, errors = _configurator(str(path), *smoke)
        assert done.returncode == 2, done.stderr
        assert len(errors) == 1 and errors[0].startswith("configurator: error: ") and str(path) in errors[0], errors
        assert "Traceback" not in done.stderr and "startup_ms" not in done.stdout


def _run_app_inspecting(qapp, inspect, **kwargs) -> int:
    """run_app with a timer that, once the window is up, answers any message box, hands the window to
    ``inspect`` and closes it (which ends the event loop run_app is in)."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    from configurator.app import run_app
    from configurator.ui.main_window import MainWindow

    seen: dict = {"boxes": []}

    def poll():
        modal = QApplication.activeModalWidget()
        if isinstance(modal, QMessageBox):
            seen["boxes"].append(modal.text())
            modal.done(0)
        windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]
        if windows and not isinstance(QApplication.activeModalWidget(), QMessageBox):
            timer.stop()
            inspect(windows[0], seen)
            windows[0].close()
            QTimer.singleShot(0, qapp.quit)

    timer = QTimer()
    timer.timeout.connect(poll)
    timer.start(50)
    QTimer.singleShot(30000, qapp.quit)  # never hang the suite
    return run_app(**kwargs)


def test_the_file_is_open_in_the_window(qapp):
    from configurator.core.buildfile import load

    found = {}

    def inspect(window, seen):
        found.update(path=window.document.path, name=window.document.build.name, title=window.windowTitle(),
                     modified=window.document.modified, boxes=list(seen["boxes"]))

    assert _run_app_inspecting(qapp, inspect, open_path=str(EXAMPLE)) == 0
    from configurator.catalog import open_catalog

    catalog = open_catalog()
    try:
        expected_name = load(EXAMPLE, catalog).name
    finally:
        catalog.close()
    assert str(found["path"]) == str(EXAMPLE) and found["name"] == expected_name
    assert EXAMPLE.stem in found["title"] or expected_name in found["title"]
    assert not found["modified"] and not found["boxes"]


def test_a_bad_file_in_an_interactive_window_is_the_usual_message(qapp, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{")
    found = {}

    def inspect(window, seen):
        found.update(path=window.document.path, boxes=list(seen["boxes"]))

    assert _run_app_inspecting(qapp, inspect, open_path=str(bad), ask=lambda title, question: False) == 0
    assert found["path"] is None  # an empty build, not half a file
    assert len(found["boxes"]) == 1 and str(bad) in found["boxes"][0]


@pytest.mark.qt_log_ignore("This plugin does not support raise")  # offscreen has no window manager to raise it
def test_a_second_start_hands_its_file_to_the_running_window(qtbot, app_context):
    from configurator.ui.main_window import MainWindow
    from configurator.ui.single_instance import InstanceServer, bring_forward

    window = MainWindow(app_context, ask=lambda *_: True)
    qtbot.addWidget(window)
    window.show()
    server = InstanceServer(lambda path: bring_forward(window, path))
    try:
        assert server.listening
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}  # same XDG_DATA_HOME: the same user database
        second = subprocess.Popen([sys.executable, "-m", "configurator", str(EXAMPLE)], cwd=ROOT, env=env,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        qtbot.waitUntil(lambda: window.document.path is not None, timeout=60000)
        out, err = second.communicate(timeout=60)
        assert second.returncode == 0, err
        assert str(window.document.path) == str(EXAMPLE)
        assert "startup_ms" not in out
    finally:
        if "second" in locals() and second.poll() is None:
            second.kill()
            second.communicate()
        server.close()
        window.document.undo_stack.setClean()
        window.close()


def test_with_no_running_window_there_is_nobody_to_hand_over_to():
    from configurator.ui.single_instance import hand_over

    assert hand_over(str(EXAMPLE)) is False
