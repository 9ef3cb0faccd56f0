"""The one drop handler of the build: what a drag would do where it is dropped, and doing it.

In the manner of orange-canvas-core's drop handlers (``accepts`` / ``doDrop``): the build view and the
parts list both hand the payload and a ``DropTarget`` to a ``DropHandler``, which reads the payload
through ``ui.mime``, asks the document (``can_place``/``can_move``) and, on the drop, calls the
document method that pushes the undo command. A dropped part travels view -> handler -> document.

Targets: the build picture (``DropTarget.at(slot)``: the slot under the pointer counts for a GPU,
and a card of this build moves there) and the parts list (``LIST``: a part goes wherever the core
puts it; the list's own rows dropped back add nothing). Catalog parts (PART_MIME) and parts dragged
from another build are placed (a copy); a BUILD_ITEM from this document is a move. Every call
decides afresh, never trusting an earlier hover: the build may have changed.
"""

from __future__ import annotations

from typing import NamedTuple

from PySide6.QtCore import QMimeData, Qt

from configurator.core.configuration.placement import card_width
from configurator.core.errors import UnknownPartError
from configurator.ui.mime import build_item_mime, document_token, read_build_item, read_part_ids


class DropTarget(NamedTuple):
    """Where a drag is over: ``picture`` (the build view, ``slot`` under the pointer or None) or the list."""

    picture: bool
    slot: int | None = None

    @classmethod
    def at(cls, slot: int | None) -> DropTarget:
        return cls(True, slot)


LIST = DropTarget(False)  # the parts list: no slots, no moves


class Verdict(NamedTuple):
    """What a drop would do (or did): op 'place', 'move' or 'none' (dropped where it is)."""

    ok: bool
    op: str
    part_id: str | None
    slot: int | None  # where it lands (ok) or the slot under the pointer (refused)
    from_slot: int | None = None
    reasons: tuple[str, ...] = ()
    section: str = ""
    span: int = 1  # slot positions the card covers (for drawing the landing place)

    @property
    def reason(self) -> str:
        return " ".join(self.reasons)

    @property
    def action(self) -> Qt.DropAction:
        """The drop action to report: a move inside the build, else a copy into it."""
        return Qt.DropAction.MoveAction if self.op in ("move", "none") else Qt.DropAction.CopyAction


ALREADY_IN_BUILD = ("This part is already in the build: drag it out of the build, or select it and press "
                    "Delete, to remove it.")
MOVE_ONTO_SLOT = "Drop the card on a slot to move it; drag it out of the build to remove it."


class DropHandler:
    """Drops onto one document's build; stateless besides the document, so any number may share it."""

    def __init__(self, document):
        self.document = document

    # -- drags out of the build --------------------------------------------------------------------
    def drag_mime(self, part_id: str, slot: int | None) -> QMimeData:
        """The payload of a drag of a part of this build (``slot``: the GPU's slot, None otherwise)."""
        return build_item_mime(part_id, slot, document_token(self.document))

    def remove_dragged(self, mime: QMimeData | None) -> bool:
        """Remove the part a BUILD_ITEM drag carries (one undo step): it was dragged out of the build.

        False (and nothing changed) when the payload is not a part of this document still in place.
        """
        item = read_build_item(mime)
        if item is None or (item.source and item.source != document_token(self.document)):
            return False
        build = self.document.build
        if item.slot is not None:
            card = build.gpu_at(item.slot)
            if card is None or card.gpu.id != item.part_id:
                return False
        elif build.quantity(item.part_id) == 0:
            return False
        self.document.remove(item.part_id, item.slot)
        return True

    # -- drops into the build ----------------------------------------------------------------------
    def verdict(self, mime: QMimeData | None, target: DropTarget) -> Verdict | None:
        """What dropping ``mime`` on ``target`` would do (None: not a payload this target takes)."""
        item = read_build_item(mime)
        if item is not None and item.source == document_token(self.document):
            return self._move(item, target) if target.picture else None
        ids = read_part_ids(mime)
        part_id = ids[0] if ids else (item.part_id if item is not None else None)
        if part_id is None:
            return None
        document = self.document
        try:
            section, part = document.catalog.find(part_id)
        except UnknownPartError:
            return Verdict(False, "place", part_id, None, reasons=(f"There is no part '{part_id}' in the catalog.",))
        slot = target.slot if section == "gpus" else None
        span = card_width(part) if section == "gpus" and not document.build.on_board else 1
        result = document.can_place(part_id, slot)
        landing = result.slot if result else slot
        return Verdict(bool(result), "place", part_id, landing, None, tuple(result.reasons), section, span)

    def _move(self, item, target: DropTarget) -> Verdict:
        build = self.document.build
        card = build.gpu_at(item.slot) if item.slot is not None else None
        if card is None or card.gpu.id != item.part_id:
            return Verdict(False, "none", item.part_id, None, item.slot, (ALREADY_IN_BUILD,))
        span = 1 if build.on_board else card_width(card.gpu)
        to = target.slot
        if to is None:
            return Verdict(False, "move", item.part_id, None, item.slot, (MOVE_ONTO_SLOT,), "gpus", span)
        if to == item.slot:
            return Verdict(True, "none", item.part_id, to, item.slot, (), "gpus", span)
        result = self.document.can_move(item.slot, to)
        return Verdict(bool(result), "move", item.part_id, to, item.slot, tuple(result.reasons), "gpus", span)

    def accepts(self, mime: QMimeData | None, target: DropTarget) -> tuple[bool, str]:
        """(would the drop be taken, why not: '' when it would or when the payload is not ours)."""
        v = self.verdict(mime, target)
        return (False, "") if v is None else (v.ok, v.reason)

    def do_drop(self, mime: QMimeData | None, target: DropTarget) -> Verdict | None:
        """Drop ``mime`` on ``target``: one document method, one undo step. The verdict of what happened:
        ``ok`` with the slot it landed in, or refused with the reasons (nothing changed); None: not ours."""
        v = self.verdict(mime, target)
        if v is None or not v.ok or v.op == "none":
            return v
        try:
            if v.op == "move":
                result = self.document.move(v.from_slot, v.slot)
            else:
                result = self.document.place(v.part_id, v.slot)
        except UnknownPartError as exc:
            return v._replace(ok=False, reasons=(str(exc),))
        if not result:  # the build changed between the check and the drop
            return v._replace(ok=False, reasons=tuple(result.reasons))
        return v._replace(slot=result.slot)
