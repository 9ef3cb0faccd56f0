"""One wire format (ui/mime.py) and one drop handler (ui/drops.py) behind the build view and the parts list."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QModelIndex, QPointF, Qt
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QApplication

from configurator.core.buildfile import to_dict
from configurator.ui import mime as wire
from configurator.ui.document import BuildDocument
from configurator.ui.drops import LIST, DropHandler, DropTarget
from configurator.ui.models.build_parts_model import BuildPartsModel
from configurator.ui.views.build_view import BuildView
from tests.conftest import ROOT

WS = ROOT / "resources" / "examples" / "ws-2x-rtxpro6000-maxq.json"
MAXQ = "rtx-pro-6000-maxq"
ANY = Qt.DropAction.CopyAction | Qt.DropAction.MoveAction
COPY = Qt.DropAction.CopyAction

# -- the wire format lives in ui/mime.py only ------------------------------------------------------------
WIRE_METHODS = {"setData", "data", "hasFormat", "removeFormat"}  # QMimeData calls that name a format
OUR_TYPES = {"PART_MIME", "BUILD_ITEM_MIME"}
BYTE_CODECS = {"encode_part_ids", "decode_part_ids", "encode_build_item", "decode_build_item"}
SERIALISERS = {"json", "pickle", "marshal"}
MIME_MODULE = "configurator.ui.mime"


def _names_our_type(node: ast.expr) -> bool:
    if isinstance(node, ast.Name):
        return node.id in OUR_TYPES
    if isinstance(node, ast.Attribute):
        return node.attr in OUR_TYPES
    return isinstance(node, ast.Constant) and isinstance(node.value, str) and "x-configurator" in node.value


def wire_violations(source: str, name: str) -> list[str]:
    """Places in ``source`` that handle our drag payloads by hand instead of through ui/mime.py."""
    tree = ast.parse(source)
    out: list[str] = []
    uses_mime = serialiser = None
    for node in ast.walk(tree):
        where = f"{name}:{getattr(node, 'lineno', 0)}"
        if isinstance(node, ast.Constant) and "application/x-configurator" in str(node.value):
            out.append(f"{where}: MIME type spelled out")
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in WIRE_METHODS
              and node.args and _names_our_type(node.args[0])):
            out.append(f"{where}: QMimeData.{node.func.attr} with our type")
        elif isinstance(node, ast.ImportFrom) and node.module == MIME_MODULE:
            uses_mime = where
            out += [f"{where}: byte codec {a.name} used outside mime.py" for a in node.names if a.name in BYTE_CODECS]
        elif isinstance(node, ast.ImportFrom) and node.module == "configurator.ui" and any(
                a.name == "mime" for a in node.names):
            uses_mime = where
        elif isinstance(node, ast.Import):
            if any(a.name == MIME_MODULE for a in node.names):
                uses_mime = where
            if any(a.name.split(".")[0] in SERIALISERS for a in node.names):
                serialiser = where
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in SERIALISERS:
            serialiser = where
        elif isinstance(node, ast.Attribute) and node.attr in BYTE_CODECS:
            out.append(f"{where}: byte codec {node.attr} used outside mime.py")
    if uses_mime and serialiser:
        out.append(f"{serialiser}: a module that handles drags serialises payloads itself")
    return out


def _sources():
    for package in ("configurator", "tools"):
        for path in sorted((ROOT / package).rglob("*.py")):
            if path != ROOT / "configurator" / "ui" / "mime.py":
                yield path


def test_no_module_but_mime_encodes_or_decodes_a_payload():
    found = [v for p in _sources() for v in wire_violations(p.read_text(encoding="utf-8"), str(p.relative_to(ROOT)))]
    assert not found, "\n".join(found)


@pytest.mark.parametrize("bad", [
    # How catalog_table_model.py encoded the part payload before this module took it over.
    "import json\nfrom configurator.ui.mime import PART_MIME\n"
    "def f(mime, ids):\n    mime.setData(PART_MIME, json.dumps(ids).encode('utf-8'))\n",
    # How build_parts_model.py decoded it.
    "import json\nfrom configurator.ui.mime import PART_MIME\n"
    "def f(mime):\n    return json.loads(bytes(mime.data(PART_MIME).data()).decode('utf-8'))\n",
    "def f(mime):\n    return mime.hasFormat('application/x-configurator-build-item')\n",
    "from configurator.ui.mime import decode_build_item\ndef f(raw):\n    return decode_build_item(raw)\n",
    "from configurator.ui import mime\ndef f(m):\n    import json\n"
    "    return json.loads(m.data(mime.BUILD_ITEM_MIME))\n",
])
def test_the_wire_check_catches_a_payload_handled_by_hand(bad):
    assert wire_violations(bad, "bad.py")


def test_the_wire_check_lets_mime_helpers_through():
    good = ("from configurator.ui.mime import BUILD_DROP_TYPES, part_mime, read_part_ids\n"
            "def f(ids, m):\n    return part_mime(ids), read_part_ids(m), list(BUILD_DROP_TYPES)\n")
    assert wire_violations(good, "good.py") == []


def test_only_the_drop_handler_and_the_views_meet_the_document():
    """A dropped part travels view -> drop handler -> document: neither imports a model file."""
    for rel in ("configurator/ui/drops.py", "configurator/ui/views/build_view.py", "configurator/ui/mime.py"):
        tree = ast.parse((ROOT / rel).read_text(encoding="utf-8"))
        modules = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
        modules |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        assert not any(m and m.startswith("configurator.ui.models") for m in modules), rel


# -- payloads ------------------------------------------------------------------------------------------
def test_part_payload_is_a_json_list_of_ids_once_each_in_order(qapp):
    m = wire.part_mime(["b", "a", "b"])
    assert json.loads(bytes(m.data(wire.PART_MIME).data()).decode("utf-8")) == ["b", "a"]  # the documented format
    assert wire.read_part_ids(m) == ["b", "a"]
    assert not m.hasFormat(wire.BUILD_ITEM_MIME)
    for junk in (b"not json", b"{}", b'"h200-sxm"', b"\xff\xfe", b'[1, "", null]'):
        raw = QMimeData()
        raw.setData(wire.PART_MIME, junk)
        assert wire.read_part_ids(raw) == [], junk
    assert wire.read_part_ids(None) == [] and wire.read_build_item(None) is None


def test_build_item_payload_round_trips_and_rejects_malformed(qapp):
    m = wire.build_item_mime(MAXQ, 5, "token")
    assert m.text() == MAXQ
    assert json.loads(bytes(m.data(wire.BUILD_ITEM_MIME).data()).decode("utf-8")) == {
        "part_id": MAXQ, "slot": 5, "source": "token"}
    assert wire.read_build_item(m) == wire.BuildItem(MAXQ, 5, "token")
    for junk in (b'{"part_id": "x", "slot": true}', b'{"part_id": "", "slot": null}', b"[]", b"nope",
                 b'{"part_id": "x", "slot": "3"}'):
        raw = QMimeData()
        raw.setData(wire.BUILD_ITEM_MIME, junk)
        assert wire.read_build_item(raw) is None, junk
    assert wire.read_build_item(wire.part_mime([MAXQ])) is None


# -- the handler -----------------------------------------------------------------------------------------
@pytest.fixture
def doc(qapp, catalog):
    document = BuildDocument(catalog)
    document.open(WS)
    return document


def test_accepts_says_why_and_do_drop_is_one_undo_step(doc):
    handler = DropHandler(doc)
    assert handler.accepts(wire.part_mime([MAXQ]), DropTarget.at(7)) == (True, "")
    ok, reason = handler.accepts(wire.part_mime(["h100-sxm"]), DropTarget.at(3))
    assert not ok and "SXM" in reason
    ok, reason = handler.accepts(wire.part_mime([MAXQ]), DropTarget.at(2))  # under the card in slot 1
    assert not ok and "Slot 2 is covered" in reason
    text = QMimeData()
    text.setText("hello")
    assert handler.accepts(text, LIST) == (False, "") and handler.do_drop(text, LIST) is None

    v = handler.do_drop(wire.part_mime([MAXQ]), DropTarget.at(7))
    assert v.ok and v.slot == 7 and v.op == "place" and v.action == Qt.DropAction.CopyAction
    assert [p.slot for p in doc.build.gpus] == [1, 5, 7] and doc.undo_stack.count() == 1
    # The same drop again: the build has changed since, so it is refused, and nothing is pushed.
    before = to_dict(doc.build)
    again = handler.do_drop(wire.part_mime([MAXQ]), DropTarget.at(7))
    assert not again.ok and again.reason
    assert to_dict(doc.build) == before and doc.undo_stack.count() == 1
    doc.undo_stack.undo()
    assert [p.slot for p in doc.build.gpus] == [1, 5]


def test_moves_of_this_build_and_copies_from_another(doc, catalog):
    handler = DropHandler(doc)
    own = handler.drag_mime(MAXQ, 5)
    assert handler.accepts(own, LIST) == (False, "")  # the list's own rows add nothing
    assert handler.do_drop(own, LIST) is None
    ok, reason = handler.accepts(own, DropTarget.at(None))
    assert not ok and "slot" in reason and "drag it out" in reason
    stale = handler.drag_mime(MAXQ, 3)  # nothing in slot 3
    ok, reason = handler.accepts(stale, DropTarget.at(7))
    assert not ok and "already in the build" in reason
    assert handler.do_drop(own, DropTarget.at(5)).op == "none" and doc.undo_stack.count() == 0
    v = handler.do_drop(own, DropTarget.at(7))
    assert v.ok and v.op == "move" and v.action == Qt.DropAction.MoveAction
    assert [p.slot for p in doc.build.gpus] == [1, 7] and doc.undo_stack.count() == 1

    foreign = DropHandler(BuildDocument(catalog)).drag_mime(MAXQ, 1)
    v = handler.do_drop(foreign, LIST)  # from another build: a copy, wherever the core puts it
    assert v.ok and v.op == "place" and len(doc.build.gpus) == 3 and doc.undo_stack.count() == 2
    assert not handler.remove_dragged(foreign)  # not a part of this build
    assert handler.remove_dragged(handler.drag_mime(MAXQ, 7))
    assert doc.undo_stack.count() == 3


class RecordingHandler(DropHandler):
    """The real handler, noting what it was asked (to show who asks it)."""

    def __init__(self, document):
        super().__init__(document)
        self.calls: list[tuple[str, DropTarget]] = []

    def verdict(self, mime, target):
        self.calls.append(("verdict", target))
        return super().verdict(mime, target)

    def do_drop(self, mime, target):
        self.calls.append(("do_drop", target))
        return super().do_drop(mime, target)


def _send(view, cls, mime, pos: QPointF):
    if cls is QDropEvent:
        event = QDropEvent(pos, ANY, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    else:
        event = cls(pos.toPoint(), ANY, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(view, event)
    return event


def _hover(view, mime, pos: QPointF):
    _send(view, QDragEnterEvent, mime, pos)
    return _send(view, QDragMoveEvent, mime, pos)


@pytest.fixture
def both(qtbot, doc):
    handler = RecordingHandler(doc)
    view = BuildView(doc, drops=handler)
    qtbot.addWidget(view)
    view.resize(760, 900)
    view.show()
    qtbot.waitExposed(view)
    return handler, view, BuildPartsModel(doc, drops=handler)


def test_view_and_parts_list_both_drop_through_the_one_handler(qtmodeltester, both, doc):
    handler, view, model = both
    qtmodeltester.check(model, force_py=True)
    slot7 = view.scene.slot_rect(7).center()
    assert _hover(view, wire.part_mime([MAXQ]), slot7).isAccepted()
    assert ("verdict", DropTarget.at(7)) in handler.calls
    assert _send(view, QDropEvent, wire.part_mime([MAXQ]), slot7).isAccepted()
    assert ("do_drop", DropTarget.at(7)) in handler.calls
    assert (MAXQ, 7) in [(p.gpu.id, p.slot) for p in doc.build.gpus] and doc.undo_stack.count() == 1

    handler.calls.clear()
    assert model.dropMimeData(wire.part_mime(["svc-warranty-ext-5y"]), COPY, -1, -1, QModelIndex())
    assert handler.calls == [("do_drop", LIST), ("verdict", LIST)]
    assert doc.build.quantity("svc-warranty-ext-5y") == 1 and doc.undo_stack.count() == 2
    dragged = model.mimeData([model.index(model.row_of("psu-atx-1600w"), 0)])
    assert wire.read_build_item(dragged) == wire.BuildItem("psu-atx-1600w", None, wire.document_token(doc))
    qtmodeltester.check(model, force_py=True)


def test_view_and_parts_list_give_the_same_verdict_and_wording(both, catalog):
    """Off the slots the view decides exactly as the list does: one decision, not two copies of it."""
    handler, view, model = both
    title = QPointF(view.width() / 2, 20)  # no slot under the pointer
    assert view.scene.slot_at(title) is None
    payloads = [wire.part_mime([i]) for i in (
        MAXQ, "h100-sxm", "b200-sxm", "no-such-part", "psu-atx-1600w", "svc-warranty-ext-5y",
        "chassis-hgx-h100-8gpu", "plat-tr-pro-9975wx-wrx90", "llama-3.1-70b")]
    payloads.append(DropHandler(BuildDocument(catalog)).drag_mime("h100-sxm", 1))
    seen = set()
    for m in payloads:
        move = _hover(view, m, title)
        listed = model.canDropMimeData(m, COPY, -1, -1, QModelIndex())
        assert (move.isAccepted(), view.hover_reason) == (listed, " ".join(model.last_reasons)), wire.read_part_ids(m)
        seen.add(listed)
    assert seen == {True, False}  # both kinds of answer were compared
