"""BuildPartsModel: rows follow the build with row-level signals; quantities edit; drops place parts."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import QMimeData, QModelIndex, Qt

from configurator.core.buildfile import to_dict
from configurator.ui.document import BuildDocument
from configurator.ui.mime import BUILD_ITEM_MIME, PART_MIME, decode_build_item
from configurator.ui.models.build_parts_model import KIND, PART, QUANTITY, SLOTS, BuildPartsModel
from configurator.ui.roles import PART_ID_ROLE
from configurator.ui.drops import DropHandler
from tests.conftest import ROOT

EXAMPLES = ROOT / "resources" / "examples"
WS = EXAMPLES / "ws-2x-rtxpro6000-maxq.json"
MAXQ = "rtx-pro-6000-maxq"


def part_mime(*ids: str) -> QMimeData:
    mime = QMimeData()
    mime.setData(PART_MIME, json.dumps(list(ids)).encode("utf-8"))
    return mime


@pytest.fixture
def doc(qapp, catalog):
    document = BuildDocument(catalog)
    document.open(WS)
    return document


@pytest.fixture
def model(doc):
    return BuildPartsModel(doc)


def ids(model) -> list[str]:
    return [model.index(r, 0).data(PART_ID_ROLE) for r in range(model.rowCount())]


def row(model, part_id: str) -> int:
    r = model.row_of(part_id)
    assert r >= 0, part_id
    return r


class Signals:
    def __init__(self, model):
        self.log: list[tuple] = []
        model.rowsInserted.connect(lambda _p, a, b: self.log.append(("inserted", a, b)))
        model.rowsRemoved.connect(lambda _p, a, b: self.log.append(("removed", a, b)))
        model.dataChanged.connect(lambda a, b, _r=(): self.log.append(("changed", a.row(), b.row())))
        model.modelReset.connect(lambda: self.log.append(("reset",)))


def test_rows_are_the_build_parts_in_order(model):
    assert ids(model)[:3] == ["chassis-tower-ws", "plat-tr-pro-9975wx-wrx90", MAXQ]
    assert ids(model)[3:] == [
        "psu-atx-1600w", "ram-ddr5-rdimm-64gb-6400", "nvme-samsung-9100pro-4tb", "nic-intel-x710-t2l",
        "svc-burnin-48h", "svc-warranty-3y-parts",
    ]
    gpu = row(model, MAXQ)
    assert model.index(gpu, KIND).data() == "GPU"
    assert model.index(gpu, QUANTITY).data() == "2"
    assert model.index(gpu, QUANTITY).data(Qt.ItemDataRole.EditRole) == 2
    assert model.index(gpu, SLOTS).data() == "1, 5"
    assert model.headerData(PART, Qt.Orientation.Horizontal) == "Part"
    chassis_qty = model.index(0, QUANTITY)
    assert not model.flags(chassis_qty) & Qt.ItemFlag.ItemIsEditable
    assert model.flags(model.index(gpu, QUANTITY)) & Qt.ItemFlag.ItemIsEditable


def test_modeltester_through_changes_with_row_level_signals(qtmodeltester, doc, model, catalog):
    qtmodeltester.check(model, force_py=True)
    signals = Signals(model)
    n = model.rowCount()

    doc.place("svc-warranty-ext-5y")  # a new line at the end
    assert signals.log == [("inserted", n, n)]
    assert ids(model)[-1] == "svc-warranty-ext-5y"

    signals.log.clear()
    doc.place("nvme-samsung-9100pro-4tb")  # one more of an existing line
    r = row(model, "nvme-samsung-9100pro-4tb")
    assert signals.log == [("changed", r, r)]
    assert model.index(r, QUANTITY).data() == "3"

    signals.log.clear()
    doc.place(MAXQ, 3)
    g = row(model, MAXQ)
    assert signals.log == [("changed", g, g)] and model.index(g, SLOTS).data() == "1, 3, 5"

    signals.log.clear()
    doc.remove("psu-atx-1600w")
    p = ids(model).index("nvme-samsung-9100pro-4tb") - 1
    assert signals.log == [("removed", p, p)]

    signals.log.clear()
    doc.undo_stack.undo()  # an 'all' event: still row-level, no reset
    assert ("reset",) not in signals.log and ("inserted", p, p) in signals.log
    assert "psu-atx-1600w" in ids(model)

    for _ in range(3):
        doc.undo_stack.undo()
    for _ in range(4):
        doc.undo_stack.redo()
    doc.set_quantity(MAXQ, 0)
    assert MAXQ not in ids(model)
    doc.open(EXAMPLES / "cluster-4x8-h100.json")  # a different build: rows replaced
    assert ids(model)[:3] == ["chassis-hgx-h100-8gpu", "plat-epyc-9554-sp5-2s", "h100-sxm"]
    assert ("reset",) not in signals.log
    doc.new("sxm_server")
    assert model.rowCount() == 0


def test_quantity_edit_is_one_undo_step_and_a_refusal_changes_nothing(qtmodeltester, doc, model):
    qtmodeltester.check(model, force_py=True)
    memory = model.index(row(model, "ram-ddr5-rdimm-64gb-6400"), QUANTITY)
    assert model.setData(memory, 4, Qt.ItemDataRole.EditRole)
    assert doc.build.quantity("ram-ddr5-rdimm-64gb-6400") == 4 and doc.undo_stack.count() == 1
    assert memory.data() == "4"

    refusals: list[str] = []
    model.refused.connect(refusals.append)
    before = to_dict(doc.build)
    psu = model.index(row(model, "psu-atx-1600w"), QUANTITY)
    assert not model.setData(psu, 3)  # the tower has 2 PSU bays
    assert "PSU bays" in refusals[-1] and model.last_reasons
    assert not model.setData(psu, "many")
    assert not model.setData(model.index(0, QUANTITY), 2)  # the chassis has no quantity to edit
    assert not model.setData(psu, 2, Qt.ItemDataRole.DisplayRole)
    assert to_dict(doc.build) == before and doc.undo_stack.count() == 1

    gpus = model.index(row(model, MAXQ), QUANTITY)
    assert model.setData(gpus, "3")
    assert len(doc.build.gpus) == 3 and doc.undo_stack.count() == 2
    assert model.setData(model.index(row(model, "svc-burnin-48h"), QUANTITY), 0)
    assert "svc-burnin-48h" not in ids(model)
    doc.undo_stack.undo()
    assert "svc-burnin-48h" in ids(model)


def test_drop_of_a_catalog_part_places_it(qtmodeltester, doc, model):
    qtmodeltester.check(model, force_py=True)
    copy = Qt.DropAction.CopyAction
    mime = part_mime(MAXQ)
    assert model.canDropMimeData(mime, copy, -1, -1, QModelIndex())
    assert model.dropMimeData(mime, copy, -1, -1, QModelIndex())
    assert len(doc.build.gpus) == 3 and doc.undo_stack.count() == 1
    assert model.index(row(model, MAXQ), QUANTITY).data() == "3"

    sxm = part_mime("h100-sxm")
    assert not model.canDropMimeData(sxm, copy, -1, -1, QModelIndex())
    assert any("SXM" in r for r in model.last_reasons)
    assert not model.dropMimeData(sxm, copy, -1, -1, QModelIndex())
    assert not model.canDropMimeData(part_mime(), copy, -1, -1, QModelIndex())
    assert len(doc.build.gpus) == 3 and doc.undo_stack.count() == 1


def test_rows_drag_out_as_build_items(doc, model):
    assert PART_MIME in model.mimeTypes() and BUILD_ITEM_MIME in model.mimeTypes()
    mime = model.mimeData([model.index(row(model, "nic-intel-x710-t2l"), 0)])
    item = decode_build_item(bytes(mime.data(BUILD_ITEM_MIME).data()))
    assert item.part_id == "nic-intel-x710-t2l" and item.slot is None
    # Its own rows dropped back on the table add nothing.
    assert not model.canDropMimeData(mime, Qt.DropAction.MoveAction, -1, -1, QModelIndex())
    assert DropHandler(doc).remove_dragged(mime)
    assert "nic-intel-x710-t2l" not in ids(model)
