"""The build in the centre of the window, drawn as what it is, edited by drag and drop and keys.

Drops of catalog parts and moves of cards inside the build go to the build's DropHandler
(``ui/drops.py``) with the slot under the pointer: the target turns green where the part would land,
or red with the rule's reason beside the pointer (also in ``hover_reason``, the tooltip and
``status_message``), the DragMove is ignored and a drop there changes nothing. The handler makes
every change through one BuildDocument method, so it is one undo step.
Keyboard: arrows select, Ctrl+arrows move a GPU, Delete/Backspace removes, Escape clears the
selection. The drawing is in build_scene/build_painter, the drop decisions in ui/drops.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QEvent, QPoint, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QDrag, QPainter
from PySide6.QtWidgets import QApplication, QToolTip, QWidget

from configurator.core.configuration import PlaceResult
from configurator.core.errors import ConfiguratorError, UnknownPartError
from configurator.ui.drops import DropHandler, DropTarget, Verdict
from configurator.ui.views import build_painter
from configurator.ui.views.build_scene import BuildScene, Target, layout

MIN_WIDTH = 420  # px: the narrowest build view (two chips side by side)


class BuildView(QWidget):
    selection_changed = Signal(object, object)  # part_id | None, slot | None (an empty slot when part is None)
    status_message = Signal(str)  # why a hover/drop/key action is refused; '' when it is fine

    def __init__(self, document, parent=None, drops: DropHandler | None = None):
        super().__init__(parent)
        self.document = document
        self.drops = drops if drops is not None else DropHandler(document)
        self.setObjectName("build-view")
        self.setAccessibleName("Build")
        self.setAcceptDrops(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMouseTracking(False)
        self.hover_slot: int | None = None
        self.hover_reason: str = ""
        self.hover_valid: bool | None = None
        self._own_drag_outside: bool | None = None  # while dragging one of ours: the pointer left the view
        self.remove_on_drag_out = True
        self._hover_rect: QRectF | None = None
        self._hover_pos: QPointF | None = None
        self._selected: tuple[str | None, int | None] | None = None
        self._highlighted: frozenset[str] = frozenset()
        self._press: tuple[QPointF, Target] | None = None
        self._scene: BuildScene | None = None
        self._revision = 0  # bumped on every build change: keys the least-height cache
        self._least: tuple[tuple, int] | None = None
        document.build_changed.connect(self._on_build_changed)

    # -- scene -------------------------------------------------------------------------------------
    @property
    def scene(self) -> BuildScene:
        if self._scene is None:
            self._scene = layout(self.document.build, float(self.width()), float(self.height()))
        return self._scene

    def sizeHint(self) -> QSize:
        return QSize(720, max(560, self._least_height()))

    def minimumSizeHint(self) -> QSize:
        # As tall as the build needs at this width with nothing overlapping; the window scrolls the view
        # (it sits in a scroll area) when the screen is shorter.
        return QSize(MIN_WIDTH, self._least_height())

    def _least_height(self) -> int:
        key = (self.width(), id(self.document.build), self._revision)
        if self._least is None or self._least[0] != key:
            self._least = (key, int(math.ceil(layout(self.document.build, float(max(self.width(), MIN_WIDTH)),
                                                     0.0).min_height)))
        return self._least[1]

    def resizeEvent(self, event) -> None:
        self._scene = None
        before = self._least[1] if self._least is not None else None
        if self._least_height() != before:
            self.updateGeometry()
        super().resizeEvent(event)

    def _on_build_changed(self, _event=None) -> None:
        self._scene = None
        self._revision += 1
        before = self._least[1] if self._least is not None else None
        if self._least_height() != before:
            self.updateGeometry()
        if self._selected is not None and self._key_target(self._selected) is None:
            part_id = self._selected[0]
            if part_id is None or not self.select_part(part_id):
                self._set_selection(None)
        self.setAccessibleDescription(self.scene.title)
        self.update()

    # -- selection and highlights ------------------------------------------------------------------
    @staticmethod
    def _key(t: Target) -> tuple[str | None, int | None]:
        if t.kind in ("slot", "socket"):
            return None, t.slot
        return t.part_id, t.slot if t.section == "gpus" else None

    def _key_target(self, key) -> Target | None:
        return next((t for t in self.scene.selectable() if self._key(t) == key), None)

    @property
    def selected_part_id(self) -> str | None:
        return self._selected[0] if self._selected else None

    @property
    def selected_slot(self) -> int | None:
        return self._selected[1] if self._selected else None

    def _set_selection(self, key) -> None:
        if key != self._selected:
            self._selected = key
            self.selection_changed.emit(*(key or (None, None)))
            self.update()

    def select_part(self, part_id: str, slot: int | None = None) -> bool:
        """Select ``part_id`` (the card at ``slot``, else its first card). False: not in the build."""
        for t in self.scene.selectable():
            if t.part_id == part_id and (slot is None or t.slot == slot):
                self._set_selection(self._key(t))
                return True
        return False

    def select_slot(self, slot: int) -> bool:
        """Select an empty slot position or socket (keyboard add puts a GPU there)."""
        t = self._key_target((None, slot))
        if t is not None:
            self._set_selection((None, slot))
        return t is not None

    def clear_selection(self) -> None:
        self._set_selection(None)

    def highlight_parts(self, ids) -> None:
        """Mark the parts a selected finding names (empty: none)."""
        self._highlighted = frozenset(ids or ())
        self.update()

    @property
    def highlighted_parts(self) -> frozenset[str]:
        return self._highlighted

    # -- keyboard equivalents ----------------------------------------------------------------------
    def add_part(self, part_id: str) -> PlaceResult:
        """Enter/Insert on a catalog part: a GPU goes to the selected empty slot, else where the core
        puts it; one undo step. The refusal reasons go to ``status_message``."""
        slot = None
        try:
            kind, _ = self.document.catalog.find(part_id)
        except UnknownPartError:
            kind = ""
        if kind == "gpus" and self.selected_part_id is None and self.selected_slot is not None:
            slot = self.selected_slot
        result = self.document.place(part_id, slot)
        self._report(result)
        if result:
            self.select_part(part_id, result.slot)
        return result

    def remove_selected(self) -> bool:
        if self._selected is None or self._selected[0] is None:
            return False
        part_id, slot = self._selected
        order = self.scene.selectable()
        index = next((i for i, t in enumerate(order) if self._key(t) == self._selected), 0)
        try:
            self.document.remove(part_id, slot)
        except ConfiguratorError as exc:
            self.status_message.emit(str(exc))
            return False
        # Keep the keyboard where it was: the emptied slot, else the neighbouring part.
        if slot is not None and self.select_slot(slot):
            return True
        order = self.scene.selectable()
        self._set_selection(self._key(order[min(index, len(order) - 1)]) if order else None)
        return True

    def move_selected(self, step: int) -> bool:
        """Move the selected GPU to the nearest position in direction ``step`` (+1/-1) it may go to."""
        if self._selected is None or self._selected[0] is None or self._selected[1] is None:
            return False
        build = self.document.build
        if build.chassis is None:
            return False
        last = build.chassis.max_gpus if build.on_board else build.chassis.slot_positions
        slot = self._selected[1]
        result = PlaceResult(None, ("There is no free position that way.",))
        for to in range(slot + step, 0 if step < 0 else last + 1, step):
            result = self.document.can_move(slot, to)
            if result:
                self.document.move(slot, to)
                self.select_part(self._selected[0], to)
                break
        self._report(result)
        return bool(result)

    def _report(self, result: PlaceResult) -> None:
        self.status_message.emit(" ".join(result.reasons))

    def _step_selection(self, step: int) -> None:
        order = self.scene.selectable()
        if not order:
            return
        keys = [self._key(t) for t in order]
        if self._selected in keys:
            index = min(max(keys.index(self._selected) + step, 0), len(keys) - 1)
        else:
            index = 0 if step > 0 else len(keys) - 1
        self._set_selection(keys[index])

    def keyPressEvent(self, event) -> None:
        key = event.key()
        arrows = {Qt.Key.Key_Up: -1, Qt.Key.Key_Left: -1, Qt.Key.Key_Down: 1, Qt.Key.Key_Right: 1}
        if key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            self.remove_selected()
        elif key in arrows:
            if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
                self.move_selected(arrows[key])
            else:
                self._step_selection(arrows[key])
        elif key == Qt.Key.Key_Escape and self._selected is not None:
            self.clear_selection()
        else:
            super().keyPressEvent(event)
            return
        event.accept()

    # -- mouse: select, start a drag ---------------------------------------------------------------
    def mousePressEvent(self, event) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            t = self.scene.target_at(event.position())
            if t is not None and t.kind in ("gpu", "part", "slot", "socket"):
                self._set_selection(self._key(t))
                self._press = (event.position(), t) if t.kind in ("gpu", "part") else None
            else:
                self.clear_selection()
                self._press = None
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event) -> None:
        if self._press is not None and event.buttons() & Qt.MouseButton.LeftButton:
            start, target = self._press
            if (event.position() - start).manhattanLength() >= QApplication.startDragDistance():
                self._press = None
                self._start_drag(target)
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event) -> None:
        self._press = None
        super().mouseReleaseEvent(event)

    def _start_drag(self, t: Target) -> None:
        slot = t.slot if t.section == "gpus" else None
        drag = QDrag(self)
        drag.setMimeData(self.drops.drag_mime(t.part_id, slot))
        drag.setPixmap(self.grab(t.rect.toAlignedRect()))
        drag.setHotSpot(QPoint(int(t.rect.width() / 2), int(t.rect.height() / 2)))
        self._own_drag_outside = False
        try:
            action = drag.exec(Qt.DropAction.MoveAction | Qt.DropAction.CopyAction, Qt.DropAction.MoveAction)
        finally:
            outside, self._own_drag_outside = self._own_drag_outside, None
        self.drag_finished(t.part_id, slot, action, bool(outside))

    def drag_finished(self, part_id: str, slot: int | None, action, outside: bool) -> bool:
        """A drag of a build part ended with ``action``; ``outside``: the pointer had left this view
        (tracked by the drag's leave/enter events, not QCursor, which synthetic input does not move).
        Nobody took it and it ended outside, so it was dragged out: removed, one undo step. A drag
        refused or cancelled over the build keeps the part; on offscreen, where exec returns at once,
        the pointer never left."""
        if not self.remove_on_drag_out or action != Qt.DropAction.IgnoreAction or not outside:
            return False
        return self.drops.remove_dragged(self.drops.drag_mime(part_id, slot))

    # -- drops ---------------------------------------------------------------------------------------
    def drop_target(self, pos: QPointF) -> DropTarget:
        return DropTarget.at(self.scene.slot_at(pos))

    def evaluate(self, mime, pos: QPointF) -> Verdict | None:
        """What dropping ``mime`` at ``pos`` would do (None: not a payload this view takes)."""
        return self.drops.verdict(mime, self.drop_target(pos))

    def _set_hover(self, v: Verdict | None, pos: QPointF | None) -> None:
        reason = v.reason if v is not None and not v.ok else ""
        self.hover_valid = None if v is None else v.ok
        self.hover_slot = v.slot if v is not None else None
        self._hover_rect = (self.scene.landing_rect(v.section, v.slot, v.span, v.part_id, pos,
                                                    QRectF(self.rect()).adjusted(3, 3, -3, -3))
                            if v is not None and pos is not None else None)
        self._hover_pos = pos if reason else None
        if reason != self.hover_reason:
            self.hover_reason = reason
            self.setToolTip(reason)
            self.status_message.emit(reason)
        self.update()

    def _drag_over(self, event) -> None:
        if self._own_drag_outside is not None:
            self._own_drag_outside = False
        v = self.evaluate(event.mimeData(), event.position())
        if v is None:
            self._set_hover(None, None)
            event.ignore()
            return
        self._set_hover(v, event.position())
        if v.ok:
            event.setDropAction(v.action)
            event.accept()
        else:
            event.ignore()

    def dragEnterEvent(self, event) -> None:
        # Qt sends no move or drop to a widget that ignored the enter, so a drag that comes in over a
        # refused spot on its way to a good one must still be taken here; the verdict for the point
        # is the DragMove's acceptance (Qt sends one right after the enter).
        self._drag_over(event)
        if self.hover_valid is not None:
            event.accept()

    def dragMoveEvent(self, event) -> None:
        self._drag_over(event)

    def dragLeaveEvent(self, event) -> None:
        if self._own_drag_outside is not None:
            self._own_drag_outside = True
        self._set_hover(None, None)
        event.accept()

    def dropEvent(self, event) -> None:
        v = self.drops.do_drop(event.mimeData(), self.drop_target(event.position()))
        self._set_hover(None, None)
        if v is None or not v.ok:
            if v is not None:
                self.status_message.emit(v.reason)
            event.ignore()
            return
        event.setDropAction(v.action)
        event.accept()
        self.select_part(v.part_id, v.slot if v.section == "gpus" else None)
        self.setFocus(Qt.FocusReason.OtherFocusReason)

    # -- painting and tooltips ---------------------------------------------------------------------
    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        try:
            state = build_painter.PaintState(
                selected=self._selected, highlighted=self._highlighted, hover_rect=self._hover_rect,
                hover_ok=bool(self.hover_valid), hover_reason=self.hover_reason, hover_pos=self._hover_pos,
                focused=self.hasFocus(),
            )
            build_painter.paint(painter, self.scene, self.palette(), self.font(), state)
        finally:
            painter.end()

    def event(self, event) -> bool:
        if event.type() == QEvent.Type.ToolTip and not self.hover_reason:
            t = self.scene.target_at(QPointF(event.pos()))
            if t is not None and t.part is not None:
                where = f"\nslot {t.slot}" if t.slot is not None else ""
                QToolTip.showText(event.globalPos(), f"{t.part.name}\n{t.part.id}{where}", self,
                                  t.rect.toAlignedRect())
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().event(event)

    def focusInEvent(self, event) -> None:
        self.update()
        super().focusInEvent(event)

    def focusOutEvent(self, event) -> None:
        self.update()
        super().focusOutEvent(event)


__all__ = ["BuildView"]
