"""The build view: drawn as what it is; drops, moves and removal through synthetic DnD events and keys."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QApplication

from configurator.core.buildfile import to_dict
from configurator.ui.document import BuildDocument
from configurator.ui.mime import BUILD_ITEM_MIME, PART_MIME, decode_build_item
from configurator.ui.drops import DropHandler
from configurator.ui.views.build_view import BuildView
from tests.conftest import ROOT

EXAMPLES = ROOT / "resources" / "examples"
WS = EXAMPLES / "ws-2x-rtxpro6000-maxq.json"
HGX = EXAMPLES / "hgx-8x-b200.json"
CLUSTER = EXAMPLES / "cluster-4x8-h100.json"
MAXQ = "rtx-pro-6000-maxq"
ANY = Qt.DropAction.CopyAction | Qt.DropAction.MoveAction


def part_mime(*ids: str) -> QMimeData:
    mime = QMimeData()
    mime.setData(PART_MIME, json.dumps(list(ids)).encode("utf-8"))
    return mime


def build_item_mime(document, part_id: str, slot: int | None) -> QMimeData:
    """What a drag of that part out of ``document``'s build carries."""
    return DropHandler(document).drag_mime(part_id, slot)


def remove_dragged(document, mime) -> bool:
    return DropHandler(document).remove_dragged(mime)


def send(view, cls, mime: QMimeData, pos: QPointF):
    if cls is QDropEvent:
        event = QDropEvent(QPointF(pos), ANY, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    else:
        event = cls(QPointF(pos).toPoint(), ANY, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(view, event)
    return event


def hover(view, mime, pos):
    """Enter then move, as a real drag does; returns the move event (its acceptance is the verdict)."""
    send(view, QDragEnterEvent, mime, pos)
    return send(view, QDragMoveEvent, mime, pos)


def slots(doc) -> list[tuple[str, int | None]]:
    return [(p.gpu.id, p.slot) for p in doc.build.gpus]


@pytest.fixture
def make_view(qtbot, catalog):
    def make(path=None):
        doc = BuildDocument(catalog)
        if path is not None:
            doc.open(path)
        view = BuildView(doc)
        qtbot.addWidget(view)
        view.resize(760, 900)
        view.show()
        qtbot.waitExposed(view)
        return doc, view

    return make


def centre(view, slot: int, node: int = 0) -> QPointF:
    rect = view.scene.slot_rect(slot, 1, node)
    assert rect is not None, f"slot {slot} is not drawn"
    return rect.center()


def test_workstation_draws_slots_and_card_widths(make_view):
    doc, view = make_view(WS)
    scene = view.scene
    assert len(scene.slot_areas[0]) == doc.build.chassis.slot_positions == 8
    cards = sorted((t.slot, t.span) for t in scene.targets if t.kind == "gpu")
    assert cards == [(1, 2), (5, 2)]  # double-width cards cover two positions each
    assert sorted(t.slot for t in scene.targets if t.kind == "slot") == [3, 4, 7, 8]
    card = next(t for t in scene.targets if t.kind == "gpu" and t.slot == 1)
    assert card.rect.height() > scene.slot_rect(3).height() * 1.5
    chips = {t.part_id for t in scene.targets if t.kind == "part"}
    assert {"chassis-tower-ws", "psu-atx-1600w", "svc-burnin-48h", "nic-intel-x710-t2l"} <= chips
    assert not view.grab().isNull()


def test_drop_gpu_on_empty_slot_places_it_there_in_one_undo_step(qtbot, make_view):
    doc, view = make_view(WS)
    before = doc.recompute()
    mime = part_mime(MAXQ)  # slot 7, not the first free one (3): the slot under the pointer wins
    move = hover(view, mime, centre(view, 7))
    assert move.isAccepted()
    assert view.hover_valid and view.hover_slot == 7 and view.hover_reason == ""
    with qtbot.waitSignal(doc.analysis_ready, timeout=2000) as blocker:
        drop = send(view, QDropEvent, mime, centre(view, 7))
    assert drop.isAccepted()
    assert slots(doc) == [(MAXQ, 1), (MAXQ, 5), (MAXQ, 7)]
    assert doc.undo_stack.count() == 1
    after = blocker.args[0]
    assert after.system.gpus_per_node == 3 and before.system.gpus_per_node == 2
    assert after.price.total > before.price.total
    assert view.selected_part_id == MAXQ and view.selected_slot == 7
    assert view.scene.count("gpu") == 3  # redrawn
    doc.undo_stack.undo()
    assert slots(doc) == [(MAXQ, 1), (MAXQ, 5)]


def test_sxm_module_on_workstation_is_refused_with_the_reason(make_view):
    doc, view = make_view(WS)
    start = to_dict(doc.build)
    messages: list[str] = []
    view.status_message.connect(messages.append)
    mime = part_mime("h100-sxm")
    enter = send(view, QDragEnterEvent, mime, centre(view, 3))
    assert enter.isAccepted()  # our payload: Qt sends moves and the drop only after an accepted enter
    move = send(view, QDragMoveEvent, mime, centre(view, 3))
    assert not move.isAccepted()  # the verdict for this point: refused
    assert view.hover_valid is False
    assert "SXM" in view.hover_reason and "PCIe slot" in view.hover_reason
    assert view.toolTip() == view.hover_reason and messages[-1] == view.hover_reason
    assert not view.grab().isNull()  # paints the reason overlay
    drop = send(view, QDropEvent, mime, centre(view, 3))
    assert not drop.isAccepted()
    assert to_dict(doc.build) == start and doc.undo_stack.count() == 0


def test_occupied_slot_says_which_card_covers_it(make_view):
    doc, view = make_view(WS)
    mime = part_mime(MAXQ)
    move = hover(view, mime, centre(view, 2))  # the card in slot 1 is double-width: it covers 2
    assert not move.isAccepted()
    assert view.hover_slot == 2
    assert "Slot 2 is covered" in view.hover_reason and "slot 1" in view.hover_reason
    assert not send(view, QDropEvent, mime, centre(view, 2)).isAccepted()
    assert len(doc.build.gpus) == 2
    # Moving on to a free slot clears the reason.
    assert hover(view, mime, centre(view, 7)).isAccepted() and view.hover_reason == ""


def test_drop_outside_the_slots_lands_in_the_next_free_one(make_view):
    doc, view = make_view(WS)
    mime = part_mime(MAXQ)
    title = QPointF(view.width() / 2, 20)  # the title line: no slot under the pointer
    assert view.scene.slot_at(title) is None
    assert hover(view, mime, title).isAccepted()
    assert view.hover_slot == 3  # where the core will put it
    assert send(view, QDropEvent, mime, title).isAccepted()
    assert (MAXQ, 3) in slots(doc)


def test_non_gpu_part_drop_adds_one(make_view):
    doc, view = make_view(WS)
    mime = part_mime("svc-warranty-ext-5y")
    assert hover(view, mime, QPointF(300, 300)).isAccepted()
    assert send(view, QDropEvent, mime, QPointF(300, 300)).isAccepted()
    assert doc.build.quantity("svc-warranty-ext-5y") == 1 and doc.undo_stack.count() == 1


def test_move_gpu_to_another_free_slot(make_view):
    doc, view = make_view(WS)
    mime = build_item_mime(doc, MAXQ, 5)
    assert decode_build_item(bytes(mime.data(BUILD_ITEM_MIME).data())).slot == 5
    refused = hover(view, mime, centre(view, 2))
    assert not refused.isAccepted() and "covered" in view.hover_reason
    assert hover(view, mime, centre(view, 7)).isAccepted() and view.hover_slot == 7
    drop = send(view, QDropEvent, mime, centre(view, 7))
    assert drop.isAccepted() and drop.dropAction() == Qt.DropAction.MoveAction
    assert slots(doc) == [(MAXQ, 1), (MAXQ, 7)]
    assert doc.undo_stack.count() == 1
    doc.undo_stack.undo()
    assert slots(doc) == [(MAXQ, 1), (MAXQ, 5)]


def test_gpu_from_another_build_is_copied_not_moved(make_view, catalog):
    doc, view = make_view(WS)
    other = BuildDocument(catalog)
    mime = build_item_mime(other, MAXQ, 5)
    assert hover(view, mime, centre(view, 7)).isAccepted()
    assert send(view, QDropEvent, mime, centre(view, 7)).isAccepted()
    assert slots(doc) == [(MAXQ, 1), (MAXQ, 5), (MAXQ, 7)]


def test_delete_removes_the_selected_gpu_and_undo_restores_it(qtbot, make_view):
    doc, view = make_view(WS)
    assert view.select_part(MAXQ, 5)
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert slots(doc) == [(MAXQ, 1)]
    assert doc.undo_stack.count() == 1
    assert view.selected_part_id is None and view.selected_slot == 5  # the emptied slot stays selected
    doc.undo_stack.undo()
    assert slots(doc) == [(MAXQ, 1), (MAXQ, 5)]
    assert view.select_part("psu-atx-1600w")
    qtbot.keyClick(view, Qt.Key.Key_Backspace)
    assert doc.build.quantity("psu-atx-1600w") == 0


def test_arrow_keys_walk_and_ctrl_arrows_move(qtbot, make_view):
    doc, view = make_view(WS)
    seen = []
    view.selection_changed.connect(lambda part, slot: seen.append((part, slot)))
    qtbot.keyClick(view, Qt.Key.Key_Down)
    assert seen[-1] == ("chassis-tower-ws", None)
    qtbot.keyClick(view, Qt.Key.Key_Right)
    qtbot.keyClick(view, Qt.Key.Key_Right)
    assert seen[-1] == (MAXQ, 1)
    qtbot.keyClick(view, Qt.Key.Key_Down)
    assert seen[-1] == (None, 3)  # an empty slot: keyboard add puts a GPU there
    result = view.add_part(MAXQ)
    assert result and (MAXQ, 3) in slots(doc)
    assert view.select_part(MAXQ, 5)
    qtbot.keyClick(view, Qt.Key.Key_Down, Qt.KeyboardModifier.ControlModifier)
    assert (MAXQ, 6) in slots(doc) and view.selected_slot == 6
    assert doc.undo_stack.count() == 2


def test_hgx_board_draws_eight_sockets_and_takes_only_its_module(make_view):
    doc, view = make_view(HGX)
    assert len(view.scene.slot_areas[0]) == 8 and view.scene.count("gpu") == 8
    b200 = part_mime("b200-sxm")
    assert not hover(view, b200, centre(view, 3)).isAccepted()
    assert "already filled" in view.hover_reason
    doc.remove("b200-sxm", 3)
    assert view.scene.count("socket") == 1 and view.scene.count("gpu") == 7
    assert not hover(view, part_mime("h100-sxm"), centre(view, 3)).isAccepted()
    assert "b200-sxm" in view.hover_reason
    assert not hover(view, part_mime(MAXQ), centre(view, 3)).isAccepted()
    assert "PCIe card" in view.hover_reason
    assert hover(view, b200, centre(view, 3)).isAccepted() and view.hover_slot == 3
    assert send(view, QDropEvent, b200, centre(view, 3)).isAccepted()
    assert sorted(s for _, s in slots(doc)) == list(range(1, 9))


def test_cluster_draws_its_nodes_and_fabric(make_view):
    doc, view = make_view(CLUSTER)
    scene = view.scene
    assert scene.nodes_drawn == doc.build.nodes == 4
    assert sum(1 for f in scene.frames if f.kind == "node") == 4
    assert scene.count("gpu") == 4 * 8
    fabric = next(f for f in scene.frames if f.kind == "fabric")
    assert "ConnectX-7" in fabric.label
    doc.remove("h100-sxm", 2)
    assert scene is not view.scene and view.scene.count("socket") == 4  # socket 2 empty in every node
    mime = part_mime("h100-sxm")
    assert hover(view, mime, centre(view, 2, node=2)).isAccepted() and view.hover_slot == 2
    assert send(view, QDropEvent, mime, centre(view, 2, node=2)).isAccepted()
    assert doc.build.gpus_per_node == 8


def test_dragging_a_part_out_removes_it(make_view, catalog):
    doc, view = make_view(WS)
    ignore, move = Qt.DropAction.IgnoreAction, Qt.DropAction.MoveAction
    assert not view.drag_finished(MAXQ, 5, ignore, False)  # refused or cancelled over the build
    assert not view.drag_finished(MAXQ, 5, move, True)  # the target outside handled it
    assert len(doc.build.gpus) == 2
    assert view.drag_finished(MAXQ, 5, ignore, True)
    assert slots(doc) == [(MAXQ, 1)] and doc.undo_stack.count() == 1
    # The catalog's drop handler: remove_dragged.
    assert remove_dragged(doc, build_item_mime(doc, "psu-atx-1600w", None))
    assert doc.build.quantity("psu-atx-1600w") == 0
    assert not remove_dragged(doc, build_item_mime(doc, MAXQ, 5))  # stale: nothing in slot 5
    assert not remove_dragged(doc, build_item_mime(BuildDocument(catalog), MAXQ, 1))  # another build
    assert not remove_dragged(doc, part_mime(MAXQ))
    assert doc.undo_stack.count() == 2


def test_highlight_parts_named_by_a_finding(make_view):
    doc, view = make_view(WS)
    view.highlight_parts(["psu-atx-1600w", MAXQ])
    assert view.highlighted_parts == {"psu-atx-1600w", MAXQ}
    assert not view.grab().isNull()
    view.highlight_parts([])
    assert not view.highlighted_parts


def test_every_example_is_drawn(make_view):
    for path in sorted(EXAMPLES.glob("*.json")):
        doc, view = make_view(path)
        scene = view.scene
        assert scene.count("gpu") >= len(doc.build.gpus), path.name
        assert doc.build.chassis.id in {t.part_id for t in scene.targets}, path.name
        assert not view.grab().isNull()


def test_empty_build_takes_a_chassis_first(make_view):
    doc, view = make_view()
    assert any(f.kind == "empty" for f in view.scene.frames)
    assert not hover(view, part_mime(MAXQ), QPointF(300, 300)).isAccepted()
    assert "chassis" in view.hover_reason.lower()
    mime = part_mime("chassis-tower-ws")
    assert hover(view, mime, QPointF(300, 300)).isAccepted()
    assert send(view, QDropEvent, mime, QPointF(300, 300)).isAccepted()
    assert doc.build.chassis.id == "chassis-tower-ws"
    assert len(view.scene.slot_areas[0]) == 8


def test_unknown_or_foreign_payloads_are_refused(make_view):
    doc, view = make_view(WS)
    assert not hover(view, part_mime("no-such-part"), centre(view, 3)).isAccepted()
    assert "no-such-part" in view.hover_reason
    junk = QMimeData()
    junk.setData(PART_MIME, b"not json")
    assert not hover(view, junk, centre(view, 3)).isAccepted()
    text = QMimeData()
    text.setText("hello")
    assert not send(view, QDragEnterEvent, text, centre(view, 3)).isAccepted()
    assert doc.undo_stack.count() == 0

