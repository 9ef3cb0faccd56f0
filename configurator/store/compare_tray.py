"""The compare tray: builds put aside to compare, kept in the user database (table ``compare_tray``, migration
m006) so they survive closing the compare dialog and restarting the app.

Each item is a build in the build-file format (``core.buildfile.dumps``) with a name and where it came from
(the current build, a wizard proposal, a file). The tray holds up to ``MAX_ITEMS``; up to ``MAX_COMPARED`` of
them are compared (and quoted as options) at once: an item added, or ticked, beyond that unticks the oldest
ticked one, which stays in the tray. Returns core-free dataclasses; never a Qt type. Every write runs inside
``db.atomic()``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlite_utils import Database

from configurator.core.errors import ConfiguratorError, InvalidInputError

MAX_ITEMS = 8  # a booth conversation compares a handful of builds; more is a list nobody reads
MAX_COMPARED = 3  # the compare view's columns, and the options of one quote (good/better/best)
MAX_NAME = 120
TABLE = "compare_tray"


class TrayError(ConfiguratorError):
    pass


@dataclass(frozen=True)
class TrayItem:
    id: int
    name: str
    build_json: str
    source: str  # "current build", "wizard: better", a file path
    compared: bool
    added_at: str
    position: int


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _clean_name(name: str) -> str:
    text = " ".join(str(name).split())
    if not text:
        raise InvalidInputError("a build in the compare tray needs a name")
    return text[:MAX_NAME]


class CompareTray:
    def __init__(self, db: Database):
        self.db = db  # a UserDatabase's db: migration m006_compare_tray is applied

    # -- reading ----------------------------------------------------------------------------------
    def items(self) -> list[TrayItem]:
        """Every item, in the order added."""
        rows = self.db.execute(
            f"select id, name, build_json, source, compared, added_at, position from {TABLE} "
            "order by position, id").fetchall()
        return [TrayItem(r[0], r[1], r[2], r[3] or "", bool(r[4]), r[5], r[6]) for r in rows]

    def compared(self) -> list[TrayItem]:
        """The ticked items (at most ``MAX_COMPARED``), in tray order."""
        return [i for i in self.items() if i.compared]

    def get(self, item_id: int) -> TrayItem:
        for item in self.items():
            if item.id == item_id:
                return item
        raise TrayError(f"no build {item_id} in the compare tray")

    def __len__(self) -> int:
        return self.db.execute(f"select count(*) from {TABLE}").fetchone()[0]

    # -- writing ----------------------------------------------------------------------------------
    def add(self, name: str, build_json: str, source: str = "") -> tuple[TrayItem, TrayItem | None]:
        """Put a build in the tray, ticked for comparison. Returns (the new item, the item it unticked to stay
        within ``MAX_COMPARED``, or None). A full tray raises TrayError and changes nothing."""
        name = _clean_name(name)
        try:
            if not isinstance(json.loads(build_json), dict):
                raise ValueError
        except (TypeError, ValueError):
            raise InvalidInputError("the compare tray keeps builds in the build-file format (a JSON object)") from None
        with self.db.atomic():
            same = self.db.execute(f"select name from {TABLE} where build_json = ?", [build_json]).fetchone()
            if same is not None:
                raise TrayError(f"this build is already in the compare tray (as '{same[0]}')")
            if len(self) >= MAX_ITEMS:
                raise TrayError(f"the compare tray holds {MAX_ITEMS} builds: remove one first")
            position = self.db.execute(f"select coalesce(max(position), 0) + 1 from {TABLE}").fetchone()[0]
            new_id = self.db[TABLE].insert({"name": name, "build_json": build_json, "source": source,
                                            "compared": 1, "added_at": _now(), "position": position}).last_pk
            unticked = self._keep_compared_within(keep=new_id)
        return self.get(new_id), unticked

    def set_compared(self, item_id: int, on: bool) -> TrayItem | None:
        """Tick or untick an item; returns the item unticked to make room, or None."""
        with self.db.atomic():
            self.get(item_id)
            self.db[TABLE].update(item_id, {"compared": int(bool(on))})
            return self._keep_compared_within(keep=item_id) if on else None

    def rename(self, item_id: int, name: str) -> TrayItem:
        name = _clean_name(name)
        with self.db.atomic():
            self.get(item_id)
            self.db[TABLE].update(item_id, {"name": name})
        return self.get(item_id)

    def remove(self, item_id: int) -> None:
        with self.db.atomic():
            self.get(item_id)
            self.db.execute(f"delete from {TABLE} where id = ?", [item_id])

    def clear(self) -> None:
        with self.db.atomic():
            self.db.execute(f"delete from {TABLE}")

    def _keep_compared_within(self, keep: int) -> TrayItem | None:
        """Untick the oldest ticked items other than ``keep`` until at most MAX_COMPARED remain ticked."""
        ticked = [i for i in self.compared() if i.id != keep]
        unticked = None
        while len(ticked) + 1 > MAX_COMPARED:
            oldest = ticked.pop(0)
            self.db[TABLE].update(oldest.id, {"compared": 0})
            unticked = self.get(oldest.id)
        return unticked


__all__ = ["CompareTray", "TrayItem", "TrayError", "MAX_ITEMS", "MAX_COMPARED"]
