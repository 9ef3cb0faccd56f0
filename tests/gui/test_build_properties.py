"""Build properties in the window (issue 16 item 1), through the real widgets of the Build dock: name, kind, node
count, wall circuit (catalog or volts/amperes/phases typed in), notes; one undo step per change; the name in the
title after saving and on every document; an example's name does not outlive the example."""

from __future__ import annotations

import json
import math

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction

from configurator.core.buildfile import load
from configurator.present import watts
from tests.conftest import ROOT
from tests.export.conftest import pdf_pages

EXAMPLES = ROOT / "resources" / "examples"
HGX = EXAMPLES / "hgx-8x-h200.json"
CLUSTER = EXAMPLES / "cluster-4x8-h100.json"


@pytest.fixture
def window(qtbot, app_context):
    from configurator.ui.main_window import MainWindow

    win = MainWindow(app_context, ask=lambda *_: True)
    qtbot.addWidget(win)
    win.show()
    win.properties_dock.raise_()
    yield win
    win.document.undo_stack.setClean()
    win.close()


def _choose(combo, data) -> None:
    """Pick an entry as a person does: the current index changes and the combo reports the activation."""
    index = combo.findData(data)
    assert index >= 0, data
    combo.setCurrentIndex(index)
    combo.activated.emit(index)


def _type_name(qtbot, props, text: str) -> None:
    props.name.setFocus()
    props.name.selectAll()
    qtbot.keyClicks(props.name, text)
    qtbot.keyClick(props.name, Qt.Key.Key_Return)  # editing finished: one change


def test_name_typed_is_one_undo_step_and_shows_in_the_title_after_saving(qtbot, window, tmp_path):
    props, doc = window.properties, window.document
    steps = doc.undo_stack.count()
    _type_name(qtbot, props, "Lab inference box")
    assert doc.build.name == "Lab inference box"
    assert doc.undo_stack.count() == steps + 1  # eighteen keys, one step
    assert window.files.save_as(tmp_path / "lab.json")
    assert "Lab inference box" in window.windowTitle() and "lab.json" in window.windowTitle()
    doc.undo_stack.undo()
    assert doc.build.name == "" and props.name.text() == ""
    assert "Lab inference box" not in window.windowTitle()


def test_kind_and_node_count_each_one_step_and_saved(window, tmp_path):
    props, doc = window.properties, window.document
    assert window.files.open(CLUSTER)
    assert props.nodes.isEnabled() and props.nodes.value() == doc.build.nodes == 4
    steps = doc.undo_stack.count()
    props.nodes.setValue(6)
    assert doc.build.nodes == 6 and doc.undo_stack.count() == steps + 1
    assert window.files.save_as(tmp_path / "six.json")
    assert json.loads((tmp_path / "six.json").read_text())["nodes"] == 6
    _choose(props.kind, "sxm_server")
    assert doc.build.kind == "sxm_server" and doc.build.nodes == 1
    assert not props.nodes.isEnabled() and props.nodes.value() == 1
    assert doc.undo_stack.count() == steps + 2
    doc.undo_stack.undo()
    assert doc.build.kind == "cluster" and doc.build.nodes == 6 and props.kind.currentData() == "cluster"
    assert props.nodes.isEnabled()


def test_a_refused_node_count_says_why_and_changes_nothing(window):
    props, doc = window.properties, window.document
    assert window.files.open(CLUSTER)
    doc.set_kind("workstation")
    steps = doc.undo_stack.count()
    props._nodes_changed(3)  # what the spin box would report if it were enabled
    assert doc.build.nodes == 1 and doc.undo_stack.count() == steps
    assert not props.problem.isHidden() and "only a cluster" in props.problem.text()


def test_wall_circuit_from_the_catalog_and_typed_in_with_phases(window, tmp_path, catalog):
    props, doc = window.properties, window.document
    assert window.files.open(HGX)
    steps = doc.undo_stack.count()
    _choose(props.circuit, "208v-30a")
    assert doc.build.circuit.id == "208v-30a" and doc.build.circuit.phases == 1
    assert props.volts.value() == 208 and props.amps.value() == 30 and props.phases.currentData() == 1
    assert doc.undo_stack.count() == steps + 1

    # typed in: 400 V 32 A three-phase (an EU rack feed the catalog does not list)
    props.volts.setValue(400)
    props.amps.setValue(32)
    _choose(props.phases, 3)
    circuit = doc.build.circuit
    assert (circuit.volts, circuit.amps, circuit.phases) == (400, 32, 3)
    assert math.isclose(circuit.peak_w, math.sqrt(3) * 400 * 32)
    assert math.isclose(circuit.continuous_w, 0.8 * math.sqrt(3) * 400 * 32)
    assert props.capacity.text() == f"{watts(circuit.continuous_w)} continuous, {watts(circuit.peak_w)} peak"
    assert doc.undo_stack.count() == steps + 4  # volts, amps, phases: one step each

    assert window.files.save_as(tmp_path / "eu.json")
    saved = json.loads((tmp_path / "eu.json").read_text())
    assert saved["circuit"] == {"volts": 400.0, "amps": 32.0, "phases": 3}
    assert load(tmp_path / "eu.json", catalog).circuit.phases == 3

    # figures that match a catalog circuit choose it (its name, its source)
    _choose(props.phases, 1)
    props.volts.setValue(240)
    props.amps.setValue(30)
    assert doc.build.circuit_id == "240v-30a" and props.circuit.currentData() == "240v-30a"

    _choose(props.circuit, "__chassis_default__")
    assert doc.build.circuit_id is None and doc.build.custom_circuit is None
    assert doc.build.circuit.id == doc.build.chassis.circuit


def test_build_files_without_phases_still_open(catalog, tmp_path):
    data = json.loads(HGX.read_text())
    data["circuit"] = {"volts": 230, "amps": 16}  # a typed-in circuit from before phases: single-phase
    (tmp_path / "old.json").write_text(json.dumps(data))
    assert load(tmp_path / "old.json", catalog).circuit.phases == 1
    data["circuit"] = "3ph-208v-60a"  # a catalog id, as files have always held
    (tmp_path / "id.json").write_text(json.dumps(data))
    assert load(tmp_path / "id.json", catalog).circuit.phases == 3
    data["circuit"] = {"volts": 230, "amps": 16, "phases": 2}
    (tmp_path / "bad.json").write_text(json.dumps(data))
    from configurator.core.buildfile import BuildFileError

    with pytest.raises(BuildFileError, match=r"\$\.circuit: a circuit has 1 or 3 phases"):
        load(tmp_path / "bad.json", catalog)


def test_notes_commit_once_per_burst_of_typing(qtbot, window):
    props, doc = window.properties, window.document
    steps = doc.undo_stack.count()
    props.notes.setFocus()
    qtbot.keyClicks(props.notes, "rack 12, blue bezel")
    assert doc.build.notes == ""  # still typing
    qtbot.waitUntil(lambda: doc.build.notes == "rack 12, blue bezel", timeout=3000)
    assert doc.undo_stack.count() == steps + 1
    doc.undo_stack.undo()
    assert doc.build.notes == "" and props.notes.toPlainText() == ""


def test_the_name_goes_on_the_quote_the_build_sheet_and_the_bom(qtbot, window, tmp_path):
    from configurator.ui.document_export import export_bom, export_build_sheet
    from configurator.ui.views.quote_dialog import QuoteDialog

    assert window.files.open(HGX)
    _type_name(qtbot, window.properties, "Acme serving node")
    sheet = export_build_sheet(window, tmp_path / "sheet.pdf")
    assert sheet is not None and "Acme serving node" in " ".join(pdf_pages(sheet))
    bom = export_bom(window, tmp_path / "bom.csv")
    assert "Acme serving node" in bom.read_text(encoding="utf-8")
    window.document.recompute()
    dialog = QuoteDialog(window.context, window.document, window)
    qtbot.addWidget(dialog)
    dialog.name.setText("Jane Roe")
    quote = dialog.export_to(tmp_path / "q.pdf")
    assert quote.build_name == "Acme serving node"
    assert "Acme serving node" in " ".join(pdf_pages(tmp_path / "q.pdf"))


def test_an_examples_name_is_cleared_by_the_first_change_that_makes_it_another_build(qtbot, window, tmp_path):
    from configurator.ui.views.quote_dialog import QuoteDialog

    props, doc = window.properties, window.document
    example_name = json.loads(HGX.read_text())["name"]
    next(a for a in window.findChildren(QAction) if a.text() == HGX.stem).trigger()  # File > Open example
    assert doc.build.name == example_name and doc.path is None
    doc.set_notes("customer wants blue bezels")  # notes do not make it another build
    assert doc.build.name == example_name
    steps = doc.undo_stack.count()
    _choose(props.circuit, "3ph-208v-60a")  # a change to what the build is
    assert doc.build.name == "" and doc.undo_stack.count() == steps + 1  # the same undo step
    assert example_name in props.name.placeholderText()

    doc.recompute()
    dialog = QuoteDialog(window.context, doc, window)
    qtbot.addWidget(dialog)
    dialog.name.setText("Jane Roe")
    quote = dialog.export_to(tmp_path / "q.pdf")
    text = " ".join(pdf_pages(tmp_path / "q.pdf"))
    assert quote.build_name == "" and example_name not in text and "Configured system" in text

    doc.undo_stack.undo()  # the circuit and the name come back together
    assert doc.build.name == example_name and doc.build.circuit_id is None

    _type_name(qtbot, props, "My H200 box")  # a name the person typed is theirs: kept
    _choose(props.circuit, "3ph-208v-60a")
    assert doc.build.name == "My H200 box"
