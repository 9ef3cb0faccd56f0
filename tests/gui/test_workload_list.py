"""Several workloads per build through the real widgets: the workload list in the workload panel adds,
duplicates, renames (in place), selects and removes workloads, one undo step each; the panel edits the
selected one; the verdict strip says how many fit and the charts follow the selected workload; a two-workload
build saved from the window opens again with both."""

from __future__ import annotations

import json

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QLineEdit

from configurator.core.workload import INFERENCE, TRAINING
from configurator.ui.document import BuildDocument
from configurator.ui.views.chart_panel import ChartPanel
from configurator.ui.views.verdict_strip import VerdictStrip
from configurator.ui.views.workload_list import ADD_KINDS, TITLE_ROLE
from configurator.ui.views.workload_panel import MODES, WorkloadPanel
from tests.conftest import ROOT

EXAMPLE = ROOT / "resources" / "examples" / "ws-2x-rtxpro6000-maxq.json"  # 2 x 96 GB: 70B Q4 inference fits


def _setup(qtbot, catalog):
    doc = BuildDocument(catalog)
    doc.open(EXAMPLE)
    panel = WorkloadPanel(doc)
    strip = VerdictStrip(doc)
    charts = ChartPanel(doc)
    for w in (panel, strip, charts):
        qtbot.addWidget(w)
    panel.show()  # the in-place name editor shows only in a shown list
    qtbot.waitExposed(panel)
    doc.recompute()
    return doc, panel, strip, charts


def _add(panel, label: str) -> None:
    """Add a workload of a kind through the Add button's menu."""
    action = next(a for a in panel.workloads.add_menu.actions() if a.text() == label)
    action.trigger()


def _rows(panel, role=Qt.ItemDataRole.DisplayRole) -> list[str]:
    model = panel.workloads.list.model()
    return [model.index(i).data(role) for i in range(model.rowCount())]


def _rename_in_place(qtbot, panel, text: str) -> None:
    """Rename button -> the list's in-place editor -> type -> Enter."""
    qtbot.mouseClick(panel.workloads.rename_button, Qt.MouseButton.LeftButton)
    editor = panel.workloads.list.findChild(QLineEdit, "workload-name-editor")
    assert editor is not None and editor.isVisible()
    editor.selectAll()
    qtbot.keyClicks(editor, text)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    # Qt commits the editor's text on the next event-loop turn
    qtbot.waitUntil(lambda: panel.workloads.list.state() != QAbstractItemView.State.EditingState)
    qtbot.wait(10)


def test_add_select_and_edit_each_workload_one_undo_step_each(qtbot, catalog):
    doc, panel, strip, charts = _setup(qtbot, catalog)
    stack = doc.undo_stack
    assert len(_rows(panel)) == 1 and not panel.workloads.remove_button.isEnabled()
    assert [a.text() for a in panel.workloads.add_menu.actions()] == [k[0] for k in ADD_KINDS]

    _add(panel, "QLoRA fine-tune")  # on the selected workload's model: Llama 3.1 70B
    assert stack.count() == 1 and stack.undoText() == "Add workload"
    assert len(doc.build.workloads) == 2 and doc.build.selected_workload == 1
    w = doc.build.workload
    assert w.kind == TRAINING and w.training.mode == "qlora" and w.training.model_id == "llama-3.1-70b"
    # the panel shows the new one: QLoRA on 70B, the training fields
    assert MODES[panel.mode.currentIndex()][1] == "qlora" and panel.model.currentData() == "llama-3.1-70b"
    assert panel.training_box.isVisibleTo(panel) and not panel.inference_box.isVisibleTo(panel)

    # an edit in the panel changes the selected workload only
    panel.seq.setValue(2048)
    assert doc.build.workloads[1].workload.training.seq_len == 2048
    assert doc.build.workloads[0].workload.kind == INFERENCE and doc.build.workloads[0].workload.inference.users == 4
    assert stack.count() == 2

    # select the first one by clicking its row: one step, the panel and the charts follow
    doc.recompute()
    assert charts.showing == "training"
    lst = panel.workloads.list
    rect = lst.visualRect(lst.model().index(0))
    qtbot.mouseClick(lst.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert doc.build.selected_workload == 0 and stack.undoText() == "Select workload" and stack.count() == 3
    assert MODES[panel.mode.currentIndex()][1] is None and panel.users.spin.value() == 4
    doc.recompute()
    assert charts.showing == "inference"

    stack.undo()  # back to the QLoRA one selected
    assert doc.build.selected_workload == 1 and panel.workloads.current_row() == 1
    assert MODES[panel.mode.currentIndex()][1] == "qlora"
    stack.undo()  # the sequence length edit
    assert doc.build.workloads[1].workload.training.seq_len != 2048 and panel.seq.value() != 2048
    stack.undo()  # the add
    assert len(doc.build.workloads) == 1 and len(_rows(panel)) == 1
    stack.redo()
    assert len(doc.build.workloads) == 2 and len(_rows(panel)) == 2 and doc.build.selected_workload == 1
    assert panel.workloads.current_row() == 1


def test_rename_in_place_duplicate_and_remove(qtbot, catalog):
    doc, panel, strip, charts = _setup(qtbot, catalog)
    stack = doc.undo_stack
    doc.recompute()
    title = _rows(panel, TITLE_ROLE)[0]
    assert title == "Llama 3.1 70B inference"  # unnamed: shown by its model and kind

    _rename_in_place(qtbot, panel, "Local chat")
    assert doc.build.workloads[0].name == "Local chat" and stack.undoText() == "Rename workload"
    doc.recompute()
    assert "Local chat" in _rows(panel)[0]

    qtbot.mouseClick(panel.workloads.duplicate_button, Qt.MouseButton.LeftButton)
    assert len(doc.build.workloads) == 2 and doc.build.selected_workload == 1
    assert doc.build.workloads[1].workload == doc.build.workloads[0].workload
    assert doc.build.workloads[1].name == ""  # the copy is unnamed until named
    # a name already used is refused with a reason, and nothing changes
    messages = []
    panel.workloads.status_message.connect(messages.append)
    count = stack.count()
    _rename_in_place(qtbot, panel, "local CHAT")
    assert doc.build.workloads[1].name == "" and stack.count() == count
    assert messages and "already named" in messages[-1]

    # Delete on the list removes the selected workload; the remove button is off when one is left
    assert panel.workloads.remove_button.isEnabled()
    panel.workloads.list.setFocus()
    qtbot.keyClick(panel.workloads.list, Qt.Key.Key_Delete)
    assert len(doc.build.workloads) == 1 and stack.undoText() == "Remove workload"
    assert not panel.workloads.remove_button.isEnabled()
    stack.undo()
    assert len(doc.build.workloads) == 2 and len(_rows(panel)) == 2


def test_verdict_strip_counts_the_workloads_that_fit(qtbot, catalog):
    doc, panel, strip, charts = _setup(qtbot, catalog)
    assert "workloads" not in [i.key for i in strip.items()]  # one workload: the strip is as before
    _add(panel, "Full fine-tune")  # full fine-tuning 70B does not fit 2 x 96 GB
    doc.recompute()
    first = strip.items()[0]
    assert first.key == "workloads" and first.value == "1 of 2 workloads fit" and first.state == "fair"
    assert "showing Llama 3.1 70B full fine-tune" in first.detail
    # the other cells speak of the selected one: the full fine-tune does not fit
    memory = next(i for i in strip.items() if i.key == "memory")
    assert memory.value == "Does not fit"
    checks = next(i for i in strip.items() if i.key == "checks")
    assert checks.state == "bad"  # its WORKLOAD_DOES_NOT_FIT blocks the quote, whichever workload is shown
    finding = next(f for f in doc.analysis.findings if f.code == "WORKLOAD_DOES_NOT_FIT")
    assert finding.message.startswith("Llama 3.1 70B full fine-tune: ")
    assert "1 of 2 workloads fit" in panel.workloads.summary.text()
    assert [r.split(" ", 1)[0] for r in _rows(panel)] == ["✓", "✗"]

    doc.select_workload(0)
    doc.recompute()
    assert next(i for i in strip.items() if i.key == "memory").value == "Fits"
    assert strip.items()[0].value == "1 of 2 workloads fit"


def test_two_workload_build_saved_from_the_window_opens_with_both(qtbot, catalog, tmp_path):
    doc, panel, strip, charts = _setup(qtbot, catalog)
    _rename_in_place(qtbot, panel, "Chat 70B")
    _add(panel, "LoRA fine-tune")
    panel.lora_rank.setValue(64)
    _rename_in_place(qtbot, panel, "LoRA 70B later")
    path = doc.save(tmp_path / "two.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["schema"] == 2 and "workload" not in data
    assert [w.get("name") for w in data["workloads"]] == ["Chat 70B", "LoRA 70B later"]
    assert data["workloads"][1]["training"]["lora_rank"] == 64 and data["selected_workload"] == 1

    other = BuildDocument(catalog)
    other.open(path)
    again = WorkloadPanel(other)
    qtbot.addWidget(again)
    other.recompute()
    assert [w.name for w in other.build.workloads] == ["Chat 70B", "LoRA 70B later"]
    assert other.build.workloads == doc.build.workloads and other.build.selected_workload == 1
    assert again.lora_rank.value() == 64 and MODES[again.mode.currentIndex()][1] == "lora"
    assert _rows(again, TITLE_ROLE) == ["Chat 70B", "LoRA 70B later"]


def test_workloads_model_passes_the_model_tester(qtbot, qtmodeltester, catalog):
    doc, panel, strip, charts = _setup(qtbot, catalog)
    model = panel.workloads.model
    qtmodeltester.check(model)
    doc.add_workload()
    doc.add_workload()
    doc.recompute()
    qtmodeltester.check(model)
    doc.remove_workload(0)
    qtmodeltester.check(model)
    assert model.rowCount() == 2


def test_the_main_window_verdict_cell_leads_to_the_workloads(qtbot, app_context, catalog, tmp_path):
    from configurator.ui.main_window import MainWindow

    win = MainWindow(app_context, ask=lambda _title, _question: True)
    qtbot.addWidget(win)
    win.resize(1366, 768)
    win.show()
    win.document.open(EXAMPLE)
    win.workload.workloads.add(TRAINING, "qlora")
    win.document.recompute()
    win.roi_dock.raise_()  # the workload dock is behind the ROI tab
    cell = next(c for c in win.verdict.cells if c.key == "workloads" and not c.isHidden())
    assert cell.value.text() == "✓ 2 of 2 workloads fit"
    qtbot.mouseClick(cell, Qt.MouseButton.LeftButton)
    assert win.workload.isVisible()  # raised, showing the list
    assert win.workload.workloads.list.isVisible()
    # in visitor mode there are no docks: a tap shows the next workload, and the charts follow it
    win.set_presentation(True)
    try:
        assert win.document.build.selected_workload == 1
        cell = next(c for c in win.verdict.cells if c.key == "workloads" and not c.isHidden())
        qtbot.mouseClick(cell, Qt.MouseButton.LeftButton)
        assert win.document.build.selected_workload == 0
        win.document.recompute()
        assert win.charts.showing == "inference"
    finally:
        win.set_presentation(False)


def test_the_list_grows_with_the_font(qtbot, catalog):
    doc, panel, strip, charts = _setup(qtbot, catalog)
    doc.add_workload()
    doc.recompute()
    qtbot.wait(20)
    small = panel.workloads.list.maximumHeight()
    font = panel.font()
    font.setPointSizeF(font.pointSizeF() * 1.5)  # as visitor mode scales the application font
    panel.setFont(font)  # no change of the build, no analysis: the list follows the font itself
    assert panel.workloads.list.maximumHeight() > small
    rows = panel.workloads.list.model().rowCount()
    assert panel.workloads.list.maximumHeight() >= rows * panel.workloads.list.sizeHintForRow(0)
