"""The PyInstaller spec (packaging/configurator.spec) without running PyInstaller: executed with stand-ins
for PyInstaller's spec classes, it must name only data files that exist, put them where paths.py looks
for them in a frozen bundle, ship the built catalog and the edition marker, leave dealer cost out of the
customer edition, exclude tkinter, and follow PYINSTALLER_DEBUG.
"""

from __future__ import annotations

import ast
import sys
import types
from pathlib import Path

import pytest

from tests.conftest import ROOT

SPEC = ROOT / "packaging" / "configurator.spec"


class Recorder:
    calls: dict[str, list] = {}

    def __init__(self, *args, **kwargs):
        self.args, self.kwargs = args, kwargs
        Recorder.calls.setdefault(type(self).__name__, []).append(self)
        self.pure, self.scripts, self.binaries, self.datas = [], [], [], kwargs.get("datas", [])


def _run_spec(monkeypatch, tmp_path, edition: str, debug: bool = False) -> dict[str, Recorder]:
    catalog = tmp_path / f"catalog-{edition}.sqlite"
    catalog.write_bytes(b"stand-in")
    marker = tmp_path / "edition"
    marker.write_text(edition + "\n")
    monkeypatch.setenv("CONFIGURATOR_BUNDLE_EDITION", edition)
    monkeypatch.setenv("CONFIGURATOR_BUNDLE_CATALOG", str(catalog))
    monkeypatch.setenv("CONFIGURATOR_BUNDLE_MARKER", str(marker))
    monkeypatch.delenv("CONFIGURATOR_BUNDLE_DB", raising=False)
    monkeypatch.setenv("PYINSTALLER_DEBUG", "1" if debug else "")
    # PyInstaller.utils.hooks.collect_submodules, stood in when PyInstaller is not installed
    hooks = types.ModuleType("PyInstaller.utils.hooks")
    hooks.collect_submodules = lambda package: [f"{package}.cli"]
    for name in ("PyInstaller", "PyInstaller.utils"):
        monkeypatch.setitem(sys.modules, name, types.ModuleType(name))
    monkeypatch.setitem(sys.modules, "PyInstaller.utils.hooks", hooks)
    Recorder.calls = {}
    namespace = {"SPECPATH": str(SPEC.parent), "__file__": str(SPEC)}
    for name in ("Analysis", "PYZ", "EXE", "COLLECT", "BUNDLE"):
        namespace[name] = type(name, (Recorder,), {})
    exec(compile(SPEC.read_text(encoding="utf-8"), str(SPEC), "exec"), namespace)
    return {name: calls[0] for name, calls in Recorder.calls.items()}


def test_spec_is_valid_python():
    ast.parse(SPEC.read_text(encoding="utf-8"))


@pytest.mark.parametrize("edition", ["internal", "customer"])
def test_spec_datas_exist_and_land_where_paths_py_looks(monkeypatch, tmp_path, edition):
    calls = _run_spec(monkeypatch, tmp_path, edition)
    analysis = calls["Analysis"]
    datas = analysis.kwargs["datas"]
    assert datas
    for source, dest in datas:
        assert Path(source).exists(), source
    dests = {(Path(s).name, d) for s, d in datas}
    assert ("prices.csv", "db") in dests and ("gpus.csv", "db") in dests
    assert (("costs.csv", "db") in dests) == (edition == "internal")  # never in a customer bundle
    for folder in ("examples", "icons", "branding"):
        assert (folder, f"resources/{folder}") in dests
    assert ("edition", "resources") in dests
    assert (f"catalog-{edition}.sqlite", "catalog") in dests  # where locate.shipped_catalog_path() looks
    every_csv = {p.name for p in (ROOT / "db").glob("*.csv")} - ({"costs.csv"} if edition == "customer" else set())
    assert {name for name, d in dests if d == "db" and name.endswith(".csv")} == every_csv
    assert Path(analysis.args[0][0]) == ROOT / "configurator" / "__main__.py"
    assert "tkinter" in analysis.kwargs["excludes"]
    assert calls["COLLECT"].kwargs["name"] == f"configurator-{edition}"


def test_spec_debug_toggle_from_the_environment(monkeypatch, tmp_path):
    plain = _run_spec(monkeypatch, tmp_path, "customer")["EXE"].kwargs
    debug = _run_spec(monkeypatch, tmp_path, "customer", debug=True)["EXE"].kwargs
    assert plain["debug"] is False and debug["debug"] is True
    assert debug["console"] is True and debug["exclude_binaries"] is True


def test_spec_refuses_an_unknown_edition_or_a_missing_catalog(monkeypatch, tmp_path):
    with pytest.raises(SystemExit, match="unknown edition"):
        _run_spec(monkeypatch, tmp_path, "partner")
    monkeypatch.setenv("CONFIGURATOR_BUNDLE_EDITION", "customer")
    monkeypatch.setenv("CONFIGURATOR_BUNDLE_CATALOG", str(tmp_path / "missing.sqlite"))
    namespace = {"SPECPATH": str(SPEC.parent)}
    for name in ("Analysis", "PYZ", "EXE", "COLLECT", "BUNDLE"):
        namespace[name] = type(name, (Recorder,), {})
    with pytest.raises(SystemExit, match="no catalog"):
        exec(compile(SPEC.read_text(encoding="utf-8"), str(SPEC), "exec"), namespace)


def test_desktop_entry_and_icon():
    entry = (ROOT / "packaging" / "linux" / "ai-configurator.desktop").read_text(encoding="utf-8")
    lines = dict(line.split("=", 1) for line in entry.splitlines()[1:] if "=" in line)
    assert entry.startswith("[Desktop Entry]\n")
    assert lines["Type"] == "Application" and lines["Exec"].split()[0] == "configurator"
    assert (ROOT / "packaging" / "linux" / f"{lines['Icon']}.svg").read_text().startswith("<svg")
