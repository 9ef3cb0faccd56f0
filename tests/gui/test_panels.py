"""Findings, workload and price panels follow the document; edits become undoable workload changes."""

from __future__ import annotations

from configurator.core.workload import TRAINING
from configurator.ui.document import BuildDocument
from configurator.ui.models.findings_model import PARTS_ROLE, FindingsModel
from tests.conftest import ROOT

EXAMPLES = ROOT / "resources" / "examples"


def _doc(catalog, name="ws-2x-rtxpro6000-maxq.json") -> BuildDocument:
    doc = BuildDocument(catalog)
    doc.open(EXAMPLES / name)
    doc.recompute()
    return doc


def test_findings_model_passes_modeltester_through_changes(qtmodeltester, catalog):
    model = FindingsModel()
    qtmodeltester.check(model, force_py=True)
    bad = _doc(catalog, "ws-4x-rtxpro6000-we-overpowered.json").analysis.findings
    good = _doc(catalog).analysis.findings
    model.set_findings(bad)
    assert [model.index(r, 1).data() for r in range(model.rowCount())] == [f.code for f in bad]
    model.set_findings(good)
    assert [model.index(r, 2).data() for r in range(model.rowCount())] == [f.message for f in good]
    model.set_findings(bad)
    qtmodeltester.check(model, force_py=True)
    assert model.rowCount() == len(bad)


def test_findings_view_shows_errors_and_selects_parts(qtbot, catalog):
    from configurator.ui.views.findings_view import FindingsView

    doc = _doc(catalog, "ws-4x-rtxpro6000-we-overpowered.json")
    view = FindingsView(doc)
    qtbot.addWidget(view)
    codes = {view.model.index(r, 1).data() for r in range(view.model.rowCount())}
    assert {"OPEN_AIR_STACK", "WALL_CIRCUIT"} <= codes
    assert "cannot be quoted" in view.summary.text()
    row = next(r for r in range(view.model.rowCount()) if view.model.index(r, 1).data() == "OPEN_AIR_STACK")
    with qtbot.waitSignal(view.parts_selected) as blocker:
        view.table.selectRow(row)
    assert "rtx-pro-6000-we" in blocker.args[0]
    assert blocker.args[0] == view.model.index(row, 0).data(PARTS_ROLE)


def test_workload_panel_edits_are_undoable_and_sliders_merge(qtbot, catalog):
    from configurator.ui.views.workload_panel import WorkloadPanel

    doc = _doc(catalog)
    panel = WorkloadPanel(doc)
    qtbot.addWidget(panel)
    start_users = doc.build.workload.inference.users
    for value in range(start_users + 1, start_users + 20):
        panel.users.slider.setValue(value)  # a drag delivers many steps
    assert doc.build.workload.inference.users == start_users + 19
    assert doc.undo_stack.count() == 1
    panel.context.spin.setValue(32768)
    assert doc.build.workload.inference.context_tokens == 32768
    assert doc.undo_stack.count() == 2
    doc.undo_stack.undo()
    doc.undo_stack.undo()
    assert doc.build.workload.inference.users == start_users
    assert panel.users.spin.value() == start_users  # the panel follows undo


def test_workload_panel_switches_to_training(qtbot, catalog):
    from configurator.ui.views.workload_panel import MODES, WorkloadPanel

    doc = _doc(catalog)
    panel = WorkloadPanel(doc)
    qtbot.addWidget(panel)
    panel.mode.setCurrentIndex([m for _, m in MODES].index("qlora"))
    assert doc.build.workload.kind == TRAINING and doc.build.workload.training.mode == "qlora"
    assert panel.training_box.isVisibleTo(panel) and not panel.inference_box.isVisibleTo(panel)
    doc.recompute()
    assert doc.analysis.training is not None


def test_price_summary_hides_cost_in_customer_edition(qtbot, catalog):
    from configurator.ui.views.price_summary import PriceSummary

    doc = _doc(catalog)
    internal = PriceSummary(doc, "internal")
    customer = PriceSummary(doc, "customer")
    qtbot.addWidget(internal)
    qtbot.addWidget(customer)
    total = f"{doc.analysis.price.total:,.2f}"
    assert total in internal.label.text() and total in customer.label.text()
    assert "cost" in internal.label.text().lower()
    assert "cost" not in customer.label.text().lower() and "margin" not in customer.label.text().lower()


def test_custom_model_is_sized_saved_and_reloaded(qtbot, catalog, tmp_path):
    from configurator.core import buildfile
    from configurator.core.workload import CUSTOM_MODEL_ID
    from configurator.ui.views.workload_panel import WorkloadPanel

    doc = _doc(catalog)
    panel = WorkloadPanel(doc)
    qtbot.addWidget(panel)
    panel.model.setCurrentIndex(panel.model.findData(CUSTOM_MODEL_ID))
    assert panel.custom_box.isVisibleTo(panel)
    panel.custom_params.setValue(30.0)
    panel.custom_ints["layers"].setValue(60)
    panel.custom_ints["hidden"].setValue(6656)
    panel.custom_ints["kv_heads"].setValue(8)
    doc.recompute()
    w = doc.build.workload
    assert w.inference.model_id == CUSTOM_MODEL_ID and w.custom.params_b == 30.0 and w.custom.layers == 60
    result = doc.analysis.inference.result
    # weights follow the entered size: 30 B parameters at the Q4_K_M bits per weight, over the GPUs' split
    per_gpu_expected = 30e9 * catalog.precision(w.inference.precision).bits_per_weight / 8
    assert result.memory.weights_bytes * doc.analysis.system.gpus_per_node == __import__("pytest").approx(
        per_gpu_expected, rel=0.02)
    # KV per token from the entered shape: 2 x layers x kv_heads x head_dim x 2 bytes (fp16)
    assert result.kv_bytes_per_token == 2 * 60 * 8 * 128 * 2
    path = tmp_path / "custom.json"
    doc.save(path)
    again = buildfile.load(path, catalog)
    assert again.workload.custom == w.custom and again.workload.inference.model_id == CUSTOM_MODEL_ID
