"""Drop decisions for the build view: what a payload dropped at a point would do, and why not.

The view asks ``evaluate_drop`` on every drag-enter/move and again on the drop (never trusting an
earlier hover: the build may have changed). Catalog parts (PART_MIME) are placed at the slot under
the pointer (GPUs) or wherever the core puts them; a BUILD_ITEM from this document is a move of
the card in its slot; a BUILD_ITEM from another document is a copy.
"""

from __future__ import annotations

from typing import NamedTuple

from PySide6.QtCore import QPointF, QRectF

from configurator.core.configuration.placement import card_width
from configurator.core.errors import UnknownPartError
from configurator.ui.models.build_parts_model import decode_part_ids, document_token, read_build_item
from configurator.ui.views.build_scene import BuildScene


class Verdict(NamedTuple):
    """What a drop at one point would do: op 'place', 'move' or 'none' (dropped where it is)."""

    ok: bool
    op: str
    part_id: str | None
    slot: int | None  # where it lands (ok) or the slot under the pointer (refused)
    from_slot: int | None = None
    reasons: tuple[str, ...] = ()
    section: str = ""
    span: int = 1

    @property
    def reason(self) -> str:
        return " ".join(self.reasons)


def remove_dragged(document, mime) -> bool:
    """Remove the part a BUILD_ITEM drag carries from ``document`` (one undo step).

    For drop targets outside the build (the catalog): call it from their drop handler and accept
    the drop with MoveAction. False (and nothing changed) when the payload is not a part of this
    document that is still in place.
    """
    item = read_build_item(mime)
    if item is None or (item.source and item.source != document_token(document)):
        return False
    build = document.build
    if item.slot is not None:
        card = build.gpu_at(item.slot)
        if card is None or card.gpu.id != item.part_id:
            return False
    elif build.quantity(item.part_id) == 0:
        return False
    document.remove(item.part_id, item.slot)
    return True


def evaluate_drop(document, scene: BuildScene, mime, pos: QPointF) -> Verdict | None:
    """What dropping ``mime`` at ``pos`` of ``scene`` would do (None: not a payload the build takes)."""
    item = read_build_item(mime)
    if item is not None and item.source == document_token(document):
        return _evaluate_move(document, scene, item, pos)
    ids = decode_part_ids(mime)
    part_id = ids[0] if ids else (item.part_id if item is not None else None)
    if part_id is None:
        return None
    try:
        section, part = document.catalog.find(part_id)
    except UnknownPartError:
        return Verdict(False, "place", part_id, None, reasons=(f"There is no part '{part_id}' in the catalog.",))
    slot = scene.slot_at(pos) if section == "gpus" else None
    span = card_width(part) if section == "gpus" and not document.build.on_board else 1
    result = document.can_place(part_id, slot)
    landing = result.slot if result else slot
    return Verdict(bool(result), "place", part_id, landing, None, tuple(result.reasons), section, span)


def _evaluate_move(document, scene: BuildScene, item, pos: QPointF) -> Verdict:
    build = document.build
    card = build.gpu_at(item.slot) if item.slot is not None else None
    if card is None or card.gpu.id != item.part_id:
        return Verdict(False, "none", item.part_id, None, item.slot, (
            "This part is already in the build: drag it out of the build, or select it and press "
            "Delete, to remove it.",))
    span = 1 if build.on_board else card_width(card.gpu)
    to = scene.slot_at(pos)
    if to is None:
        return Verdict(False, "move", item.part_id, None, item.slot, (
            "Drop the card on a slot to move it; drag it out of the build to remove it.",), "gpus", span)
    if to == item.slot:
        return Verdict(True, "none", item.part_id, to, item.slot, (), "gpus", span)
    result = document.can_move(item.slot, to)
    return Verdict(bool(result), "move", item.part_id, to, item.slot, tuple(result.reasons), "gpus", span)


def hover_rect(scene: BuildScene, v: Verdict, pos: QPointF, whole: QRectF) -> QRectF:
    """Where to draw the verdict: the slot(s) it lands on, the chip it adds to, else ``whole``."""
    if v.section == "gpus" and v.slot is not None:
        node = next((i for i, area in enumerate(scene.slot_areas)
                     if any(r.contains(pos) for r in area.values())), 0)
        rect = scene.slot_rect(v.slot, v.span, node)
        if rect is not None:
            return rect
    if v.section in ("chassis", "platforms"):
        chip = next((t for t in scene.targets if t.section == v.section and t.kind in ("part", "placeholder")),
                    None)
        if chip is not None:
            return chip.rect
    chip = next((t for t in scene.targets if t.kind == "part" and t.part_id == v.part_id), None)
    return chip.rect if chip is not None else whole
