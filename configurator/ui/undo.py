"""Undo commands: one per user action (drop, delete, move, quantity, workload, kind, nodes, notes).

Every command holds the build-file snapshot before and after the action and restores one of them
through ``BuildDocument.restore``: redo()/undo() only call the document, and a snapshot can never
drift from what the build file format would save. Slider drags merge (same ``merge_key``), so one
drag is one undo step.
"""

from __future__ import annotations

from PySide6.QtGui import QUndoCommand

# QUndoCommand.id() values: commands with the same id and merge key merge into one step.
MERGE_ID = 1001


class SnapshotCommand(QUndoCommand):
    def __init__(self, document, text: str, before: dict, after: dict, merge_key: str | None = None):
        super().__init__(text)
        self._document = document
        self._before = before
        self._after = after
        self._merge_key = merge_key
        self._applied = True  # the document made the change before pushing: the first redo is a no-op

    def redo(self) -> None:
        if self._applied:
            self._applied = False
            return
        self._document.restore(self._after)

    def undo(self) -> None:
        self._document.restore(self._before)

    def id(self) -> int:  # noqa: A003 - Qt's name
        return MERGE_ID if self._merge_key else -1

    def mergeWith(self, other: QUndoCommand) -> bool:  # noqa: N802 - Qt's name
        if not isinstance(other, SnapshotCommand) or other._merge_key != self._merge_key:
            return False
        self._after = other._after
        return True
