"""BuildDocument: each action is one undo step; undo/redo round trips; analysis follows the build."""

from __future__ import annotations

from configurator.core.buildfile import to_dict
from configurator.ui.document import BuildDocument
from tests.conftest import ROOT

EXAMPLE = ROOT / "resources" / "examples" / "ws-2x-rtxpro6000-maxq.json"


def test_place_undo_redo_round_trip(qtbot, catalog):
    doc = BuildDocument(catalog)
    doc.open(EXAMPLE)
    start = to_dict(doc.build)
    assert not doc.modified
    result = doc.place("rtx-pro-6000-maxq")
    assert result, result.reasons
    after = to_dict(doc.build)
    assert len(doc.build.gpus) == 3 and doc.modified
    doc.undo_stack.undo()
    assert to_dict(doc.build) == start and not doc.modified
    doc.undo_stack.redo()
    assert to_dict(doc.build) == after


def test_refused_place_changes_nothing_and_pushes_nothing(qtbot, catalog):
    doc = BuildDocument(catalog)
    doc.open(EXAMPLE)
    before = to_dict(doc.build)
    result = doc.place("h100-sxm")  # an SXM module cannot go into a PCIe slot
    assert not result and result.reasons
    assert to_dict(doc.build) == before and doc.undo_stack.count() == 0


def test_slider_edits_merge_into_one_step(qtbot, catalog):
    from dataclasses import replace

    doc = BuildDocument(catalog)
    doc.open(EXAMPLE)
    w = doc.build.workload
    for users in range(2, 30):
        doc.set_workload(replace(w, inference=replace(w.inference, users=users)), merge_key="users")
    assert doc.undo_stack.count() == 1
    assert doc.build.workload.inference.users == 29
    doc.undo_stack.undo()
    assert doc.build.workload.inference.users == w.inference.users


def test_analysis_follows_changes_once_per_burst(qtbot, catalog):
    doc = BuildDocument(catalog)
    doc.open(EXAMPLE)
    with qtbot.waitSignal(doc.analysis_ready, timeout=2000) as blocker:
        pass
    first = blocker.args[0]
    assert first.inference is not None
    seen = []
    doc.analysis_ready.connect(seen.append)
    doc.place("rtx-pro-6000-maxq")  # a 4th card would cover the board slot the example's NIC needs (SLOT_COVERED)
    doc.place("nvme-samsung-990pro-2tb")
    qtbot.waitUntil(lambda: len(seen) >= 1, timeout=2000)
    qtbot.wait(50)
    assert len(seen) == 1  # two changes in one event-loop turn: one recompute
    assert seen[0].system.gpus_per_node == 3 and doc.build.count("storage") == 3
    assert seen[0].price.total > first.price.total
