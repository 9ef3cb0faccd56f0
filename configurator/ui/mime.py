"""The wire format of every drag in the window: MIME types, payloads, encoding and decoding, here only.

No other module calls ``QMimeData.setData``/``data``/``hasFormat`` with these types or parses a payload
(tests/gui/test_drops.py checks the source tree); a drag source asks for a ``QMimeData`` here and a
drop target reads it back here.

``PART_MIME`` carries catalog parts, as a UTF-8 JSON list of catalog ids (``["h200-sxm"]``), in the
order the rows were dragged.

``BUILD_ITEM_MIME`` carries one part already in a build, as a UTF-8 JSON object
``{"part_id": str, "slot": int | null, "source": str}``: ``slot`` is the GPU's first slot position
(workstation) or board socket (HGX), null for parts without a slot and for a GPU line taken as a
whole; ``source`` names the document it came from (``document_token``), so a drop into another build
copies the part instead of moving it.

Decoding never raises: a malformed or foreign payload reads as "nothing of ours" (empty list / None).
"""

from __future__ import annotations

import json
import os
from typing import NamedTuple

from PySide6.QtCore import QMimeData

PART_MIME = "application/x-configurator-part"  # catalog part ids dragged from the catalog
BUILD_ITEM_MIME = "application/x-configurator-build-item"  # a part already in the build (move)

CATALOG_DRAG_TYPES = (PART_MIME,)  # what a catalog table drags
BUILD_DROP_TYPES = (PART_MIME, BUILD_ITEM_MIME)  # what the build (view or parts list) takes


class BuildItem(NamedTuple):
    part_id: str
    slot: int | None
    source: str = ""


def document_token(document) -> str:
    """Names one open document in BUILD_ITEM payloads (unique within this process's lifetime)."""
    return f"{os.getpid()}:{id(document)}"


# -- bytes -------------------------------------------------------------------------------------------
def encode_part_ids(ids) -> bytes:
    return json.dumps([str(i) for i in ids]).encode("utf-8")


def decode_part_ids(data: bytes) -> list[str]:
    """The ids of a PART_MIME payload, in order (empty when it is not a well-formed one; never raises)."""
    try:
        ids = json.loads(bytes(data).decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return []
    return [i for i in ids if isinstance(i, str) and i] if isinstance(ids, list) else []


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


# -- QMimeData ---------------------------------------------------------------------------------------
def part_mime(ids) -> QMimeData:
    """A drag of catalog parts (duplicates dropped, first occurrence kept)."""
    unique = list(dict.fromkeys(ids))
    mime = QMimeData()
    mime.setData(PART_MIME, encode_part_ids(unique))
    return mime


def build_item_mime(part_id: str, slot: int | None, source: str = "") -> QMimeData:
    """A drag of one part of a build; ``source``: ``document_token`` of the build it comes from."""
    mime = QMimeData()
    mime.setData(BUILD_ITEM_MIME, encode_build_item(part_id, slot, source))
    mime.setText(part_id)
    return mime


def read_part_ids(mime: QMimeData | None) -> list[str]:
    """Catalog ids of a PART_MIME drag (empty when absent or malformed)."""
    if mime is None or not mime.hasFormat(PART_MIME):
        return []
    return decode_part_ids(bytes(mime.data(PART_MIME).data()))


def read_build_item(mime: QMimeData | None) -> BuildItem | None:
    """The build part a BUILD_ITEM drag carries (None when absent or malformed)."""
    if mime is None or not mime.hasFormat(BUILD_ITEM_MIME):
        return None
    return decode_build_item(bytes(mime.data(BUILD_ITEM_MIME).data()))
