"""Layer contracts (tests/layers.py) hold on the source tree, and each one fails when it is broken: checked on a
copy of the tree with one forbidden import added (inside a function, where lazy imports hide)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.layers import cycles, violations

ROOT = Path(__file__).resolve().parents[2]


def test_the_package_keeps_every_layer_contract():
    assert violations(ROOT) == []


@pytest.fixture
def tree(tmp_path):
    """A copy of the package to break on purpose."""
    shutil.copytree(ROOT / "configurator", tmp_path / "configurator",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "data"))

    def add(relative: str, code: str) -> Path:
        path = tmp_path / "configurator" / relative
        path.write_text(path.read_text(encoding="utf-8") + "\n\n" + code + "\n", encoding="utf-8")
        return tmp_path

    return add


def _lazy(statement: str) -> str:
    return f"def _lazy():\n    {statement}\n"


def test_a_ui_import_in_export_fails_and_makes_a_cycle(tree):
    found = violations(tree("export/pdf.py", _lazy("from configurator.ui import main_window")))
    assert any("configurator.export.pdf" in v and "only app may import ui" in v for v in found), found
    assert any(v.startswith("import cycle between packages") and "export" in v and "ui" in v for v in found), found


def test_qt_in_the_core_fails(tree):
    root = tree("core/units.py", _lazy("import PySide6.QtCore"))
    lines = (root / "configurator" / "core" / "units.py").read_text(encoding="utf-8").splitlines()
    line = next(i for i, text in enumerate(lines, 1) if "import PySide6.QtCore" in text)
    assert violations(root) == [f"configurator.core.units:{line} imports PySide6.QtCore: core must not load PySide6"]


def test_pyqtgraph_in_the_wording_or_the_store_fails(tree):
    found = violations(tree("present/numbers.py", _lazy("import pyqtgraph")))
    assert any("present must not load pyqtgraph" in v for v in found)
    found = violations(tree("store/userdb.py", _lazy("from PySide6 import QtWidgets")))
    assert any("store must not load PySide6" in v for v in found)


def test_sqlite_in_the_core_fails(tree):
    assert any("core must not load sqlite_utils" in v
               for v in violations(tree("core/analysis.py", _lazy("import sqlite_utils"))))


def test_an_upward_import_fails_and_a_cycle_is_named(tree):
    found = violations(tree("core/analysis.py", _lazy("from configurator.catalog import repository")))
    assert any("core is below catalog" in v for v in found)
    assert any(v == "import cycle between packages: catalog -> core -> catalog" for v in found), found


def test_side_by_side_packages_and_relative_imports(tree):
    found = violations(tree("store/quotes.py", _lazy("from ..catalog import prices")))
    assert any("store and catalog are side by side" in v for v in found), found


def test_the_command_line_may_not_import_the_window(tree):
    found = violations(tree("commands/check.py", _lazy("import configurator.ui.main_window")))
    assert any("only app may import ui" in v for v in found)


def test_cycles_finds_each_component_once():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c", "a"]]
    assert cycles({"a": {"b"}, "b": set()}) == []

