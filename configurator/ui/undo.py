"""Undo commands: one per user action (drop, delete, move, quantity, workload, kind, nodes, notes).

Every command holds the build-file snapshot before and after the action and restores one of them
through ``BuildDocument.restore``: redo()/undo() only call the document, and a snapshot can never
drift from what the build file format would save.

One gesture, one step. Edits of one continuous gesture (a slider drag, a held arrow key, typing into
one field) merge: same ``merge_key``, same gesture, no pause. A new gesture starts with every mouse
press, touch or key press that is not an auto-repeat (``GestureClock`` watches the application's
events), and a pause of ``PAUSE_S`` starts one too (orange-canvas pushes at mouse release, for the same
reason). Two drags of the same slider are two steps.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QUndoCommand

# QUndoCommand.id() values: commands with the same id and merge key merge into one step.
MERGE_ID = 1001
# A pause this long ends a gesture (seconds): longer than the gap between two slider moves or two key
# repeats (~30-100 ms), shorter than the time a person takes to start the next edit.
PAUSE_S = 0.8

_GESTURE_STARTS = (QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonDblClick, QEvent.Type.TouchBegin,
                   QEvent.Type.TabletPress)


class GestureClock(QObject):
    """Counts gestures: every press (mouse, touch, pen) or non-repeated key press starts a new one."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.gesture = 0

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt's name
        kind = event.type()
        if kind in _GESTURE_STARTS or (kind == QEvent.Type.KeyPress and not event.isAutoRepeat()):
            self.gesture += 1
        return False

    def new_gesture(self) -> None:
        """An edit that is a gesture by itself (a menu action, a drop): it merges with nothing before it."""
        self.gesture += 1


class SnapshotCommand(QUndoCommand):
    def __init__(self, document, text: str, before: dict, after: dict, merge_key: str | None = None,
                 gesture: int | None = None, at_s: float | None = None):
        super().__init__(text)
        self._document = document
        self._before = before
        self._after = after
        self._merge_key = merge_key
        self._gesture = gesture
        self._last_s = time.monotonic() if at_s is None else at_s
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
        if other._gesture != self._gesture or other._last_s - self._last_s > PAUSE_S:
            return False  # another press, or a pause: a new step
        self._after = other._after
        self._last_s = other._last_s
        return True
