"""MIME types for drag and drop, in one place. Payloads carry catalog ids as UTF-8 JSON lists.

``BUILD_ITEM_MIME`` carries one part already in a build, as a UTF-8 JSON object
``{"part_id": str, "slot": int | null, "source": str}``: ``slot`` is the GPU's first slot position
(workstation) or board socket (HGX), null for parts without a slot and for a GPU line taken as a
whole; ``source`` names the document it came from, so a drop into another build copies the part
instead of moving it.
"""

from __future__ import annotations

import json
from typing import NamedTuple

PART_MIME = "application/x-configurator-part"  # catalog part ids dragged from the catalog
BUILD_ITEM_MIME = "application/x-configurator-build-item"  # a part already in the build (move)


class BuildItem(NamedTuple):
    part_id: str
    slot: int | None
    source: str = ""


def encode_build_item(part_id: str, slot: int | None, source: str = "") -> bytes:
    return json.dumps({"part_id": part_id, "slot": slot, "source": source}).encode("utf-8")


def decode_build_item(data: bytes) -> BuildItem | None:
    """The payload, or None when it is not a well-formed BUILD_ITEM payload (never raises)."""
    try:
        value = json.loads(bytes(data).decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    if not isinstance(value, dict):
        return None
    part_id, slot, source = value.get("part_id"), value.get("slot"), value.get("source", "")
    if not isinstance(part_id, str) or not part_id:
        return None
    if slot is not None and (isinstance(slot, bool) or not isinstance(slot, int)):
        return None
    return BuildItem(part_id, slot, source if isinstance(source, str) else "")
