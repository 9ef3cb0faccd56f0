"""The workload panel keeps the training defaults the core calibrates: the calibrated efficiency (mfu 0) and
the automatic ZeRO stage survive a round trip through the widgets, and an edit elsewhere does not turn them
into a 1% MFU or a fixed stage."""

from __future__ import annotations

from dataclasses import replace

from configurator.core.workload import TRAINING, ZERO_AUTO
from configurator.ui.document import BuildDocument
from configurator.ui.views.workload_panel import WorkloadPanel
from tests.conftest import ROOT


def test_calibrated_mfu_and_automatic_zero_survive_an_edit(qtbot, catalog):
    doc = BuildDocument(catalog)
    doc.open(ROOT / "resources" / "examples" / "cluster-4x8-h100.json")
    w = doc.build.workload
    doc.set_workload(replace(w, kind=TRAINING, training=replace(w.training, mfu=0.0, zero_stage=ZERO_AUTO)))
    panel = WorkloadPanel(doc)
    qtbot.addWidget(panel)
    panel.show_workload(doc.build.workload)
    assert panel.mfu.value() == 0 and panel.mfu.text() == "calibrated"
    assert panel.zero.currentData() == ZERO_AUTO
    panel.seq.setValue(panel.seq.value() * 2)  # an edit of another field writes the whole training workload
    t = doc.build.workload.training
    assert t.seq_len == panel.seq.value() and t.mfu == 0.0 and t.zero_stage == ZERO_AUTO
    assert (t.tp, t.pp) == (0, 0) and panel.degrees["tp"].text() == "automatic"


def test_layout_degrees_set_by_hand_reach_the_analysis(qtbot, catalog):
    doc = BuildDocument(catalog)
    doc.open(ROOT / "resources" / "examples" / "cluster-4x8-h100.json")
    panel = WorkloadPanel(doc)
    qtbot.addWidget(panel)
    panel.show_workload(doc.build.workload)
    auto = doc.recompute().training.result.layout  # the example fixes ZeRO-3: the search picks pure DP
    panel.degrees["tp"].setValue(4)
    t = doc.build.workload.training
    assert (t.tp, t.pp) == (4, 0)
    layout = doc.recompute().training.result.layout
    assert layout.tp == 4 != auto.tp and layout.dp * layout.tp * layout.pp == 32
    panel.degrees["pp"].setValue(2)  # TP4 x PP2 cannot run with ZeRO-3 here: the reason, no figures
    assert "TP 4, PP 2" in doc.recompute().sizing_problem
